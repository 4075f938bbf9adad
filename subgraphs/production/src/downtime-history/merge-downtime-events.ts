// Merging past stops of one equipment into one: contiguous, overlapping, or apart by at most
// maxMergeGapSeconds, and the merged stop spans the earliest start to the latest end, so a gap
// becomes downtime (the supervisor says the machine never really restarted). The sources are
// superseded, never deleted; lineage and audit rows record it; OEE is recomputed from the log.
import { randomUUID } from "node:crypto";
import type { DowntimeEvent, PrismaClient } from "@ms5/db";
import { recomputeAffectedOeeBuckets } from "./affected-oee-buckets.ts";
import { DOWNTIME_HISTORY_DEFAULTS } from "./downtime-history-defaults.ts";
import {
  DowntimeEventsOfDifferentEquipment,
  MergeGapTooLong,
  MergeSpanContainsOtherEvent,
  TooFewEventsToMerge,
} from "./downtime-history-errors.ts";
import { requireNote } from "./history-edit-note.ts";
import {
  activeReasonCode,
  auditSnapshot,
  inheritedFields,
  isMicroStop,
  lockClosedDowntimeEvents,
  microStopThresholdSeconds,
} from "./locked-downtime-events.ts";

export interface MergeDowntimeRequest {
  downtimeEventIds: readonly string[];
  /** The merged stop's reason; without one it keeps the earliest event's reason and confirmation. */
  reasonCodeId?: string | null;
  note: string;
  performedById: string;
  now?: Date;
  /** @default DOWNTIME_HISTORY_DEFAULTS.maxMergeGapSeconds */
  maxMergeGapSeconds?: number;
}

export interface MergeDowntimeResult {
  operationId: string;
  superseded: DowntimeEvent[];
  merged: DowntimeEvent;
}

export async function mergeDowntimeEvents(
  prisma: PrismaClient,
  request: MergeDowntimeRequest,
): Promise<MergeDowntimeResult> {
  const note = requireNote(request.note);
  const ids = [...new Set(request.downtimeEventIds)];
  if (ids.length < 2) throw new TooFewEventsToMerge(ids.length);
  const maxGapSeconds = request.maxMergeGapSeconds ?? DOWNTIME_HISTORY_DEFAULTS.maxMergeGapSeconds;
  const now = request.now ?? new Date();
  return prisma.$transaction(
    async (tx) => {
      const sources = (await lockClosedDowntimeEvents(tx, ids)).sort(
        (a, b) => a.startedAt.getTime() - b.startedAt.getTime(),
      );
      const equipmentIds = [...new Set(sources.map((event) => event.equipmentId))];
      if (equipmentIds.length > 1) throw new DowntimeEventsOfDifferentEquipment(equipmentIds);

      const earliest = sources[0]!;
      let end = earliest.endedAt;
      for (const event of sources.slice(1)) {
        const gapSeconds = (event.startedAt.getTime() - end.getTime()) / 1000;
        if (gapSeconds > maxGapSeconds) throw new MergeGapTooLong(end, gapSeconds, maxGapSeconds);
        if (event.endedAt.getTime() > end.getTime()) end = event.endedAt;
      }
      const other = await tx.downtimeEvent.findFirst({
        where: {
          equipmentId: earliest.equipmentId,
          supersededAt: null,
          id: { notIn: ids },
          startedAt: { lt: end },
          OR: [{ endedAt: null }, { endedAt: { gt: earliest.startedAt } }],
        },
        orderBy: { startedAt: "asc" },
      });
      if (other) throw new MergeSpanContainsOtherEvent(other.id);
      const reason = request.reasonCodeId ? await activeReasonCode(tx, request.reasonCodeId) : null;
      const threshold = await microStopThresholdSeconds(tx, earliest.lineId);

      const operationId = randomUUID();
      const superseded: DowntimeEvent[] = [];
      for (const source of sources) {
        superseded.push(await tx.downtimeEvent.update({ where: { id: source.id }, data: { supersededAt: now } }));
      }
      const merged = await tx.downtimeEvent.create({
        data: {
          ...inheritedFields(earliest),
          startedAt: earliest.startedAt,
          endedAt: end,
          isMicroStop: await isMicroStop(tx, earliest.category, earliest.startedAt, end, threshold),
          ...(reason
            ? { reasonCodeId: reason.id, confirmedById: request.performedById, confirmedAt: now }
            : {
                reasonCodeId: earliest.reasonCodeId,
                confirmedById: earliest.confirmedById,
                confirmedAt: earliest.confirmedAt,
              }),
        },
      });

      await tx.downtimeLineage.createMany({
        data: sources.map((source) => ({
          operationId,
          operation: "MERGE" as const,
          sourceEventId: source.id,
          resultEventId: merged.id,
          performedById: request.performedById,
          performedAt: now,
          reason: note,
        })),
      });
      await tx.downtimeEventAudit.createMany({
        data: [
          ...sources.map((source, index) => ({
            eventId: source.id,
            action: "MERGED" as const,
            actorId: request.performedById,
            at: now,
            before: auditSnapshot(source),
            after: { ...auditSnapshot(superseded[index]!), operationId, resultEventIds: [merged.id] },
            note,
          })),
          {
            eventId: merged.id,
            action: "MERGED" as const,
            actorId: request.performedById,
            at: now,
            after: { ...auditSnapshot(merged), operationId, sourceEventIds: sources.map((source) => source.id) },
            note,
          },
        ],
      });

      // The merged span covers every source and every gap between them.
      await recomputeAffectedOeeBuckets(tx, earliest.equipmentId, [{ start: earliest.startedAt, end }], now);
      return { operationId, superseded, merged };
    },
    { timeout: DOWNTIME_HISTORY_DEFAULTS.transactionTimeoutMs },
  );
}
