// The database `pnpm start` brings when DATABASE_URL is unset: PGlite persisted in a directory and
// served on the Postgres wire protocol, so migrations, seed and services connect as to any PostgreSQL.
import fs from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export interface EmbeddedPostgresOptions {
  /** PGlite's data directory; created on first start, reused after (that is the persistence). */
  dataDir: string;
  /** TCP port on 127.0.0.1; 0 picks a free one (tests). */
  port: number;
  /** Client connections the socket server admits at once; queries still run one at a time. */
  maxConnections: number;
}

export interface EmbeddedPostgres {
  /** What to put in DATABASE_URL. PGlite ignores user and database name: every login is postgres/postgres. */
  databaseUrl: string;
  port: number;
  dataDir: string;
  /** Closes client connections, the listener and the database (flushing it to disk). */
  stop(): Promise<void>;
}

const HOST = "127.0.0.1";

export class EmbeddedPostgresError extends Error {
  override name = "EmbeddedPostgresError";
}

/** The URL form the embedded server accepts; sslmode=disable because it answers SSL requests with "no". */
export function embeddedDatabaseUrl(port: number): string {
  return `postgresql://postgres@${HOST}:${port}/postgres?sslmode=disable`;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  // Checked before opening the data directory: a taken port usually means another `pnpm start` has
  // it open, and PGlite has no postmaster.pid of its own to stop two processes writing one directory.
  if (options.port !== 0) await assertPortFree(options.port);
  const releaseLock = await lockDataDir(options.dataDir);

  let db: PGlite | undefined;
  try {
    await fs.mkdir(options.dataDir, { recursive: true });
    db = await PGlite.create(options.dataDir);
    const server = new PGLiteSocketServer({
      db,
      host: HOST,
      port: options.port,
      maxConnections: options.maxConnections,
    });
    try {
      await server.start();
    } catch (error) {
      throw describeListenError(error, options.port);
    }
    const port = listeningPort(server);
    const openDb = db;
    let stopped: Promise<void> | undefined;
    return {
      databaseUrl: embeddedDatabaseUrl(port),
      port,
      dataDir: options.dataDir,
      stop() {
        stopped ??= (async () => {
          await server.stop();
          // server.stop() detaches handlers without awaiting their ROLLBACK of an open transaction;
          // let those settle before the database closes under them.
          await new Promise((resolve) => setTimeout(resolve, 50));
          await openDb.close();
          await releaseLock();
        })();
        return stopped;
      },
    };
  } catch (error) {
    await db?.close().catch(() => undefined);
    await releaseLock();
    throw error;
  }
}

async function assertPortFree(port: number): Promise<void> {
  const probe = net.createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once("error", reject);
      probe.listen(port, HOST, resolve);
    });
  } catch (error) {
    throw describeListenError(error, port);
  } finally {
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  }
}

function describeListenError(error: unknown, port: number): Error {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "EADDRINUSE") {
    return new EmbeddedPostgresError(
      `Port ${port} on ${HOST} is already in use, so the embedded PostgreSQL cannot listen there. ` +
        "Stop whatever holds it (another `pnpm start`?), set EMBEDDED_PG_PORT to a free port, " +
        "or set DATABASE_URL to use an existing PostgreSQL.",
    );
  }
  return new EmbeddedPostgresError(`The embedded PostgreSQL could not listen on ${HOST}:${port}: ${String(error)}`);
}

function listeningPort(server: PGLiteSocketServer): number {
  // The server keeps its bound port private; getServerConn() is "host:port" once listening.
  const port = Number(server.getServerConn().split(":").pop());
  if (!Number.isInteger(port) || port <= 0) {
    throw new EmbeddedPostgresError(`Unexpected embedded server address: ${server.getServerConn()}`);
  }
  return port;
}

/**
 * A PID file beside the data directory: two processes writing one PGlite directory corrupt it, and
 * PGlite does not guard against that itself. A file left by a dead process is taken over.
 */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const lockPath = `${path.resolve(dataDir)}.lock`;
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
      if (Number.isInteger(holder) && holder > 0 && isProcessAlive(holder)) {
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

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
