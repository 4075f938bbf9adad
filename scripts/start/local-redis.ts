// Finds the Redis `pnpm start` uses: REDIS_URL, else one on the usual local port, else a
// redis-server it spawns itself with its data in the repository, so a bare checkout just runs.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs/promises";
import { createClient } from "redis";

export interface RedisResolutionOptions {
  /** Where REDIS_URL is read from (process.env in production, a literal in tests). */
  env: Readonly<Record<string, string | undefined>>;
  /** Tried when REDIS_URL is unset, before spawning anything. */
  localUrl: string;
  /** Settings for the redis-server spawned when nothing answers. */
  spawn: RedisServerOptions;
  /** How long a candidate Redis gets to answer PING. */
  pingTimeoutMs: number;
}

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

export type RedisOrigin = "REDIS_URL" | "local" | "spawned";

export interface ResolvedRedis {
  url: string;
  origin: RedisOrigin;
  /** Set only for a redis-server this process spawned. */
  pid?: number;
  /** Ends the spawned redis-server; does nothing for a Redis found already running. */
  stop(): Promise<void>;
}

const HOST = "127.0.0.1";

export class RedisUnavailableError extends Error {
  override name = "RedisUnavailableError";
}

export async function resolveRedis(options: RedisResolutionOptions): Promise<ResolvedRedis> {
  const configuredUrl = options.env.REDIS_URL?.trim();
  if (configuredUrl) {
    const failure = await pingFailure(configuredUrl, options.pingTimeoutMs);
    if (failure !== undefined) {
      throw new RedisUnavailableError(
        `REDIS_URL is set to ${redactPassword(configuredUrl)}, but that Redis did not answer PING within ` +
          `${options.pingTimeoutMs} ms (${failure}). Start that Redis, fix REDIS_URL, or unset REDIS_URL ` +
          "to let `pnpm start` find or start a local one.",
      );
    }
    return { url: configuredUrl, origin: "REDIS_URL", stop: async () => undefined };
  }

  if ((await pingFailure(options.localUrl, options.pingTimeoutMs)) === undefined) {
    return { url: options.localUrl, origin: "local", stop: async () => undefined };
  }

  if (!(await isRedisServerInstalled())) {
    throw new RedisUnavailableError(
      `No Redis answers at ${options.localUrl} and redis-server is not on PATH. Install it ` +
        "(Debian/Ubuntu: `sudo apt-get install redis-server`) or set REDIS_URL to a running Redis.",
    );
  }
  const server = await startRedisServer(options.spawn);
  return { ...server, origin: "spawned" };
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
    const failure = await pingFailure(url, Math.min(1000, Math.max(100, deadline - Date.now())));
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
async function pingFailure(url: string, timeoutMs: number): Promise<string | undefined> {
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

async function isRedisServerInstalled(): Promise<boolean> {
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

function redactPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return url;
  }
}
