// `pnpm start`: brings up the database (given or embedded) and Redis (given, local or spawned),
// migrates and seeds, runs the platform's services, and on Ctrl-C stops exactly what it started.
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { urlWithoutPassword } from "@ms5/kit";
import { type EmbeddedPostgres, EmbeddedPostgresError, startEmbeddedPostgres } from "./start/embedded-postgres.ts";
import { localPostgresUrl } from "./start/local-postgres.ts";
import { RedisUnavailableError, type ResolvedRedis, resolveRedis } from "./start/local-redis.ts";
import { localSecrets } from "./start/local-secrets.ts";
import { ServiceLoginError, serviceDatabaseUrl } from "./start/service-database-login.ts";
import { floorServices, repoRoot, type Supervisor, superviseServices } from "./start/services.ts";

interface StartDefaults {
  /** Embedded PostgreSQL port on 127.0.0.1 when EMBEDDED_PG_PORT is unset. */
  embeddedPostgresPort: number;
  /** Connections the embedded server admits; PGlite still runs their queries one at a time. */
  embeddedPostgresMaxConnections: number;
  /**
   * DATABASE_POOL_MAX handed to each service on the embedded server, so that all their pools
   * together stay within its connection limit.
   */
  embeddedServicePoolMax: number;
  /** Redis tried before spawning one, when REDIS_URL is unset. */
  localRedisUrl: string;
  /** Port of the spawned redis-server when EMBEDDED_REDIS_PORT is unset. */
  spawnedRedisPort: number;
  /** How long a Redis gets to answer PING. */
  redisPingTimeoutMs: number;
  /** How long a spawned redis-server gets to come up. */
  redisReadyTimeoutMs: number;
  /** Wait after SIGTERM before SIGKILL, for services and the spawned redis-server. */
  stopGraceMs: number;
  /** First restart delay of a crashed service; doubles per consecutive crash. */
  restartInitialDelayMs: number;
  /** Cap of a crashed service's restart delay. */
  restartMaxDelayMs: number;
  /** A service run this long resets its restart backoff. */
  restartResetAfterMs: number;
}

const startDefaults: StartDefaults = {
  embeddedPostgresPort: 54329,
  embeddedPostgresMaxConnections: 32,
  embeddedServicePoolMax: 2,
  localRedisUrl: "redis://127.0.0.1:6379",
  spawnedRedisPort: 63790,
  redisPingTimeoutMs: 3000,
  redisReadyTimeoutMs: 10_000,
  stopGraceMs: 10_000,
  restartInitialDelayMs: 1000,
  restartMaxDelayMs: 30_000,
  restartResetAfterMs: 60_000,
};

const dataRoot = path.join(repoRoot, ".data");

/**
 * For the pnpm commands start.ts runs: pnpm 12 checks node_modules before every script and installs
 * when it looks stale. `pnpm start` itself already did that check; repeating it in a child would
 * run an install (network, node_modules rewritten) while the database is up.
 */
const nestedPnpmEnv = { pnpm_config_verify_deps_before_run: "false" } as const;

class StartAborted extends Error {
  override name = "StartAborted";
}

function log(line: string): void {
  process.stderr.write(`[start] ${line}\n`);
}

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new StartAborted(`${name}=${raw} is not a TCP port (1-65535).`);
  }
  return port;
}

interface RunningStep {
  child: ChildProcess;
  exited: Promise<number>;
}

// What this process started (or is starting), so shutdown stops exactly that.
let embeddedPostgresStarting: Promise<EmbeddedPostgres> | undefined;
let redisResolving: Promise<ResolvedRedis> | undefined;
let runningStep: RunningStep | undefined;
let supervisor: Supervisor | undefined;
let shuttingDown: Promise<void> | undefined;

/** Runs a one-shot step (migrate, seed) in the foreground; resolves with its exit code. */
async function runStep(
  command: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
): Promise<number> {
  const child = spawn(command, [...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: "inherit" });
  const exited = new Promise<number>((resolve) => {
    child.once("error", (error) => {
      log(`could not run ${command}: ${error.message}`);
      resolve(127);
    });
    child.once("exit", (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
  });
  runningStep = { child, exited };
  try {
    return await exited;
  } finally {
    runningStep = undefined;
  }
}

/** Stops what this process started, newest first: services before the stores they use. */
function shutDown(exitCode: number): Promise<void> {
  shuttingDown ??= (async () => {
    const services = supervisor;
    const step = runningStep;
    // Waited for rather than abandoned: a Ctrl-C during PGlite's first start would otherwise leave a
    // half-initialised data directory behind.
    const resolvedRedis = await redisResolving?.catch(() => undefined);
    const database = await embeddedPostgresStarting?.catch(() => undefined);
    const stops: Array<[string, () => Promise<void>]> = [];
    if (services) stops.push(["services", () => services.stop()]);
    if (step) {
      stops.push([
        "migrate/seed",
        async () => {
          // A terminal's Ctrl-C reached it already (same process group); SIGTERM covers `kill`.
          step.child.kill("SIGTERM");
          await step.exited;
        },
      ]);
    }
    // stop() of a Redis found running is a no-op: only a spawned redis-server is ended.
    if (resolvedRedis) stops.push(["redis-server", () => resolvedRedis.stop()]);
    if (database) stops.push(["embedded PostgreSQL", () => database.stop()]);
    for (const [what, stop] of stops) {
      try {
        await stop();
      } catch (error) {
        log(`stopping ${what} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    log("stopped");
    process.exit(exitCode);
  })();
  return shuttingDown;
}

async function main(): Promise<void> {
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      if (shuttingDown) return;
      log(`${signal}: stopping`);
      void shutDown(0);
    });
  }

  // Two connection settings: the owner (MIGRATION_DATABASE_URL, else DATABASE_URL, else a local or
  // embedded server) migrates and seeds; services get a data-only login (service-database-login.ts).
  // The owner's URL is a secret variable: no service inherits it (local-secrets.ts).
  const migrationUrl = process.env.MIGRATION_DATABASE_URL?.trim() || undefined;
  const givenServiceUrl = migrationUrl ? process.env.DATABASE_URL?.trim() || undefined : undefined;
  const givenOwnerUrl = migrationUrl ?? process.env.DATABASE_URL?.trim();
  const localPostgres = givenOwnerUrl ? undefined : await localPostgresUrl();
  let databaseUrl = givenOwnerUrl || localPostgres;
  let embeddedPostgres: EmbeddedPostgres | undefined;
  let databaseOrigin = migrationUrl ? "from MIGRATION_DATABASE_URL" : "from DATABASE_URL";
  if (databaseUrl && !localPostgres) {
    log(`database: ${migrationUrl ? "MIGRATION_DATABASE_URL" : "DATABASE_URL"}`);
  } else if (databaseUrl) {
    databaseOrigin = "the PostgreSQL answering on 127.0.0.1:5432";
    log(`database: ${databaseOrigin}, database ms5_floor (created on first start)`);
  } else {
    databaseOrigin = "embedded PGlite, data in .data/pglite";
    const dataDir = path.join(dataRoot, "pglite");
    log(`database: starting embedded PostgreSQL (PGlite) in ${path.relative(process.cwd(), dataDir) || dataDir}`);
    embeddedPostgresStarting = startEmbeddedPostgres({
      dataDir,
      port: portFromEnv("EMBEDDED_PG_PORT", startDefaults.embeddedPostgresPort),
      maxConnections: startDefaults.embeddedPostgresMaxConnections,
    });
    embeddedPostgres = await embeddedPostgresStarting;
    databaseUrl = embeddedPostgres.databaseUrl;
  }
  if (shuttingDown) return;

  redisResolving = resolveRedis({
    env: process.env,
    localUrl: startDefaults.localRedisUrl,
    pingTimeoutMs: startDefaults.redisPingTimeoutMs,
    spawn: {
      port: portFromEnv("EMBEDDED_REDIS_PORT", startDefaults.spawnedRedisPort),
      dataDir: path.join(dataRoot, "redis"),
      readyTimeoutMs: startDefaults.redisReadyTimeoutMs,
      stopGraceMs: startDefaults.stopGraceMs,
      onUnexpectedExit: (description) => log(`${description}; services lose Redis until you restart pnpm start`),
    },
  });
  const redis = await redisResolving;
  if (shuttingDown) return;
  log(`redis: ${redis.origin === "spawned" ? `spawned redis-server (pid ${redis.pid})` : redis.origin}`);

  // PGlite is one session behind every connection: while one connection has a transaction open the
  // others wait, so a second pool connection in migrate or seed could only deadlock against the first.
  const stepEnv: Record<string, string> = {
    MIGRATION_DATABASE_URL: databaseUrl,
    DATABASE_URL: databaseUrl,
    ...(embeddedPostgres ? { DATABASE_POOL_MAX: "1" } : {}),
    ...nestedPnpmEnv,
  };
  for (const [name, script] of [
    ["migrations", "db:migrate"],
    ["seed", "db:seed"],
  ] as const) {
    log(`${name}: pnpm ${script}`);
    const exitCode = await runStep("pnpm", [script], stepEnv);
    if (shuttingDown) return;
    if (exitCode !== 0) {
      throw new StartAborted(`pnpm ${script} exited with code ${exitCode}; nothing further was started.`);
    }
  }

  const secrets = await localSecrets(dataRoot);
  const serviceUrl = await serviceDatabaseUrl({
    ownerUrl: databaseUrl,
    givenServiceUrl,
    password: secrets.DATABASE_SERVICE_PASSWORD,
  });
  if (shuttingDown) return;
  supervisor = superviseServices(floorServices, {
    secrets,
    sharedEnv: {
      DATABASE_URL: serviceUrl,
      REDIS_URL: redis.url,
      ...nestedPnpmEnv,
      ...(embeddedPostgres ? { DATABASE_POOL_MAX: String(startDefaults.embeddedServicePoolMax) } : {}),
    },
    restartInitialDelayMs: startDefaults.restartInitialDelayMs,
    restartMaxDelayMs: startDefaults.restartMaxDelayMs,
    restartResetAfterMs: startDefaults.restartResetAfterMs,
    stopGraceMs: startDefaults.stopGraceMs,
    log,
  });

  const redisOrigin: Record<typeof redis.origin, string> = {
    REDIS_URL: "from REDIS_URL",
    local: "already running locally",
    spawned: "spawned redis-server, data in .data/redis",
  };
  const summary = [
    "",
    "MS5.0 Floor is up.",
    `  DATABASE_URL=${urlWithoutPassword(serviceUrl)}   (services: data rights only)`,
    `  MIGRATION_DATABASE_URL=${urlWithoutPassword(databaseUrl)}   (${databaseOrigin})`,
    `  REDIS_URL=${urlWithoutPassword(redis.url)}   (${redisOrigin[redis.origin]})`,
    supervisor.serviceNames.length > 0
      ? `  services: ${supervisor.serviceNames.join(", ")}`
      : "  services: none yet; the database and Redis stay up for you",
    "Press Ctrl-C to stop.",
    "",
  ];
  process.stderr.write(`${summary.join("\n")}\n`);
  // Nothing else holds the event loop open when there are no services and Redis is not ours.
  setInterval(() => undefined, 1 << 30);
}

main().catch((error: unknown) => {
  if (shuttingDown) return;
  const expected =
    error instanceof StartAborted ||
    error instanceof EmbeddedPostgresError ||
    error instanceof RedisUnavailableError ||
    error instanceof ServiceLoginError;
  log(expected ? error.message : `failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  void shutDown(1);
});
