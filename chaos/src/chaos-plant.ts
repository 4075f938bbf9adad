// The plant the chaos run attacks, all on this machine and all its own: an embedded PostgreSQL and a
// redis-server (append-only file on) on private ports and a temporary folder, migrated and seeded
// with the demo plant; one emulated controller per PLC (in this process, scripted equipment, so its
// counters and states are the ground truth); and the bridge, both subgraphs and the gateway as
// child processes, each in its own process group so it can be killed with SIGKILL by its id.
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, mkdirSync, openSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createPrismaClient, type PrismaClient } from "@ms5/db";
import { migrateDatabase } from "@ms5/db/migrate";
import { seedPlant } from "@ms5/db/seed";
import { startRedisServer } from "@ms5/kit";
import { freePort, freePortRange } from "@ms5/kit/testing";
import {
  emulatedPlantFromDatabase,
  type RunningLogixEmulator,
  type RunningSlcEmulator,
  startLogixEmulator,
  startSlcEmulator,
} from "@ms5/plc-bridge/emulator";

/** An emulated PLC of either family (Basket Loader 1's is an SLC 5/05); both take the same control calls. */
export type EmulatedController = RunningLogixEmulator | RunningSlcEmulator;

import { type EmbeddedPostgres, startEmbeddedPostgres } from "../../scripts/start/embedded-postgres.ts";
import { localSecrets, type SecretName, serviceEnvironment } from "../../scripts/start/local-secrets.ts";
import { serviceDatabaseUrl } from "../../scripts/start/service-database-login.ts";
import type { ChaosSettings } from "./chaos-settings.ts";

const REPOSITORY_ROOT = path.resolve(import.meta.dirname, "../..");
const DATABASE_NAME = "ms5_chaos";

export type ServiceName = "bridge" | "production" | "andon" | "gateway";

export interface PlantEquipment {
  code: string;
  id: string;
  lineId: string;
  lineCode: string;
  plc: string;
  tagPrefix: string;
  targetSpeedPerMinute: number;
  /** Fault bits the run raises on it, with the andon effect the catalog prescribes for each. */
  faults: { bit: number; faultCode: string; effect: "raise" | "none"; uncatalogued: boolean }[];
}

/** A service run as a child process (its own process group), restartable after a kill. */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  starts = 0;

  constructor(
    readonly name: ServiceName,
    private readonly entry: string,
    private readonly env: Record<string, string>,
    private readonly logFile: string,
    /** Answers once the service serves (any HTTP answer from its health endpoint). */
    readonly healthUrl: string,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    const log = openSync(this.logFile, "a");
    const child = spawn(process.execPath, ["--import", "tsx", this.entry], {
      cwd: REPOSITORY_ROOT,
      env: this.env,
      stdio: ["ignore", log, log],
      detached: true,
    });
    this.child = child;
    this.starts++;
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
  }

  /** kill -9 of the service's process group (node and whatever it spawned). */
  async kill9(): Promise<void> {
    const pid = this.child?.pid;
    if (pid === undefined || this.child?.exitCode !== null || this.child.signalCode !== null) return;
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Already gone.
    }
    await this.exited;
  }

  /** SIGTERM, then SIGKILL after 10 s: the end of the run. */
  async stop(): Promise<void> {
    const pid = this.child?.pid;
    if (pid === undefined || this.child?.exitCode !== null || this.child.signalCode !== null) return;
    try {
      process.kill(-pid, "SIGTERM");
    } catch {
      return;
    }
    const ended = await Promise.race([
      this.exited.then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), 10_000)),
    ]);
    if (!ended) await this.kill9();
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves once the health endpoint answers at all (200 or 503); throws after `timeoutMs`. */
  async waitUntilServing(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`${this.name} exited while starting (see ${this.logFile})`);
      try {
        const response = await fetch(this.healthUrl, { signal: AbortSignal.timeout(1_000) });
        await response.body?.cancel();
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    throw new Error(`${this.name} did not serve within ${timeoutMs} ms (see ${this.logFile})`);
  }
}

export interface ChaosPlant {
  runDir: string;
  bufferDir: string;
  /** Whether the buffer folder is a tmpfs of its own (root only): the full-disk fault needs it. */
  bufferOnOwnDisk: boolean;
  ownerUrl: string;
  redisUrl: string;
  gatewayUrl: string;
  bridgeOpsUrl: string;
  owner: PrismaClient;
  emulators: ReadonlyMap<string, EmulatedController>;
  equipment: readonly PlantEquipment[];
  services: Readonly<Record<ServiceName, ServiceProcess>>;
  postgres: { stop(): Promise<void>; start(): Promise<void>; readonly running: boolean };
  redis: { stop(): Promise<void>; start(): Promise<void>; readonly running: boolean };
  /** Stops everything it started; the run's folder (logs, data) stays when `keepFolder`. */
  close(keepFolder?: boolean): Promise<void>;
}

export async function startChaosPlant(settings: ChaosSettings, log: (line: string) => void): Promise<ChaosPlant> {
  const runDir = await fs.mkdtemp(path.join(os.tmpdir(), "ms5-chaos-"));
  // PostgreSQL runs as the system user postgres when we are root: it must reach its folder.
  chmodSync(runDir, 0o755);
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async (keepFolder = false) => {
    for (const close of closers.reverse()) await close().catch((error) => log(`cleanup: ${String(error)}`));
    if (!keepFolder) await fs.rm(runDir, { recursive: true, force: true }).catch(() => undefined);
  };
  try {
    // ---- PostgreSQL ------------------------------------------------------------------------------
    const postgresPort = await freePort();
    const postgresOptions = {
      dataDir: path.join(runDir, "postgres"),
      port: postgresPort,
      readyTimeoutMs: 60_000,
      stopGraceMs: 10_000,
    };
    let postgres: EmbeddedPostgres | undefined = await startEmbeddedPostgres(postgresOptions);
    closers.push(async () => postgres?.stop());
    const ownerUrl = postgres.databaseUrl(DATABASE_NAME);
    log(`postgres: embedded, port ${postgresPort}, data ${postgresOptions.dataDir}`);

    // ---- Redis -----------------------------------------------------------------------------------
    const redisOptions = {
      port: await freePort(),
      dataDir: path.join(runDir, "redis"),
      readyTimeoutMs: 15_000,
      stopGraceMs: 10_000,
    };
    let redis: Awaited<ReturnType<typeof startRedisServer>> | undefined = await startRedisServer(redisOptions);
    closers.push(async () => redis?.stop());
    const redisUrl = redis.url;
    log(`redis: redis-server, ${redisUrl}, append-only file in ${redisOptions.dataDir}`);

    // ---- schema, demo plant, the run's own rules -------------------------------------------------
    await migrateDatabase(ownerUrl);
    const owner = createPrismaClient({ databaseUrl: ownerUrl, poolMax: 3 });
    closers.push(() => owner.$disconnect());
    const plcPortBase = await freePortRange(3);
    await seedPlant(owner, { fastHashing: true, plcPortBase });
    const equipment = await prepareEquipment(owner);
    await shortenEscalations(owner, settings);
    log(`database: migrated and seeded; ${equipment.length} equipment on PLCs`);

    // ---- emulated PLCs: scripted equipment, counters from 0, paused until the bridge has read them
    const emulators = new Map<string, EmulatedController>();
    for (const plc of await emulatedPlantFromDatabase(owner)) {
      const options = {
        host: plc.host,
        port: plc.port,
        seed: plc.seed,
        startPaused: true,
        equipment: plc.equipment.map((eq) => ({ ...eq, autonomous: false })),
      };
      const emulator: EmulatedController =
        plc.driver === "SLC_PCCC" ? await startSlcEmulator(options) : await startLogixEmulator(options);
      closers.push(() => emulator.stop());
      emulators.set(plc.name, emulator);
    }

    // ---- the buffer's own small disk ---------------------------------------------------------------
    const bufferDir = path.join(runDir, "bridge-buffer");
    mkdirSync(bufferDir, { recursive: true });
    const bufferOnOwnDisk = await mountTmpfs(bufferDir, settings.bufferDiskBytes);
    if (bufferOnOwnDisk) closers.push(() => unmount(bufferDir));
    else log("buffer: could not mount a tmpfs (not root?); the full-disk fault will be skipped");

    // ---- services --------------------------------------------------------------------------------
    const secrets = await localSecrets(path.join(runDir, "secrets"), {});
    const serviceUrl = await serviceDatabaseUrl({
      ownerUrl,
      givenServiceUrl: undefined,
      password: secrets.DATABASE_SERVICE_PASSWORD,
    });
    const ports = {
      bridge: await freePort(),
      production: await freePort(),
      andon: await freePort(),
      gateway: await freePort(),
    };
    const shared: Record<string, string> = {
      DATABASE_URL: serviceUrl,
      REDIS_URL: redisUrl,
      LOG_LEVEL: "warn",
      // pnpm's own check of node_modules must not run in children.
      pnpm_config_verify_deps_before_run: "false",
    };
    const define = (
      name: ServiceName,
      entry: string,
      handed: SecretName[],
      own: Record<string, string>,
      healthUrl: string,
    ) =>
      new ServiceProcess(
        name,
        entry,
        serviceEnvironment(process.env, secrets, handed, own, shared),
        path.join(runDir, `${name}.log`),
        healthUrl,
      );
    const services: Record<ServiceName, ServiceProcess> = {
      bridge: define(
        "bridge",
        "plc-bridge/src/server.ts",
        [],
        { BRIDGE_BUFFER_DIR: bufferDir, BRIDGE_OPS_PORT: String(ports.bridge) },
        `http://127.0.0.1:${ports.bridge}/health`,
      ),
      production: define(
        "production",
        "subgraphs/production/src/server.ts",
        ["SUBGRAPH_GATEWAY_SECRET", "AUTH_VERIFICATION_KEYS", "CHECKLIST_SIGNING_KEYS"],
        // A stable instance name, as a deployment gives each instance: a restart takes its pending entries back.
        { PRODUCTION_SUBGRAPH_PORT: String(ports.production), INSTANCE_ID: "chaos-1" },
        `http://127.0.0.1:${ports.production}/health`,
      ),
      andon: define(
        "andon",
        "subgraphs/andon/src/server.ts",
        ["SUBGRAPH_GATEWAY_SECRET", "AUTH_VERIFICATION_KEYS"],
        {
          ANDON_SUBGRAPH_PORT: String(ports.andon),
          INSTANCE_ID: "chaos-1",
          ANDON_PHOTO_DIR: path.join(runDir, "photos"),
        },
        `http://127.0.0.1:${ports.andon}/health`,
      ),
      gateway: define(
        "gateway",
        "gateway/src/server.ts",
        ["SUBGRAPH_GATEWAY_SECRET", "AUTH_SIGNING_KEYS", "GATEWAY_PROXY_SECRET"],
        {
          GATEWAY_PORT: String(ports.gateway),
          PRODUCTION_SUBGRAPH_URL: `http://127.0.0.1:${ports.production}/graphql`,
          ANDON_SUBGRAPH_URL: `http://127.0.0.1:${ports.andon}/graphql`,
        },
        `http://127.0.0.1:${ports.gateway}/health`,
      ),
    };
    closers.push(async () => {
      await Promise.all(Object.values(services).map((service) => service.stop()));
    });
    // The subgraphs first (the gateway composes over them), the bridge last.
    for (const name of ["production", "andon", "gateway", "bridge"] as const) {
      services[name].start();
      await services[name].waitUntilServing(120_000);
      log(`${name}: serving (pid ${services[name].pid})`);
    }

    return {
      runDir,
      bufferDir,
      bufferOnOwnDisk,
      ownerUrl,
      redisUrl,
      gatewayUrl: `http://127.0.0.1:${ports.gateway}`,
      bridgeOpsUrl: `http://127.0.0.1:${ports.bridge}`,
      owner,
      emulators,
      equipment,
      services,
      postgres: {
        get running() {
          return postgres !== undefined;
        },
        async stop() {
          const server = postgres;
          postgres = undefined;
          await server?.stop();
        },
        async start() {
          postgres = await startEmbeddedPostgres(postgresOptions);
        },
      },
      redis: {
        get running() {
          return redis !== undefined;
        },
        async stop() {
          const server = redis;
          redis = undefined;
          await server?.stop();
        },
        async start() {
          redis = await startRedisServer(redisOptions);
        },
      },
      close: (keepFolder) => closeAll(keepFolder),
    };
  } catch (error) {
    await closeAll(process.env.CHAOS_KEEP === "true");
    throw error;
  }
}

/**
 * The equipment the bridge reads, and the fault bits the run raises on each: two catalogued and
 * active (each rise opens an andon or repeats the open one), one catalogued but switched off here
 * (no andon), one the catalog lacks (a MAINTENANCE andon).
 */
async function prepareEquipment(owner: PrismaClient): Promise<PlantEquipment[]> {
  const rows = await owner.equipment.findMany({
    where: { active: true, tagMapId: { not: null }, plcId: { not: null } },
    orderBy: { code: "asc" },
    include: { line: true, plc: true, tagMap: true, faults: { orderBy: { bitIndex: "asc" } } },
  });
  const result: PlantEquipment[] = [];
  for (const row of rows) {
    // A check weigher only weighs: no state, counters or faults for the run to script and count.
    if (!(row.tagMap!.tags as { goodCount?: unknown }).goodCount) continue;
    const catalogued = row.faults.filter((f) => f.active);
    if (catalogued.length < 3) throw new Error(`${row.code}: the seed gives it fewer than 3 catalogued faults`);
    const [first, second, switchedOff] = [catalogued[0]!, catalogued[1]!, catalogued[2]!];
    await owner.faultCatalogEntry.update({ where: { id: switchedOff.id }, data: { active: false } });
    const faultWords = (row.tagMap!.tags as { faultWords?: { length?: number } }).faultWords?.length === 2 ? 2 : 1;
    const known = new Set(row.faults.map((f) => f.bitIndex));
    let spare = faultWords * 32 - 1;
    while (known.has(spare)) spare--;
    result.push({
      code: row.code,
      id: row.id,
      lineId: row.lineId,
      lineCode: row.line.code,
      plc: row.plc!.name,
      tagPrefix: row.plcTagPrefix ?? "",
      targetSpeedPerMinute: row.targetSpeedPerMinute,
      faults: [
        { bit: first.bitIndex, faultCode: first.faultCode, effect: "raise", uncatalogued: false },
        { bit: second.bitIndex, faultCode: second.faultCode, effect: "raise", uncatalogued: false },
        { bit: switchedOff.bitIndex, faultCode: switchedOff.faultCode, effect: "none", uncatalogued: false },
        { bit: spare, faultCode: `UNKNOWN-${spare}`, effect: "raise", uncatalogued: true },
      ],
    });
  }
  return result;
}

/** Escalation levels within the run's minutes: level 1 and 2 of every rule, reminders between. */
async function shortenEscalations(owner: PrismaClient, settings: ChaosSettings): Promise<void> {
  const { firstLevelSeconds, secondLevelSeconds, reminderIntervalSeconds } = settings.escalation;
  await owner.escalationRule.updateMany({ data: { reminderIntervalSeconds } });
  await owner.escalationLevel.updateMany({
    where: { kind: "ACKNOWLEDGE", level: 1 },
    data: { delaySeconds: firstLevelSeconds },
  });
  await owner.escalationLevel.updateMany({
    where: { kind: "ACKNOWLEDGE", level: { gte: 2 } },
    data: { delaySeconds: secondLevelSeconds },
  });
}

async function mountTmpfs(dir: string, bytes: number): Promise<boolean> {
  if (process.getuid?.() !== 0) return false;
  const mount = spawn("mount", ["-t", "tmpfs", "-o", `size=${bytes}`, "chaos-buffer", dir], { stdio: "ignore" });
  return new Promise((resolve) => {
    mount.once("error", () => resolve(false));
    mount.once("exit", (code) => resolve(code === 0));
  });
}

async function unmount(dir: string): Promise<void> {
  const umount = spawn("umount", [dir], { stdio: "ignore" });
  await new Promise((resolve) => umount.once("exit", resolve));
}
