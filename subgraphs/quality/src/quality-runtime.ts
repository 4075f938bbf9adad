// What quality operations need besides the database: the clock, the live event bus and the stream
// the andon subgraph reads quality andon requests from. One per running subgraph, found by resolvers
// through their context's Redis client (the kit's context has no room for subgraph extras).
import type { PrismaClient } from "@ms5/db";
import { perRedisClient, type RedisClient } from "@ms5/kit";
import type { QualityEventMessage } from "./quality-events/quality-event-message.ts";

export interface QualityRuntime {
  prisma: PrismaClient;
  redis: RedisClient;
  keyPrefix: string;
  now(): Date;
  /** Publishes committed changes to every instance's subscribers. */
  publish(events: readonly QualityEventMessage[]): Promise<void>;
}

const runtimes = perRedisClient<QualityRuntime>();
export const registerQualityRuntime = runtimes.register;
export const unregisterQualityRuntime = runtimes.unregister;

export function qualityRuntimeOf(redis: RedisClient): QualityRuntime {
  const runtime = runtimes.of(redis);
  if (!runtime) throw new Error("the quality runtime is not running on this instance");
  return runtime;
}
