// The history of one stop: its audit trail, and the splits and merges it came from or went into.

import type { DowntimeEvent, DowntimeEventAudit, DowntimeLineage, PrismaClient } from "@ms5/db";
import { NotFound } from "@ms5/kit/subgraph";

export interface DowntimeEventHistory {
  event: DowntimeEvent;
  /** In the order they were written (the table is append-only). */
  audits: DowntimeEventAudit[];
  /** The split or merge that produced this event: one row per source event. */
  producedBy: DowntimeLineage[];
  /** The split or merge that replaced this event: one row per result event. */
  replacedBy: DowntimeLineage[];
}

export async function downtimeEventHistory(
  prisma: PrismaClient,
  downtimeEventId: string,
): Promise<DowntimeEventHistory> {
  const event = await prisma.downtimeEvent.findUnique({ where: { id: downtimeEventId } });
  if (!event) throw new NotFound("downtime event", downtimeEventId);
  const [audits, producedBy, replacedBy] = await Promise.all([
    prisma.downtimeEventAudit.findMany({ where: { eventId: event.id }, orderBy: { id: "asc" } }),
    prisma.downtimeLineage.findMany({ where: { resultEventId: event.id }, orderBy: { performedAt: "asc" } }),
    prisma.downtimeLineage.findMany({ where: { sourceEventId: event.id }, orderBy: { performedAt: "asc" } }),
  ]);
  return { event, audits, producedBy, replacedBy };
}
