// Reclassifying a past stop: a new reason (and, when given, category), audited RECLASSIFIED with
// before and after, and the stop's OEE buckets recomputed from the log, in one transaction.
import type { DowntimeCategory, DowntimeEvent, PrismaClient } from "@ms5/db";
import { recomputeAffectedOeeBuckets } from "./affected-oee-buckets.ts";
import { DOWNTIME_HISTORY_DEFAULTS } from "./downtime-history-defaults.ts";
import { requireNote } from "./history-edit-note.ts";
import {
  activeReasonCode,
  auditSnapshot,
  isMicroStop,
  lockClosedDowntimeEvents,
  microStopThresholdSeconds,
} from "./locked-downtime-events.ts";

export interface ReclassifyDowntimeRequest {
  downtimeEventId: string;
  reasonCodeId: string;
  /** Without one the stop keeps its category. */
  category?: DowntimeCategory | null;
  note: string;
  performedById: string;
  now?: Date;
}

export async function reclassifyDowntimeEvent(
  prisma: PrismaClient,
  request: ReclassifyDowntimeRequest,
): Promise<DowntimeEvent> {
  const note = requireNote(request.note);
  const now = request.now ?? new Date();
  return prisma.$transaction(
    async (tx) => {
      const [event] = await lockClosedDowntimeEvents(tx, [request.downtimeEventId]);
      if (!event) throw new Error("lockClosedDowntimeEvents returned no event");
      const reason = await activeReasonCode(tx, request.reasonCodeId);
      const category = request.category ?? event.category;
      const threshold = await microStopThresholdSeconds(tx, event.lineId);
      const updated = await tx.downtimeEvent.update({
        where: { id: event.id },
        data: {
          reasonCodeId: reason.id,
          category,
          // Only unplanned stops are micro-stops, so a new category may change the flag.
          isMicroStop: await isMicroStop(tx, category, event.startedAt, event.endedAt, threshold),
          confirmedById: request.performedById,
          confirmedAt: now,
        },
      });
      await tx.downtimeEventAudit.create({
        data: {
          eventId: event.id,
          action: "RECLASSIFIED",
          actorId: request.performedById,
          at: now,
          before: { ...auditSnapshot(event), confirmedById: event.confirmedById },
          after: { ...auditSnapshot(updated), confirmedById: updated.confirmedById },
          note,
        },
      });
      await recomputeAffectedOeeBuckets(tx, event.equipmentId, [{ start: event.startedAt, end: event.endedAt }], now);
      return updated;
    },
    { timeout: DOWNTIME_HISTORY_DEFAULTS.transactionTimeoutMs },
  );
}
