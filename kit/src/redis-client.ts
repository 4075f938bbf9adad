// The one way services open a Redis connection: reconnecting with capped backoff, errors logged
// (rate-limited) instead of thrown as uncaught exceptions, and optionally failing commands at once
// while disconnected instead of queueing them in memory.
import { createClient } from "redis";
import type { Logger } from "./logger.ts";

export interface RedisClientOptions {
  url: string;
  logger?: Logger;
  /**
   * Reject commands while disconnected (node-redis would otherwise hold them in an unbounded
   * in-memory queue). Writers with their own durable fallback want this. @default false
   */
  failFastWhenDisconnected?: boolean;
  /** @default 2000 */
  connectTimeoutMs?: number;
  /** Longest wait between reconnection attempts. @default 5000 */
  maxReconnectDelayMs?: number;
}

export function createRedisClient(options: RedisClientOptions) {
  const maxDelay = options.maxReconnectDelayMs ?? 5_000;
  const client = createClient({
    url: options.url,
    disableOfflineQueue: options.failFastWhenDisconnected ?? false,
    socket: {
      connectTimeout: options.connectTimeoutMs ?? 2_000,
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, maxDelay),
    },
  });
  let errors = 0;
  client.on("error", (error: Error) => {
    if (errors++ % 50 === 0) options.logger?.warn({ err: error, errors }, "redis connection error");
  });
  return client;
}

export type RedisClient = ReturnType<typeof createRedisClient>;
