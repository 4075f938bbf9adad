// A redis-server child process: started with append-only persistence on a port of the caller's
// choosing, awaited until it answers PING, and stopped by its PID. `pnpm start` spawns one when no
// Redis answers; tests start their own to stop and restart it under load.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs/promises";
import { createClient } from "redis";

export interface RedisServerOptions {
  /** Port on 127.0.0.1; the caller picks a free one. */
  port: number;
  /** redis-server's working directory: its append-only file lives here. */
  dataDir: string;
  /** How long the fresh server gets to answer PING before start is abandoned. */
  readyTimeoutMs: number;
  /** How long stop() waits after SIGTERM before SIGKILL. */
  stopGraceMs: number;
  /** Called when the server ends without stop() having been called. */
  onUnexpectedExit?: (description: string) => void;
}

const HOST = "127.0.0.1";

export class RedisUnavailableError extends Error {
  override name = "RedisUnavailableError";
}

/** Spawns redis-server with append-only persistence and waits until it answers PING. */
export async function startRedisServer(
  options: RedisServerOptions,
): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  await fs.mkdir(options.dataDir, { recursive: true });
  const url = `redis://${HOST}:${options.port}`;
  const child = spawn(
    "redis-server",
    [
      "--port",
      String(options.port),
      "--bind",
      HOST,
      "--dir",
      options.dataDir,
      "--appendonly",
      "yes",
      "--daemonize",
      "no",
    ],
    // Its own process group, so a terminal's Ctrl-C reaches only start.ts, which then stops
    // everything in order instead of Redis vanishing under services that are still shutting down.
    { stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  const pid = child.pid;
  if (pid === undefined) {
    await onceExitedOrErrored(child);
    throw new RedisUnavailableError("redis-server could not be spawned.");
  }

  // Redis logs human text; kept only to explain a failed start, then drained so its pipe never fills.
  const recentOutput: string[] = [];
  const remember = (chunk: Buffer) => {
    recentOutput.push(...chunk.toString("utf8").split("\n").filter(Boolean));
    recentOutput.splice(0, Math.max(0, recentOutput.length - 20));
  };
  child.stdout?.on("data", remember);
  child.stderr?.on("data", remember);

  let stopRequested = false;
  const exited = onceExitedOrErrored(child);
  void exited.then((description) => {
    if (!stopRequested) options.onUnexpectedExit?.(`redis-server (pid ${pid}) ${description}`);
  });

  const deadline = Date.now() + options.readyTimeoutMs;
  let lastFailure = "not tried";
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      stopRequested = true;
      throw new RedisUnavailableError(
        `redis-server on port ${options.port} exited during start (${await exited}). Its last output:\n` +
          recentOutput.join("\n"),
      );
    }
    const failure = await redisPingFailure(url, Math.min(1000, Math.max(100, deadline - Date.now())));
    if (failure === undefined) break;
    lastFailure = failure;
    if (Date.now() >= deadline) {
      stopRequested = true;
      await terminate(child, exited, options.stopGraceMs);
      throw new RedisUnavailableError(
        `redis-server on port ${options.port} did not answer PING within ${options.readyTimeoutMs} ms ` +
          `(${lastFailure}); it was stopped. Its last output:\n${recentOutput.join("\n")}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  let stopped: Promise<void> | undefined;
  return {
    url,
    pid,
    stop() {
      stopRequested = true;
      stopped ??= terminate(child, exited, options.stopGraceMs);
      return stopped;
    },
  };
}

/** undefined when the Redis at `url` answered PING in time, otherwise why it did not. */
export async function redisPingFailure(url: string, timeoutMs: number): Promise<string | undefined> {
  const client = createClient({ url, socket: { connectTimeout: timeoutMs, reconnectStrategy: false } });
  // Without a listener node-redis rethrows connection errors as uncaught exceptions.
  client.on("error", () => undefined);
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer after ${timeoutMs} ms`)), timeoutMs);
    });
    await Promise.race([
      (async () => {
        await client.connect();
        await client.ping();
      })(),
      timeout,
    ]);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message || error.name : String(error);
  } finally {
    clearTimeout(timer);
    client.destroy();
  }
}

export async function isRedisServerInstalled(): Promise<boolean> {
  const probe = spawn("redis-server", ["--version"], { stdio: "ignore" });
  const description = await onceExitedOrErrored(probe);
  return description === "exited with code 0";
}

/** Resolves with a human description once the child has exited or failed to spawn. */
function onceExitedOrErrored(child: ChildProcess): Promise<string> {
  return new Promise((resolve) => {
    child.once("error", (error) => resolve(`failed: ${error.message}`));
    child.once("exit", (code, signal) =>
      resolve(signal === null ? `exited with code ${code}` : `was ended by ${signal}`),
    );
  });
}

async function terminate(child: ChildProcess, exited: Promise<string>, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<"grace over">((resolve) => {
    timer = setTimeout(() => resolve("grace over"), graceMs);
  });
  const outcome = await Promise.race([exited, graceOver]);
  clearTimeout(timer);
  if (outcome === "grace over") {
    child.kill("SIGKILL");
    await exited;
  }
}
