// Counts, energy readings and samples: what most telemetry entries are, written in bulk.
import { type DbClient, runHotStatement } from "@ms5/db";
import type { TelemetryEntry } from "@ms5/schema/stream-entries";
import type { EntrySource, LineStateChange, TelemetryEquipment } from "./apply-telemetry-entry.ts";

export interface BatchedTelemetryEntry {
  entry: TelemetryEntry;
  source: EntrySource;
  equipment: TelemetryEquipment;
}

/** An entry of one type with a value to record (a sample or energy reading of bad quality has none). */
export type BatchedEntryOf<Type extends TelemetryEntry["type"]> = BatchedTelemetryEntry & {
  entry: Extract<TelemetryEntry, { type: Type; quality?: "good" }>;
};

const APPLY_RECORDS_SQL = `
  WITH new_counts AS (
    INSERT INTO production_count
      ("equipmentId", "lineId", "recordedAt", "goodDelta", "rejectDelta", "plcSequence", "sourceStreamId")
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::int[], $5::int[], $6::bigint[], $7::text[])
    ON CONFLICT ("sourceStreamId") DO NOTHING
    RETURNING "sourceStreamId"
  ), new_energy AS (
    INSERT INTO energy_reading ("equipmentId", "recordedAt", "meterKwh", "deltaKwh", "sourceStreamId")
    SELECT * FROM unnest($8::uuid[], $9::timestamptz[], $10::float8[], $11::float8[], $12::text[])
    ON CONFLICT ("sourceStreamId") DO NOTHING
  ), new_samples AS (
    INSERT INTO telemetry_sample ("equipmentId", signal, "recordedAt", value, "plcSequence")
    SELECT * FROM unnest($13::uuid[], $14::text[], $15::timestamptz[], $16::float8[], $17::bigint[])
    ON CONFLICT ("equipmentId", signal, "recordedAt") DO NOTHING
  ), live_speed AS (
    UPDATE equipment_live_state AS live
    SET "speedPerMinute" = s.value, "lastSampleAt" = s.at, "updatedAt" = now()
    FROM unnest($18::uuid[], $19::float8[], $20::timestamptz[]) AS s("equipmentId", value, at)
    -- An older sample (a claimed entry applied after newer ones) does not take the live value back.
    WHERE live."equipmentId" = s."equipmentId" AND (live."lastSampleAt" IS NULL OR live."lastSampleAt" <= s.at)
  )
  SELECT coalesce(array_agg("sourceStreamId"), '{}') AS fresh FROM new_counts`;

export const sourceStreamIdOf = (source: EntrySource) => `${source.stream}/${source.id}`;

/**
 * Counts, energy, samples and the newest speeds in ONE statement: a multi-row INSERT ... SELECT FROM
 * unnest(arrays) per table as data-modifying CTEs, atomic like a transaction but one round trip and
 * no BEGIN/COMMIT, whatever the batch's size. Each table's own key makes a redelivered entry insert
 * nothing (counts and energy: the stream id; samples: equipment, signal, read time). Sent through
 * pg, not Prisma: Prisma's serialisation of the array parameters cost as much as the inserts, and
 * a transaction with an idempotency row per sample cost half the write path (BENCHMARKS.md).
 */
export async function applyTelemetryRecords(
  db: DbClient,
  batch: readonly BatchedTelemetryEntry[],
): Promise<LineStateChange[]> {
  const counts = batch.filter((b): b is BatchedEntryOf<"counts"> => b.entry.type === "counts");
  const energy = batch.filter(
    (b): b is BatchedEntryOf<"energy"> => b.entry.type === "energy" && b.entry.quality === "good",
  );
  const samples = batch.filter(
    (b): b is BatchedEntryOf<"sample"> => b.entry.type === "sample" && b.entry.quality === "good",
  );
  if (counts.length + energy.length + samples.length === 0) return [];
  // Setting a value is idempotent, so redelivered speed samples count too; the live row exists once
  // the equipment's first state is applied (states go first).
  const latestSpeed = new Map<string, BatchedEntryOf<"sample">["entry"]>();
  for (const { entry, equipment } of samples) {
    if (entry.signal === "speed") latestSpeed.set(equipment.id, entry);
  }
  const speeds = [...latestSpeed];
  const rows = await runHotStatement<{ fresh: string[] }>(db, {
    name: "apply-telemetry-records",
    text: APPLY_RECORDS_SQL,
    values: [
      counts.map((b) => b.equipment.id),
      counts.map((b) => b.equipment.lineId),
      counts.map((b) => b.entry.ts.toISOString()),
      counts.map((b) => b.entry.goodDelta),
      counts.map((b) => b.entry.rejectDelta),
      counts.map((b) => String(b.entry.seq)),
      counts.map((b) => sourceStreamIdOf(b.source)),
      energy.map((b) => b.equipment.id),
      energy.map((b) => b.entry.ts.toISOString()),
      energy.map((b) => b.entry.meterKwh),
      energy.map((b) => b.entry.deltaKwh),
      energy.map((b) => sourceStreamIdOf(b.source)),
      samples.map((b) => b.equipment.id),
      samples.map((b) => b.entry.signal),
      samples.map((b) => b.entry.ts.toISOString()),
      samples.map((b) => b.entry.value),
      samples.map((b) => String(b.entry.seq)),
      speeds.map(([equipmentId]) => equipmentId),
      speeds.map(([, entry]) => entry.value),
      speeds.map(([, entry]) => entry.ts.toISOString()),
    ],
  });
  // A redelivered entry inserts nothing and announces nothing.
  // One array, not a row per count: decoding rows cost more than the insert.
  const fresh = new Set(rows[0]?.fresh);
  const changes: LineStateChange[] = [];
  for (const { entry, source, equipment } of counts) {
    if (!fresh.has(sourceStreamIdOf(source))) continue;
    changes.push({
      kind: "counts",
      equipmentId: equipment.id,
      lineId: equipment.lineId,
      good: entry.goodDelta,
      reject: entry.rejectDelta,
    });
  }
  return changes;
}
