// Applies one telemetry entry to the database in one transaction, idempotently by its stream id:
// state changes feed the equipment state log, live state, line state and downtime events (with the
// reason suggested from the first-out fault); counts, energy and samples are recorded as a batch of
// one. Returns what changed, for subscriptions.
import {
  type EquipmentState as DbEquipmentState,
  type DowntimeCategory,
  type Prisma,
  type PrismaClient,
  runHotStatement,
} from "@ms5/db";
import type { EquipmentState } from "@ms5/schema";
import type { TelemetryEntry } from "@ms5/schema/stream-entries";
import { applyTelemetryRecords } from "./apply-telemetry-records.ts";

type Tx = Prisma.TransactionClient;

/** Stops and the downtime category each opens. RUNNING ends a stop; COMMS_LOST ends what is known of it. */
const DOWNTIME_CATEGORY_OF_STATE: Partial<Record<EquipmentState, DowntimeCategory>> = {
  DOWN: "UNPLANNED",
  IDLE: "UNPLANNED",
  CHANGEOVER: "CHANGEOVER",
  PLANNED_STOP: "PLANNED",
};

export type LineStateChange =
  | { kind: "equipment-state"; equipmentId: string; lineId: string; state: EquipmentState; since: Date }
  | { kind: "line-state"; lineId: string; state: EquipmentState; since: Date }
  | { kind: "downtime-started"; downtimeEventId: string; equipmentId: string; lineId: string }
  | { kind: "downtime-ended"; downtimeEventId: string; equipmentId: string; lineId: string }
  | { kind: "counts"; equipmentId: string; lineId: string; good: number; reject: number };

export interface EntrySource {
  /** The Redis stream the entry came from and its id there. */
  stream: string;
  id: string;
  /** The consumer group, for idempotency records. */
  group: string;
}

/** What the handler needs to know of an equipment; cached by the caller. */
export interface EquipmentRef {
  id: string;
  lineId: string;
  isConstraint: boolean;
  microStopThresholdSeconds: number;
}

export async function applyTelemetryEntry(
  prisma: PrismaClient,
  entry: TelemetryEntry,
  source: EntrySource,
  equipment: EquipmentRef,
): Promise<LineStateChange[]> {
  const sourceStreamId = `${source.stream}/${source.id}`;
  switch (entry.type) {
    case "state":
      return applyStateChange(prisma, entry, sourceStreamId, equipment);
    default:
      return applyTelemetryRecords(prisma, [{ entry, source, equipment }]);
  }
}

/** What apply_equipment_state (migration 20261127151000_apply_equipment_state) did. */
type AppliedState =
  | { outcome: "duplicate" }
  | { outcome: "late" }
  | {
      outcome: "applied";
      endedDowntimeId: string | null;
      startedDowntimeId: string | null;
      lineState: EquipmentState | null;
    };

/**
 * The state log, stops, live and line state in one statement (a database function: a dozen Prisma
 * queries in a transaction kept every later entry and live event waiting); a state older than the
 * equipment's current one goes where it belongs instead.
 */
async function applyStateChange(
  prisma: PrismaClient,
  entry: Extract<TelemetryEntry, { type: "state" }>,
  sourceStreamId: string,
  equipment: EquipmentRef,
): Promise<LineStateChange[]> {
  const at = entry.ts;
  const [row] = await runHotStatement<{ applied: AppliedState }>(prisma, {
    name: "apply-equipment-state",
    text: 'SELECT apply_equipment_state($1::uuid, $2::uuid, $3::int, $4::"EquipmentState", $5::timestamptz, $6::int, $7::text, $8::text, $9::bigint) AS applied',
    values: [
      equipment.id,
      equipment.lineId,
      equipment.microStopThresholdSeconds,
      entry.state,
      at.toISOString(),
      entry.stateCode ?? null,
      entry.firstOutFaultCode ?? null,
      sourceStreamId,
      String(entry.seq),
    ],
  });
  const applied = row!.applied;
  if (applied.outcome === "duplicate") return [];
  if (applied.outcome === "late") {
    // Older than the current state: an entry a killed consumer held, applied after newer ones.
    return prisma.$transaction((tx) => applyLateStateChange(tx, entry, sourceStreamId, equipment));
  }
  const ref = { equipmentId: equipment.id, lineId: equipment.lineId };
  const changes: LineStateChange[] = [];
  if (applied.endedDowntimeId)
    changes.push({ kind: "downtime-ended", downtimeEventId: applied.endedDowntimeId, ...ref });
  if (applied.startedDowntimeId) {
    changes.push({ kind: "downtime-started", downtimeEventId: applied.startedDowntimeId, ...ref });
  }
  changes.push({ kind: "equipment-state", ...ref, state: entry.state, since: at });
  if (applied.lineState)
    changes.push({ kind: "line-state", lineId: equipment.lineId, state: applied.lineState, since: at });
  return changes;
}

/**
 * Records a stop if the entry's state is one, with the reason suggested from its first-out fault;
 * closed at `endedAt` when a later state is already known. Returns the stop's id, or null.
 */
async function openDowntimeEvent(
  tx: Tx,
  entry: Extract<TelemetryEntry, { type: "state" }>,
  sourceStreamId: string,
  equipment: EquipmentRef,
  endedAt: Date | null,
): Promise<string | null> {
  const category = DOWNTIME_CATEGORY_OF_STATE[entry.state];
  if (!category) return null;
  const at = entry.ts;
  const fault = entry.firstOutFaultCode
    ? await tx.faultCatalogEntry.findUnique({
        where: { equipmentId_faultCode: { equipmentId: equipment.id, faultCode: entry.firstOutFaultCode } },
        select: { suggestedReasonCodeId: true, active: true },
      })
    : null;
  // A fault switched off in the catalog suggests nothing (the first-out code is still recorded).
  const suggestion = fault?.active ? fault : null;
  const downtime = await tx.downtimeEvent.create({
    data: {
      equipmentId: equipment.id,
      lineId: equipment.lineId,
      startedAt: at,
      endedAt,
      isMicroStop: endedAt !== null && isMicroStop(category, at, endedAt, equipment),
      category,
      source: "PLC",
      firstOutFaultCode: entry.firstOutFaultCode ?? null,
      suggestedReasonCodeId: suggestion?.suggestedReasonCodeId ?? null,
      sourceStreamId,
    },
  });
  await tx.downtimeEventAudit.createMany({
    data: [
      {
        eventId: downtime.id,
        action: "OPENED",
        after: { state: entry.state, firstOutFaultCode: entry.firstOutFaultCode ?? null },
      },
      ...(suggestion?.suggestedReasonCodeId
        ? [
            {
              eventId: downtime.id,
              action: "REASON_SUGGESTED" as const,
              after: { suggestedReasonCodeId: suggestion.suggestedReasonCodeId },
            },
          ]
        : []),
      ...(endedAt
        ? [{ eventId: downtime.id, action: "CLOSED" as const, after: { endedAt: endedAt.toISOString() } }]
        : []),
    ],
  });
  return downtime.id;
}

function isMicroStop(category: DowntimeCategory, start: Date, end: Date, equipment: EquipmentRef): boolean {
  return category === "UNPLANNED" && (end.getTime() - start.getTime()) / 1000 < equipment.microStopThresholdSeconds;
}

/**
 * A state older than the equipment's current one: consumers of one group may apply a stream's
 * entries out of order (a killed consumer's batch is claimed after a restarted one applied newer
 * entries). The state is inserted where it belongs: the interval it falls in ends at it, it lasts
 * until the next known state, and the stops follow. Live and line state stay as they are: they
 * already show something newer.
 */
async function applyLateStateChange(
  tx: Tx,
  entry: Extract<TelemetryEntry, { type: "state" }>,
  sourceStreamId: string,
  equipment: EquipmentRef,
): Promise<LineStateChange[]> {
  const at = entry.ts;
  const next = await tx.equipmentStateChange.findFirst({
    where: { equipmentId: equipment.id, startedAt: { gt: at } },
    orderBy: { startedAt: "asc" },
  });
  if (!next) return [];
  const containing = await tx.equipmentStateChange.findFirst({
    where: { equipmentId: equipment.id, startedAt: { lte: at }, endedAt: { gt: at } },
    orderBy: { startedAt: "desc" },
  });
  // Two states at one instant: the one already recorded stands.
  if (containing?.startedAt.getTime() === at.getTime()) return [];
  if (containing) await tx.equipmentStateChange.update({ where: { id: containing.id }, data: { endedAt: at } });
  await tx.equipmentStateChange.create({
    data: {
      equipmentId: equipment.id,
      state: entry.state as DbEquipmentState,
      startedAt: at,
      endedAt: next.startedAt,
      stateCode: entry.stateCode ?? null,
      firstOutFaultCode: entry.firstOutFaultCode ?? null,
      sourceStreamId,
      plcSequence: BigInt(entry.seq),
    },
  });

  const changes: LineStateChange[] = [];
  // The stop under way at `at` (begun by the containing state) ends where the new state begins.
  const interrupted = await tx.downtimeEvent.findFirst({
    where: {
      equipmentId: equipment.id,
      supersededAt: null,
      startedAt: { lt: at },
      OR: [{ endedAt: null }, { endedAt: { gt: at } }],
    },
  });
  if (interrupted) {
    await tx.downtimeEvent.update({
      where: { id: interrupted.id },
      data: { endedAt: at, isMicroStop: isMicroStop(interrupted.category, interrupted.startedAt, at, equipment) },
    });
    await tx.downtimeEventAudit.create({
      data: {
        eventId: interrupted.id,
        action: "CLOSED",
        before: { endedAt: interrupted.endedAt?.toISOString() ?? null },
        after: { endedAt: at.toISOString() },
      },
    });
    changes.push({
      kind: "downtime-ended",
      downtimeEventId: interrupted.id,
      equipmentId: equipment.id,
      lineId: equipment.lineId,
    });
  }
  const downtimeEventId = await openDowntimeEvent(tx, entry, sourceStreamId, equipment, next.startedAt);
  if (downtimeEventId) {
    const ref = { downtimeEventId, equipmentId: equipment.id, lineId: equipment.lineId };
    changes.push({ kind: "downtime-started", ...ref }, { kind: "downtime-ended", ...ref });
  }
  return changes;
}
