// The platform's long-running processes and a small supervisor for them: each runs as a child with
// the resolved DATABASE_URL and REDIS_URL, is restarted with capped backoff if it crashes, and is stopped on shutdown.
import { spawn } from "node:child_process";
import path from "node:path";
import { type LocalSecrets, type SecretName, serviceEnvironment } from "./local-secrets.ts";

export interface ServiceDefinition {
  /** Short name used in start.ts's own log lines. */
  name: string;
  command: string;
  args: readonly string[];
  /** Absolute working directory. */
  cwd: string;
  /** Extra variables for this service; DATABASE_URL and REDIS_URL are added by the supervisor. */
  env?: Readonly<Record<string, string>>;
  /** The secrets this service uses; it is handed these and no other (local-secrets.ts). */
  secrets?: readonly SecretName[];
  /** Its name in the supergraph, for a subgraph: the gateway is told where it listens. */
  subgraph?: string;
}

/** The repository root: services run from it, and `.data/` lives in it. */
export const repoRoot = path.resolve(import.meta.dirname, "../..");

/**
 * Everything `pnpm start` runs besides the database and Redis, started in this order. Adding a
 * service is one entry, e.g.
 * `{ name: "gateway", command: "pnpm", args: ["--filter", "@ms5/gateway", "start"], cwd: repoRoot }`.
 */
export const floorServices: readonly ServiceDefinition[] = [
  {
    // Stands in for the plant's PLCs: one emulated controller (Logix, or SLC 5/05) per PLC of the plant model,
    // speaking EtherNet/IP on the model's ports on 127.0.0.1.
    name: "plc-emulators",
    command: process.execPath,
    args: ["--import", "tsx", "plc-bridge/emulator/server.ts"],
    cwd: repoRoot,
  },
  {
    name: "plc-bridge",
    command: process.execPath,
    args: ["--import", "tsx", "plc-bridge/src/server.ts"],
    cwd: repoRoot,
  },
  {
    // Reads the bridge's telemetry into live state, downtime and OEE; serves its part of the API.
    name: "production-subgraph",
    subgraph: "production",
    command: process.execPath,
    args: ["--import", "tsx", "subgraphs/production/src/server.ts"],
    cwd: repoRoot,
    secrets: ["SUBGRAPH_GATEWAY_SECRET", "AUTH_VERIFICATION_KEYS", "CHECKLIST_SIGNING_KEYS"],
  },
  {
    // Inspection plans and checks, live SPC from the check weigher's weights, defects, holds, scrap.
    name: "quality-subgraph",
    subgraph: "quality",
    command: process.execPath,
    args: ["--import", "tsx", "subgraphs/quality/src/server.ts"],
    cwd: repoRoot,
    secrets: ["SUBGRAPH_GATEWAY_SECRET", "AUTH_VERIFICATION_KEYS", "QUALITY_SIGNING_KEYS"],
  },
  {
    // Andon calls from tablets and the bridge's fault streams, escalation timers, notifications.
    name: "andon-subgraph",
    subgraph: "andon",
    command: process.execPath,
    args: ["--import", "tsx", "subgraphs/andon/src/server.ts"],
    cwd: repoRoot,
    secrets: ["SUBGRAPH_GATEWAY_SECRET", "AUTH_VERIFICATION_KEYS"],
  },
  {
    // OEE rolled up into shift and day buckets, the analytics API, report runs and schedules.
    name: "reporting-subgraph",
    subgraph: "reporting",
    command: process.execPath,
    args: ["--import", "tsx", "subgraphs/reporting/src/server.ts"],
    cwd: repoRoot,
    secrets: ["SUBGRAPH_GATEWAY_SECRET", "AUTH_VERIFICATION_KEYS"],
  },
  {
    // The one public endpoint, over schema/supergraph.graphql (`pnpm compose`).
    name: "gateway",
    command: process.execPath,
    args: ["--import", "tsx", "gateway/src/server.ts"],
    cwd: repoRoot,
    // The only holder of the private signing keys.
    secrets: ["SUBGRAPH_GATEWAY_SECRET", "AUTH_SIGNING_KEYS", "GATEWAY_PROXY_SECRET"],
  },
  {
    // The tablet and desktop app on http://127.0.0.1:3000 (WEB_PORT); built on its first start.
    name: "web",
    command: "sh",
    args: ["web/scripts/serve.sh"],
    cwd: repoRoot,
    // Sent with each sign-in it proxies, so the gateway believes its forwarded client address.
    secrets: ["GATEWAY_PROXY_SECRET"],
  },
];

/**
 * `<NAME>_SUBGRAPH_URL` for each subgraph whose `<NAME>_SUBGRAPH_PORT` moved it off the port the
 * composed supergraph records, so the gateway still finds it (a second plant on one machine, tests).
 * A URL set by hand wins. (The web app follows GATEWAY_PORT by itself: web/scripts/serve.sh.)
 */
export function subgraphUrlsForMovedPorts(
  services: readonly ServiceDefinition[],
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const { subgraph } of services) {
    if (!subgraph) continue;
    const prefix = subgraph.toUpperCase();
    const port = env[`${prefix}_SUBGRAPH_PORT`]?.trim();
    if (port && !env[`${prefix}_SUBGRAPH_URL`]?.trim()) {
      // Subgraphs listen on SUBGRAPH_HOST, 127.0.0.1 by default; a wildcard host answers there too.
      urls[`${prefix}_SUBGRAPH_URL`] = `http://127.0.0.1:${port}/graphql`;
    }
  }
  return urls;
}

export interface SupervisorOptions {
  /** Variables every service gets on top of the parent's environment (DATABASE_URL, REDIS_URL, ...); no secrets. */
  sharedEnv: Readonly<Record<string, string>>;
  /** What each service's `secrets` are taken from. */
  secrets?: LocalSecrets;
  /** First restart delay after a crash; doubles per consecutive crash. */
  restartInitialDelayMs: number;
  /** Cap of the restart delay. */
  restartMaxDelayMs: number;
  /** A run at least this long counts as healthy and resets the backoff. */
  restartResetAfterMs: number;
  /** How long stop() waits after SIGTERM before SIGKILL. */
  stopGraceMs: number;
  /** start.ts's human log. */
  log: (line: string) => void;
}

export interface Supervisor {
  /** Names of the supervised services, in start order. */
  readonly serviceNames: readonly string[];
  /** Stops every service (SIGTERM, then SIGKILL after the grace period) and stops restarting them. */
  stop(): Promise<void>;
}

interface SupervisedService {
  definition: ServiceDefinition;
  /** Process group of the latest run: the pid of the child that leads it. */
  groupId?: number;
  /** Settles when the latest run's leader has exited. */
  exited?: Promise<void>;
  consecutiveCrashes: number;
  restartTimer?: NodeJS.Timeout;
}

export function superviseServices(definitions: readonly ServiceDefinition[], options: SupervisorOptions): Supervisor {
  let stopping = false;
  const supervised: SupervisedService[] = definitions.map((definition) => ({ definition, consecutiveCrashes: 0 }));

  const launch = (service: SupervisedService) => {
    const { definition } = service;
    const startedAt = Date.now();
    let ended = false;
    const onEnded = (description: string) => {
      if (ended) return;
      ended = true;
      if (stopping) return;
      // Leftovers of a crashed run (the node process under a dead pnpm) would hold its ports.
      if (child.pid !== undefined) signalGroup(child.pid, "SIGTERM");
      if (Date.now() - startedAt >= options.restartResetAfterMs) service.consecutiveCrashes = 0;
      const delay = Math.min(
        options.restartMaxDelayMs,
        options.restartInitialDelayMs * 2 ** service.consecutiveCrashes,
      );
      service.consecutiveCrashes++;
      options.log(`${definition.name} ${description}; restarting in ${Math.round(delay / 100) / 10} s`);
      service.restartTimer = setTimeout(() => {
        service.restartTimer = undefined;
        if (!stopping) launch(service);
      }, delay);
    };

    const child = spawn(definition.command, [...definition.args], {
      cwd: definition.cwd,
      env: serviceEnvironment(
        process.env,
        options.secrets,
        definition.secrets ?? [],
        definition.env ?? {},
        options.sharedEnv,
      ),
      // Services log JSON lines of their own: pass them through untouched.
      stdio: ["ignore", "inherit", "inherit"],
      // Its own process group, so stop() reaches the grandchildren too (pnpm -> tsx -> node), and a
      // terminal's Ctrl-C reaches only start.ts, which stops services before the stores they use.
      detached: true,
    });
    service.groupId = child.pid;
    service.exited = new Promise((resolve) => {
      // A failed spawn emits "error" and no "exit"; it counts as a crash so the backoff applies.
      child.once("error", (error) => {
        onEnded(`could not be started (${error.message})`);
        resolve();
      });
      child.once("exit", (code, signal) => {
        onEnded(signal === null ? `exited with code ${code}` : `was ended by ${signal}`);
        resolve();
      });
    });
    if (child.pid !== undefined) options.log(`started ${definition.name} (pid ${child.pid})`);
  };

  for (const service of supervised) launch(service);

  let stopped: Promise<void> | undefined;
  return {
    serviceNames: definitions.map((definition) => definition.name),
    stop() {
      stopping = true;
      stopped ??= Promise.all(
        supervised.map(async (service) => {
          clearTimeout(service.restartTimer);
          const { groupId: pid, exited } = service;
          if (pid === undefined || !isGroupAlive(pid)) return;
          signalGroup(pid, "SIGTERM");
          // The whole group, not just the leader: pnpm can exit before the node process it started.
          if (!(await groupEndsWithin(pid, options.stopGraceMs))) {
            options.log(`${service.definition.name} ignored SIGTERM for ${options.stopGraceMs / 1000} s; killing it`);
            signalGroup(pid, "SIGKILL");
          }
          await exited;
        }),
      ).then(() => undefined);
      return stopped;
    },
  };
}

async function groupEndsWithin(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isGroupAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

function isGroupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Signals the process group led by a child this supervisor spawned (its pid is the group id). */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    // ESRCH: the group is already gone.
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}
