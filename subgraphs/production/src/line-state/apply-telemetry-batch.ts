// Applies the entries of one stream read together: counts, energy and samples with one multi-row
// insert per table in one transaction (idempotent by stream id, as applyTelemetryEntry is), state
// changes one by one in stream order within a line, lines side by side, ahead of the bulk inserts:
// a state change is what operators wait for, so it commits (and can be announced) without waiting
// for the batch's samples. One entry per transaction capped a
// consumer at a few hundred entries a second here; a plant's samples arrive by the thousand.
import type { PrismaClient } from "@ms5/db";
import {
  applyTelemetryEntry,
  type EntrySource,
  type EquipmentRef,
  type LineStateChange,
} from "./apply-telemetry-entry.ts";
import type { TelemetryEntry } from "./telemetry-entry.ts";

export interface BatchedTelemetryEntry {
  entry: TelemetryEntry;
  source: EntrySource;
  equipment: EquipmentRef;
}

type Of<Type extends TelemetryEntry["type"]> = BatchedTelemetryEntry & {
  entry: Extract<TelemetryEntry, { type: Type }>;
};

const sourceStreamIdOf = (source: EntrySource) => `${source.stream}/${source.id}`;

export interface ApplyTelemetryBatchOptions {
  /**
   * Told about each state entry's changes as soon as that entry is committed, in stream order per
   * line, instead of returning them with the rest: live events then wait for one small transaction,
   * not for the whole batch. Redelivered entries announce nothing.
   */
  onStateChanges?: (changes: LineStateChange[]) => void;
}

/** Returns the changes not already given to `onStateChanges` (all of them without it). */
export async function applyTelemetryBatch(
  prisma: PrismaClient,
  batch: readonly BatchedTelemetryEntry[],
  options: ApplyTelemetryBatchOptions = {},
): Promise<LineStateChange[]> {
  const counts = batch.filter((b): b is Of<"counts"> => b.entry.type === "counts");
  const energy = batch.filter((b): b is Of<"energy"> => b.entry.type === "energy");
  const samples = batch.filter((b): b is Of<"sample"> => b.entry.type === "sample");
  const changes: LineStateChange[] = [];
  // States first, so their live events wait for their own small transactions, not for the bulk.
  const stateChanges = await applyStateChanges(prisma, batch, options.onStateChanges);
  await applyRecords(prisma, counts, energy, samples, changes);
  changes.push(...stateChanges);

  // Live speed, after the states (the first state creates the live row): the newest speed sample of
  // each equipment in the batch, all in one statement. Setting a value is idempotent, so redelivered
  // samples count too.
  const latestSpeed = new Map<string, Of<"sample">["entry"]>();
  for (const { entry, equipment } of samples) {
    if (entry.signal === "speed") latestSpeed.set(equipment.id, entry);
  }
  if (latestSpeed.size > 0) {
    const speeds = [...latestSpeed];
    await prisma.$executeRaw`
      UPDATE equipment_live_state AS live
      SET "speedPerMinute" = s.value, "lastSampleAt" = s.at, "updatedAt" = now()
      FROM unnest(
        ${speeds.map(([equipmentId]) => equipmentId)}::uuid[],
        ${speeds.map(([, entry]) => entry.value)}::float8[],
        ${speeds.map(([, entry]) => entry.ts.toISOString())}::timestamptz[]
      ) AS s("equipmentId", value, at)
      WHERE live."equipmentId" = s."equipmentId"`;
  }
  return changes;
}

/** Counts, energy and samples: one multi-row insert per table, in one transaction. */
async function applyRecords(
  prisma: PrismaClient,
  counts: readonly Of<"counts">[],
  energy: readonly Of<"energy">[],
  samples: readonly Of<"sample">[],
  changes: LineStateChange[],
): Promise<void> {
  if (counts.length + energy.length + samples.length > 0) {
    // One INSERT ... SELECT FROM unnest(arrays) per table: a fixed number of statements per batch
    // whatever its size. Prisma's createMany builds one parameter per value, which costs more
    // than the insert itself here (measured in BENCHMARKS.md).
    await prisma.$transaction(async (tx) => {
      if (counts.length > 0) {
        const inserted = await tx.$queryRaw<{ sourceStreamId: string }[]>`
          INSERT INTO production_count
            ("equipmentId", "lineId", "recordedAt", "goodDelta", "rejectDelta", "plcSequence", "sourceStreamId")
          SELECT * FROM unnest(
            ${counts.map((b) => b.equipment.id)}::uuid[],
            ${counts.map((b) => b.equipment.lineId)}::uuid[],
            ${counts.map((b) => b.entry.ts.toISOString())}::timestamptz[],
            ${counts.map((b) => b.entry.goodDelta)}::int[],
            ${counts.map((b) => b.entry.rejectDelta)}::int[],
            ${counts.map((b) => String(b.entry.seq))}::bigint[],
            ${counts.map((b) => sourceStreamIdOf(b.source))}::text[]
          )
          ON CONFLICT ("sourceStreamId") DO NOTHING
          RETURNING "sourceStreamId"`;
        // A redelivered entry inserts nothing and announces nothing.
        const fresh = new Set(inserted.map((row) => row.sourceStreamId));
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
      }
      if (energy.length > 0) {
        await tx.$executeRaw`
          INSERT INTO energy_reading ("equipmentId", "recordedAt", "meterKwh", "deltaKwh", "sourceStreamId")
          SELECT * FROM unnest(
            ${energy.map((b) => b.equipment.id)}::uuid[],
            ${energy.map((b) => b.entry.ts.toISOString())}::timestamptz[],
            ${energy.map((b) => b.entry.meterKwh)}::float8[],
            ${energy.map((b) => b.entry.deltaKwh)}::float8[],
            ${energy.map((b) => sourceStreamIdOf(b.source))}::text[]
          )
          ON CONFLICT ("sourceStreamId") DO NOTHING`;
      }
      if (samples.length > 0) {
        // Samples have no natural key: the processed-entry records say which are new.
        const recorded = await tx.$queryRaw<{ streamKey: string; entryId: string }[]>`
          INSERT INTO processed_stream_entry ("consumerGroup", "streamKey", "entryId")
          SELECT * FROM unnest(
            ${samples.map((b) => b.source.group)}::text[],
            ${samples.map((b) => b.source.stream)}::text[],
            ${samples.map((b) => b.source.id)}::text[]
          )
          ON CONFLICT DO NOTHING
          RETURNING "streamKey", "entryId"`;
        const fresh = new Set(recorded.map((row) => `${row.streamKey}/${row.entryId}`));
        const newSamples = samples.filter(({ source }) => fresh.has(sourceStreamIdOf(source)));
        if (newSamples.length > 0) {
          await tx.$executeRaw`
            INSERT INTO telemetry_sample ("equipmentId", signal, "recordedAt", value, "plcSequence")
            SELECT * FROM unnest(
              ${newSamples.map((b) => b.equipment.id)}::uuid[],
              ${newSamples.map((b) => b.entry.signal)}::text[],
              ${newSamples.map((b) => b.entry.ts.toISOString())}::timestamptz[],
              ${newSamples.map((b) => b.entry.value)}::float8[],
              ${newSamples.map((b) => String(b.entry.seq))}::bigint[]
            )`;
        }
      }
    });
  }
}

/**
 * State changes build on each other within a line (the log, stops, the line's state from its
 * equipment): in order, each as one entry. Lines share nothing, so they go side by side.
 */
async function applyStateChanges(
  prisma: PrismaClient,
  batch: readonly BatchedTelemetryEntry[],
  onStateChanges: ApplyTelemetryBatchOptions["onStateChanges"],
): Promise<LineStateChange[]> {
  const statesByLine = new Map<string, Of<"state">[]>();
  for (const item of batch) {
    if (item.entry.type !== "state") continue;
    const line = statesByLine.get(item.equipment.lineId) ?? [];
    line.push(item as Of<"state">);
    statesByLine.set(item.equipment.lineId, line);
  }
  const perLine = await Promise.all(
    [...statesByLine.values()].map(async (states) => {
      const lineChanges: LineStateChange[] = [];
      for (const { entry, source, equipment } of states) {
        const applied = await applyTelemetryEntry(prisma, entry, source, equipment);
        if (!onStateChanges) lineChanges.push(...applied);
        else if (applied.length > 0) onStateChanges(applied);
      }
      return lineChanges;
    }),
  );
  return perLine.flat();
}
