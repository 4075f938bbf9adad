// Applies the entries of one stream read together: state changes one by one in stream order within
// a line, lines side by side; alongside them counts, energy and samples in one bulk statement
// (applyTelemetryRecords). A state change is what operators wait for, so it commits (and can be
// announced) without waiting for the batch's samples. One entry per transaction capped a
// consumer at a few hundred entries a second here; a plant's samples arrive by the thousand.
import type { PrismaClient } from "@ms5/db";
import { applyTelemetryEntry, type LineStateChange } from "./apply-telemetry-entry.ts";
import { applyTelemetryRecords, type BatchedEntryOf, type BatchedTelemetryEntry } from "./apply-telemetry-records.ts";

export type { BatchedTelemetryEntry } from "./apply-telemetry-records.ts";

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
  // States and the bulk side by side on two connections: a state's live event waits for its own
  // statement, not for the samples', and the batch takes the longer of the two, not their sum.
  // Both settle before the batch returns or throws, so a retry never overlaps a write still running.
  // Speeds of a machine whose state is in the batch wait for that state: its first state creates
  // the live row a speed is written to.
  const stateOf = new Set(batch.filter((b) => b.entry.type === "state").map((b) => b.equipment.id));
  const afterStates = batch.filter(
    (b) => b.entry.type === "sample" && b.entry.signal === "speed" && stateOf.has(b.equipment.id),
  );
  const alongside = afterStates.length === 0 ? batch : batch.filter((b) => !afterStates.includes(b));
  const [states, records] = await Promise.allSettled([
    applyStateChanges(prisma, batch, options.onStateChanges),
    applyTelemetryRecords(prisma, alongside),
  ]);
  if (states.status === "rejected") throw states.reason;
  if (records.status === "rejected") throw records.reason;
  const speedChanges = afterStates.length > 0 ? await applyTelemetryRecords(prisma, afterStates) : [];
  return [...records.value, ...speedChanges, ...states.value];
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
  const statesByLine = new Map<string, BatchedEntryOf<"state">[]>();
  for (const item of batch) {
    if (item.entry.type !== "state") continue;
    const line = statesByLine.get(item.equipment.lineId) ?? [];
    line.push(item as BatchedEntryOf<"state">);
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
