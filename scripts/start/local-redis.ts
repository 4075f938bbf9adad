// Finds the Redis `pnpm start` uses: REDIS_URL, else one on the usual local port, else a
// redis-server it spawns itself with its data in the repository (at once when forced), so a bare
// checkout just runs.
import {
  isRedisServerInstalled,
  type RedisServerOptions,
  RedisUnavailableError,
  redisPingFailure,
  startRedisServer,
  urlWithoutPassword,
} from "@ms5/kit";

export { RedisUnavailableError, startRedisServer };

export interface RedisResolutionOptions {
  /** Where REDIS_URL is read from (process.env in production, a literal in tests). */
  env: Readonly<Record<string, string | undefined>>;
  /** Tried when REDIS_URL is unset, before spawning anything. */
  localUrl: string;
  /** Skip localUrl and spawn a redis-server of its own (EMBEDDED_REDIS_FORCE). */
  forceSpawn?: boolean;
  /** Settings for the redis-server spawned when nothing answers. */
  spawn: RedisServerOptions;
  /** How long a candidate Redis gets to answer PING. */
  pingTimeoutMs: number;
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

export async function resolveRedis(options: RedisResolutionOptions): Promise<ResolvedRedis> {
  const configuredUrl = options.env.REDIS_URL?.trim();
  if (configuredUrl) {
    const failure = await redisPingFailure(configuredUrl, options.pingTimeoutMs);
    if (failure !== undefined) {
      throw new RedisUnavailableError(
        `REDIS_URL is set to ${urlWithoutPassword(configuredUrl)}, but that Redis did not answer PING within ` +
          `${options.pingTimeoutMs} ms (${failure}). Start that Redis, fix REDIS_URL, or unset REDIS_URL ` +
          "to let `pnpm start` find or start a local one.",
      );
    }
    return { url: configuredUrl, origin: "REDIS_URL", stop: async () => undefined };
  }

  if (!options.forceSpawn && (await redisPingFailure(options.localUrl, options.pingTimeoutMs)) === undefined) {
    return { url: options.localUrl, origin: "local", stop: async () => undefined };
  }

  if (!(await isRedisServerInstalled())) {
    const why = options.forceSpawn
      ? "EMBEDDED_REDIS_FORCE asks for a redis-server of its own"
      : `No Redis answers at ${options.localUrl}`;
    throw new RedisUnavailableError(
      `${why} and redis-server is not on PATH. Install it ` +
        "(Debian/Ubuntu: `sudo apt-get install redis-server`) or set REDIS_URL to a running Redis.",
    );
  }
  const server = await startRedisServer(options.spawn);
  return { ...server, origin: "spawned" };
}
