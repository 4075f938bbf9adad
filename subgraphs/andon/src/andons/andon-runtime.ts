// What andon operations need besides the database: the clock, the photo store, the live event bus
// and a way to wake the escalation scheduler. One per running subgraph, in every request's context
// (`context.andon`, given to startSubgraphServer as a context extra).
import type { PrismaClient } from "@ms5/db";
import type { Clock } from "@ms5/kit";
import type { AndonEventMessage } from "../andon-events/andon-event-message.ts";
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

/**
 * The running subgraph's runtime from a request's context. A schema executed on its own (the SDL
 * printer, a test without the subgraph) has none, and an andon operation there is a bug.
 */
export function andonRuntimeOf(context: { andon?: AndonRuntime | undefined }): AndonRuntime {
  if (!context.andon) throw new Error("the andon runtime is not running on this instance");
  return context.andon;
}
