// Applies one telemetry entry to the database in one transaction, idempotently by its stream id:
// state changes feed the equipment state log, live state, line state and downtime events (with the
// reason suggested from the first-out fault); counts, energy and samples are recorded as a batch of
// one. Returns what changed, for subscriptions.
import { type PrismaClient, runHotStatement } from "@ms5/db";
import type { EquipmentState } from "@ms5/schema";
import type { TelemetryEntry } from "@ms5/schema/stream-entries";
import { applyTelemetryRecords } from "./apply-telemetry-records.ts";

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

/**
 * What applying telemetry needs to know of an equipment (cached by the line-stream consumer): not
 * the GraphQL Equipment entity (schema/plant.ts EquipmentRef), only the settings that classify states.
 */
export interface TelemetryEquipment {
  id: string;
  lineId: string;
  isConstraint: boolean;
  microStopThresholdSeconds: number;
}

export async function applyTelemetryEntry(
  prisma: PrismaClient,
  entry: TelemetryEntry,
  source: EntrySource,
  equipment: TelemetryEquipment,
): Promise<LineStateChange[]> {
  const sourceStreamId = `${source.stream}/${source.id}`;
  switch (entry.type) {
    case "state":
      return applyStateChange(prisma, entry, sourceStreamId, equipment);
    default:
      return applyTelemetryRecords(prisma, [{ entry, source, equipment }]);
  }
}

/**
 * What apply_equipment_state did (migrations 20261127151000_apply_equipment_state and
 * 20261215090000_downtime_rules_in_one_home, the one home of the downtime rules: which states are
 * stops, the suggested reason, the micro-stop rule, the audit rows).
 */
type AppliedState =
  | { outcome: "duplicate" }
  /** Older than the equipment's current state and put where it belongs (apply_late_equipment_state). */
  | { outcome: "inserted"; endedDowntimeId: string | null; startedDowntimeId: string | null }
  /** Older than the current state, at an instant another state already holds: the recorded one stands. */
  | { outcome: "ignored" }
  | {
      outcome: "applied";
      endedDowntimeId: string | null;
      startedDowntimeId: string | null;
      lineState: EquipmentState | null;
    };

/**
 * The state log, stops, live and line state in one statement (a database function: a dozen Prisma
 * queries in a transaction kept every later entry and live event waiting). A state older than the
 * equipment's current one (an entry a killed consumer held, applied after newer ones) goes where it
 * belongs in the same statement; live and line state then stay as they are.
 */
async function applyStateChange(
  prisma: PrismaClient,
  entry: Extract<TelemetryEntry, { type: "state" }>,
  sourceStreamId: string,
  equipment: TelemetryEquipment,
): Promise<LineStateChange[]> {
  const at = entry.ts;
  const [row] = await runHotStatement<{ applied: AppliedState }>(prisma, {
    name: "apply-equipment-state",
    text: 'SELECT apply_equipment_state($1::uuid, $2::uuid, $3::int, $4::"EquipmentState", $5::timestamptz, $6::int, $7::text, $8::text, $9::bigint, $10::boolean) AS applied',
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
      // No previous state: the bridge's first read after it started, which may repeat the open state.
      entry.previousState === undefined,
    ],
  });
  const applied = row!.applied;
  if (applied.outcome === "duplicate" || applied.outcome === "ignored") return [];
  const ref = { equipmentId: equipment.id, lineId: equipment.lineId };
  const changes: LineStateChange[] = [];
  if (applied.endedDowntimeId) {
    changes.push({ kind: "downtime-ended", downtimeEventId: applied.endedDowntimeId, ...ref });
  }
  if (applied.startedDowntimeId) {
    changes.push({ kind: "downtime-started", downtimeEventId: applied.startedDowntimeId, ...ref });
  }
  if (applied.outcome === "inserted") {
    // The late state's own stop is over already: it lasted until the next known state.
    if (applied.startedDowntimeId) {
      changes.push({ kind: "downtime-ended", downtimeEventId: applied.startedDowntimeId, ...ref });
    }
    return changes;
  }
  changes.push({ kind: "equipment-state", ...ref, state: entry.state, since: at });
  if (applied.lineState) {
    changes.push({ kind: "line-state", lineId: equipment.lineId, state: applied.lineState, since: at });
  }
  return changes;
}
