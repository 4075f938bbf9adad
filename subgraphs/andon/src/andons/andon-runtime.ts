// What andon operations need besides the database: the clock, the photo store, the live event bus
// and a way to wake the escalation scheduler. One per running subgraph, found by resolvers through
// their context's Redis client (the kit's context has no room for subgraph extras).
import type { PrismaClient } from "@ms5/db";
import type { RedisClient } from "@ms5/kit";
import type { AndonEventMessage } from "../andon-events/andon-event-message.ts";
import type { Clock } from "../escalation/clock.ts";
import type { EscalationDispatcher } from "../escalation/notification-dispatch.ts";
import type { PhotoStore } from "./andon-photo.ts";

export interface AndonRuntime {
  prisma: PrismaClient;
  clock: Clock;
  photos: PhotoStore;
  dispatcher: EscalationDispatcher;
  /** Publishes committed changes to every instance's subscribers. */
  publish(events: readonly AndonEventMessage[]): Promise<void>;
  /** Tells the scheduler a new due time exists, so it need not wait for its next scan. */
  escalationsChanged(): void;
  maxPhotoBytes: number;
}

const runtimes = new WeakMap<object, AndonRuntime>();

export function registerAndonRuntime(redis: RedisClient, runtime: AndonRuntime): void {
  runtimes.set(redis, runtime);
}

export function unregisterAndonRuntime(redis: RedisClient, runtime: AndonRuntime): void {
  if (runtimes.get(redis) === runtime) runtimes.delete(redis);
}

export function andonRuntimeOf(redis: RedisClient): AndonRuntime {
  const runtime = runtimes.get(redis);
  if (!runtime) throw new Error("the andon runtime is not running on this instance");
  return runtime;
}
