// What quality operations need besides the database: the clock, the live event bus and the stream
// the andon subgraph reads quality andon requests from. One per running subgraph, in every request's
// context (`context.quality`, given to startSubgraphServer as a context extra).
import type { PrismaClient } from "@ms5/db";
import type { RedisClient } from "@ms5/kit";
import type { QualityEventMessage } from "./quality-events/quality-event-message.ts";

export interface QualityRuntime {
  prisma: PrismaClient;
  redis: RedisClient;
  keyPrefix: string;
  now(): Date;
  /** Publishes committed changes to every instance's subscribers. */
  publish(events: readonly QualityEventMessage[]): Promise<void>;
}

/** The running subgraph's runtime from a request's context; a schema executed on its own has none. */
export function qualityRuntimeOf(context: { quality?: QualityRuntime | undefined }): QualityRuntime {
  if (!context.quality) throw new Error("the quality runtime is not running on this instance");
  return context.quality;
}
