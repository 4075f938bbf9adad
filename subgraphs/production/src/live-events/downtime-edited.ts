// Tells every instance's downtimeUpdated subscribers that people changed stops (reason confirmed,
// reclassified, split or merged). Runs after the commit and never fails the mutation: the stops
// changed whether or not the event reaches anyone, and the database stays the truth.
import type { DowntimeEvent } from "@ms5/db";
import type { LiveEventHub } from "./live-event-hub.ts";

export async function publishDowntimeEdited(
  context: { liveEvents?: LiveEventHub | undefined },
  events: readonly Pick<DowntimeEvent, "id" | "lineId" | "equipmentId">[],
): Promise<void> {
  const hub = context.liveEvents;
  if (!hub) return;
  for (const event of events) {
    await hub.publish({
      kind: "downtime-edited",
      lineId: event.lineId,
      equipmentId: event.equipmentId,
      downtimeEventId: event.id,
    });
  }
}
