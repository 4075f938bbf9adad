// Splitting a past stop in two at an instant inside it: the original is superseded (kept, never
// deleted), two events cover [start, at) and [at, end), lineage and audit rows record who, when and
// why, and the OEE buckets of the stop are recomputed from the event log, all in one transaction.
import { randomUUID } from "node:crypto";
import type { DowntimeEvent, PrismaClient } from "@ms5/db";
import { recomputeAffectedOeeBuckets } from "./affected-oee-buckets.ts";
import { DOWNTIME_HISTORY_DEFAULTS } from "./downtime-history-defaults.ts";
import { SplitInstantOutsideEvent } from "./downtime-history-errors.ts";
import { requireNote } from "./history-edit-note.ts";
import {
  activeReasonCode,
  auditSnapshot,
  inheritedFields,
  isMicroStop,
  lockClosedDowntimeEvents,
  microStopThresholdSeconds,
} from "./locked-downtime-events.ts";

export interface SplitDowntimeRequest {
  downtimeEventId: string;
  at: Date;
  /** A reason per part; a part without one keeps the original's reason and confirmation. */
  reasons?: { first?: string | null; second?: string | null };
  /** Why: kept on the lineage and audit rows. */
  note: string;
  performedById: string;
  now?: Date;
}

export interface SplitDowntimeResult {
  operationId: string;
  superseded: DowntimeEvent;
  first: DowntimeEvent;
  second: DowntimeEvent;
}

export async function splitDowntimeEvent(
  prisma: PrismaClient,
  request: SplitDowntimeRequest,
): Promise<SplitDowntimeResult> {
  const note = requireNote(request.note);
  const now = request.now ?? new Date();
  return prisma.$transaction(
    async (tx) => {
      const [original] = await lockClosedDowntimeEvents(tx, [request.downtimeEventId]);
      if (!original) throw new Error("lockClosedDowntimeEvents returned no event");
      const at = request.at.getTime();
      if (!(original.startedAt.getTime() < at && at < original.endedAt.getTime())) {
        throw new SplitInstantOutsideEvent(original.id, request.at, original.startedAt, original.endedAt);
      }
      const firstReason = request.reasons?.first ? await activeReasonCode(tx, request.reasons.first) : null;
      const secondReason = request.reasons?.second ? await activeReasonCode(tx, request.reasons.second) : null;
      const threshold = await microStopThresholdSeconds(tx, original.lineId);

      const operationId = randomUUID();
      const superseded = await tx.downtimeEvent.update({ where: { id: original.id }, data: { supersededAt: now } });
      const part = async (startedAt: Date, endedAt: Date, reasonCodeId: string | undefined) =>
        tx.downtimeEvent.create({
          data: {
            ...inheritedFields(original),
            startedAt,
            endedAt,
            isMicroStop: await isMicroStop(tx, original.category, startedAt, endedAt, threshold),
            ...(reasonCodeId
              ? { reasonCodeId, confirmedById: request.performedById, confirmedAt: now }
              : {
                  reasonCodeId: original.reasonCodeId,
                  confirmedById: original.confirmedById,
                  confirmedAt: original.confirmedAt,
                }),
          },
        });
      const first = await part(original.startedAt, request.at, firstReason?.id);
      const second = await part(request.at, original.endedAt, secondReason?.id);

      await tx.downtimeLineage.createMany({
        data: [first, second].map((result) => ({
          operationId,
          operation: "SPLIT" as const,
          sourceEventId: original.id,
          resultEventId: result.id,
          performedById: request.performedById,
          performedAt: now,
          reason: note,
        })),
      });
      await tx.downtimeEventAudit.createMany({
        data: [
          {
            eventId: original.id,
            action: "SPLIT" as const,
            actorId: request.performedById,
            at: now,
            before: auditSnapshot(original),
            after: { ...auditSnapshot(superseded), operationId, resultEventIds: [first.id, second.id] },
            note,
          },
          ...[first, second].map((result) => ({
            eventId: result.id,
            action: "SPLIT" as const,
            actorId: request.performedById,
            at: now,
            after: { ...auditSnapshot(result), operationId, sourceEventIds: [original.id] },
            note,
          })),
        ],
      });

      await recomputeAffectedOeeBuckets(
        tx,
        original.equipmentId,
        [{ start: original.startedAt, end: original.endedAt }],
        now,
      );
      return { operationId, superseded, first, second };
    },
    { timeout: DOWNTIME_HISTORY_DEFAULTS.transactionTimeoutMs },
  );
}
