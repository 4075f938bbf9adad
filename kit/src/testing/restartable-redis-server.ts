// A redis-server of the test's own, on a free port and a temporary data directory, that the test can
// stop and start again on the same port and data: for proving what holds across a Redis outage.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startRedisServer } from "../redis-server-process.ts";
import { freePort } from "./free-port.ts";

export interface RestartableRedisServer {
  /** redis://127.0.0.1:<port>, the same across restarts. */
  readonly url: string;
  /** The running server's PID (for SIGSTOP/SIGCONT); the last one's after stop(). */
  readonly pid: number;
  /** Stops the server (SIGTERM, then SIGKILL after the grace); its data stays for start(). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  start(): Promise<void>;
  /** Stops it (resuming it first if it was frozen) and removes its data directory. */
  close(): Promise<void>;
}

export interface RestartableRedisServerOptions {
  /** Prefix of the temporary data directory's name. */
  name: string;
  /** How long stop() waits after SIGTERM before SIGKILL. @default 2000 */
  stopGraceMs?: number;
}

/** Starts a private redis-server and waits until it answers PING. */
export async function startRestartableRedisServer(
  options: RestartableRedisServerOptions,
): Promise<RestartableRedisServer> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `${options.name}-`));
  const port = await freePort();
  const spawnOptions = { port, dataDir, readyTimeoutMs: 10_000, stopGraceMs: options.stopGraceMs ?? 2_000 };
  let server: Awaited<ReturnType<typeof startRedisServer>>;
  try {
    server = await startRedisServer(spawnOptions);
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: server.url,
    get pid() {
      return server.pid;
    },
    stop: () => server.stop(),
    async start() {
      server = await startRedisServer(spawnOptions);
    },
    async close() {
      try {
        process.kill(server.pid, "SIGCONT");
      } catch {
        // Already gone: nothing to resume.
      }
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
