// `pnpm start`: brings up Redis (given, local or spawned) and the database (given, local or
// embedded), migrates and seeds, runs the platform's services, and on Ctrl-C stops exactly what it
// started. `pnpm start --no-web` leaves out the web app.
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { parseArgs } from "node:util";
import { env, loadConfigOrExit, urlWithoutPassword } from "@ms5/kit";
import { z } from "zod";
import { EmbeddedPostgresError } from "./start/embedded-postgres.ts";
import { type ResolvedDatabase, resolveDatabase } from "./start/local-postgres.ts";
import { RedisUnavailableError, type ResolvedRedis, resolveRedis } from "./start/local-redis.ts";
import { localSecrets } from "./start/local-secrets.ts";
import { ServiceLoginError, serviceDatabaseUrl } from "./start/service-database-login.ts";
import {
  floorServices,
  repoRoot,
  type Supervisor,
  subgraphUrlsForMovedPorts,
  superviseServices,
} from "./start/services.ts";

interface StartDefaults {
  /** Embedded PostgreSQL port on 127.0.0.1 when EMBEDDED_PG_PORT is unset. @default 54329 */
  embeddedPostgresPort: number;
  /** How long the embedded PostgreSQL gets to accept connections (crash recovery included). @default 60,000 ms */
  embeddedPostgresReadyTimeoutMs: number;
  /** Redis tried before spawning one, when REDIS_URL is unset. */
  localRedisUrl: string;
  /** Port of the spawned redis-server when EMBEDDED_REDIS_PORT is unset. @default 63790 */
  spawnedRedisPort: number;
  /** Where start keeps its state when START_DATA_DIR is unset, relative to the repository. @default ".data" */
  dataDir: string;
  /** How long a Redis gets to answer PING. */
  redisPingTimeoutMs: number;
  /** How long a spawned redis-server gets to come up. */
  redisReadyTimeoutMs: number;
  /** Wait after SIGTERM before SIGKILL, for services and the spawned redis-server; also the embedded PostgreSQL's fast shutdown. */
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
  embeddedPostgresReadyTimeoutMs: 60_000,
  localRedisUrl: "redis://127.0.0.1:6379",
  spawnedRedisPort: 63790,
  dataDir: ".data",
  redisPingTimeoutMs: 3000,
  redisReadyTimeoutMs: 10_000,
  stopGraceMs: 10_000,
  restartInitialDelayMs: 1000,
  restartMaxDelayMs: 30_000,
  restartResetAfterMs: 60_000,
};

const startEnvironment = {
  DATABASE_URL: env.databaseUrl().optional(),
  /** The tables' owner, for migrations and the seed; with it, DATABASE_URL is the services' login. */
  MIGRATION_DATABASE_URL: env.databaseUrl().optional(),
  /** The embedded PostgreSQL even when one answers on 127.0.0.1:5432 (DATABASE_URL still wins). */
  EMBEDDED_PG_FORCE: env.flag(false),
  EMBEDDED_PG_PORT: env.port(startDefaults.embeddedPostgresPort),
  /** A redis-server of its own even when one answers on 127.0.0.1:6379 (REDIS_URL still wins). */
  EMBEDDED_REDIS_FORCE: env.flag(false),
  EMBEDDED_REDIS_PORT: env.port(startDefaults.spawnedRedisPort),
  START_DATA_DIR: z.string().min(1).default(startDefaults.dataDir),
  BRIDGE_BUFFER_DIR: z.string().min(1).optional(),
  ANDON_PHOTO_DIR: z.string().min(1).optional(),
  REPORT_DIR: z.string().min(1).optional(),
};

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

/** A path as the user best reads it: relative when under the current directory, else absolute. */
function relativeToHere(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith("..") ? relative : file;
}

interface RunningStep {
  child: ChildProcess;
  exited: Promise<number>;
}

// What this process started (or is starting), so shutdown stops exactly that.
let databaseResolving: Promise<ResolvedDatabase> | undefined;
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
    // Waited for rather than abandoned: a Ctrl-C during the first initdb or a redis-server start
    // would otherwise leave a server running with nobody to stop it.
    const resolvedRedis = await redisResolving?.catch(() => undefined);
    const database = await databaseResolving?.catch(() => undefined);
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
    // stop() of a server found running is a no-op: only what this process started is ended.
    if (database) stops.push(["embedded PostgreSQL", () => database.stop()]);
    if (resolvedRedis) stops.push(["redis-server", () => resolvedRedis.stop()]);
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

function parseCommandLine(): { web: boolean } {
  try {
    const { values } = parseArgs({ options: { "no-web": { type: "boolean", default: false } }, strict: true });
    return { web: !values["no-web"] };
  } catch (error) {
    process.stderr.write(`pnpm start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.stderr.write("Usage: pnpm start [--no-web]\n");
    process.exit(64);
  }
}

async function main(): Promise<void> {
  const { web } = parseCommandLine();
  const config = loadConfigOrExit("pnpm start", startEnvironment);
  const dataRoot = path.resolve(repoRoot, config.START_DATA_DIR);

  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      if (shuttingDown) return;
      log(`${signal}: stopping`);
      void shutDown(0);
    });
  }

  // Redis first: a machine without redis-server stops here, before a database is set up for nothing.
  redisResolving = resolveRedis({
    env: process.env,
    localUrl: startDefaults.localRedisUrl,
    forceSpawn: config.EMBEDDED_REDIS_FORCE,
    pingTimeoutMs: startDefaults.redisPingTimeoutMs,
    spawn: {
      port: config.EMBEDDED_REDIS_PORT,
      dataDir: path.join(dataRoot, "redis"),
      readyTimeoutMs: startDefaults.redisReadyTimeoutMs,
      stopGraceMs: startDefaults.stopGraceMs,
      onUnexpectedExit: (description) => log(`${description}; services lose Redis until you restart pnpm start`),
    },
  });
  const redis = await redisResolving;
  if (shuttingDown) return;
  log(`redis: ${redis.origin === "spawned" ? `spawned redis-server (pid ${redis.pid})` : redis.origin}`);

  // Two connection settings: the owner (MIGRATION_DATABASE_URL, else DATABASE_URL, else a local or
  // embedded server) migrates and seeds; services get a data-only login (service-database-login.ts).
  // The owner's URL is a secret variable: no service inherits it (local-secrets.ts).
  const migrationUrl = config.MIGRATION_DATABASE_URL;
  const givenServiceUrl = migrationUrl ? config.DATABASE_URL : undefined;
  const givenOwnerUrl = migrationUrl ?? config.DATABASE_URL;
  const postgresDataDir = path.join(dataRoot, "postgres");
  if (givenOwnerUrl && config.EMBEDDED_PG_FORCE) log("database: a given URL wins over EMBEDDED_PG_FORCE");
  if (!givenOwnerUrl) {
    log(
      config.EMBEDDED_PG_FORCE
        ? `database: the embedded PostgreSQL (EMBEDDED_PG_FORCE), data in ${relativeToHere(postgresDataDir)}`
        : "database: looking for a PostgreSQL on 127.0.0.1:5432, else the embedded one",
    );
  }
  databaseResolving = resolveDatabase({
    configuredUrl: givenOwnerUrl,
    forceEmbedded: config.EMBEDDED_PG_FORCE,
    embedded: {
      dataDir: postgresDataDir,
      port: config.EMBEDDED_PG_PORT,
      readyTimeoutMs: startDefaults.embeddedPostgresReadyTimeoutMs,
      stopGraceMs: startDefaults.stopGraceMs,
      log,
    },
  });
  const database = await databaseResolving;
  if (shuttingDown) return;
  const databaseOrigin: Record<typeof database.origin, string> = {
    DATABASE_URL: migrationUrl ? "from MIGRATION_DATABASE_URL" : "from DATABASE_URL",
    local: "the PostgreSQL answering on 127.0.0.1:5432",
    embedded: `embedded PostgreSQL, pid ${database.embedded?.pid}, data in ${relativeToHere(postgresDataDir)}, log ${relativeToHere(database.embedded?.logFile ?? "")}`,
  };
  log(`database: ${databaseOrigin[database.origin]}`);

  const stepEnv: Record<string, string> = {
    MIGRATION_DATABASE_URL: database.url,
    DATABASE_URL: database.url,
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
    ownerUrl: database.url,
    givenServiceUrl,
    password: secrets.DATABASE_SERVICE_PASSWORD,
  });
  if (shuttingDown) return;
  const services = floorServices.filter((service) => web || service.name !== "web");
  supervisor = superviseServices(services, {
    secrets,
    sharedEnv: {
      DATABASE_URL: serviceUrl,
      REDIS_URL: redis.url,
      BRIDGE_BUFFER_DIR: config.BRIDGE_BUFFER_DIR ?? path.join(dataRoot, "plc-bridge", "buffer"),
      ANDON_PHOTO_DIR: config.ANDON_PHOTO_DIR ?? path.join(dataRoot, "andon-photos"),
      REPORT_DIR: config.REPORT_DIR ?? path.join(dataRoot, "reports"),
      ...subgraphUrlsForMovedPorts(services, process.env),
      ...nestedPnpmEnv,
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
    spawned: `spawned redis-server, data in ${relativeToHere(path.join(dataRoot, "redis"))}`,
  };
  const summary = [
    "",
    "MS5.0 Floor is up.",
    `  DATABASE_URL=${urlWithoutPassword(serviceUrl)}   (services: data rights only)`,
    `  MIGRATION_DATABASE_URL=${urlWithoutPassword(database.url)}   (${databaseOrigin[database.origin]})`,
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
