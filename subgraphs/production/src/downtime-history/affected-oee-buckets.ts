// Recomputes, inside an edit's transaction, every OEE bucket an edited stop's time span touches: the
// hour buckets always, the minute buckets only where some were persisted already.
import type { Prisma } from "@ms5/db";
import { fixedBuckets } from "../oee/index.ts";
import { recomputeOeeRecords } from "../oee-records/recompute-oee-records.ts";

export interface AffectedSpan {
  start: Date;
  end: Date;
}

/** The hour (and existing minute) buckets of the equipment covering the spans, recomputed from the log. */
export async function recomputeAffectedOeeBuckets(
  tx: Prisma.TransactionClient,
  equipmentId: string,
  spans: readonly AffectedSpan[],
  now: Date,
): Promise<void> {
  for (const span of mergeSpans(spans)) {
    const hours = fixedBuckets({ start: span.start, end: span.end }, "HOUR");
    const firstHour = hours[0];
    const lastHour = hours.at(-1);
    if (!firstHour || !lastHour) continue;
    await recomputeOeeRecords(tx, {
      equipmentId,
      from: new Date(firstHour.start),
      to: new Date(lastHour.end),
      bucket: "HOUR",
      now,
    });
    const minutes = fixedBuckets({ start: span.start, end: span.end }, "MINUTE");
    const firstMinute = minutes[0];
    const lastMinute = minutes.at(-1);
    if (!firstMinute || !lastMinute) continue;
    const persisted = await tx.oeeRecord.count({
      where: {
        equipmentId,
        bucket: "MINUTE",
        bucketStart: { gte: new Date(firstMinute.start), lt: new Date(lastMinute.end) },
      },
    });
    if (persisted > 0) {
      await recomputeOeeRecords(tx, {
        equipmentId,
        from: new Date(firstMinute.start),
        to: new Date(lastMinute.end),
        bucket: "MINUTE",
        now,
      });
    }
  }
}

/** Overlapping or touching spans as one, so no bucket is recomputed twice. */
function mergeSpans(spans: readonly AffectedSpan[]): AffectedSpan[] {
  const sorted = [...spans].sort((a, b) => a.start.getTime() - b.start.getTime());
  const merged: AffectedSpan[] = [];
  for (const span of sorted) {
    const last = merged.at(-1);
    if (last && span.start.getTime() <= last.end.getTime()) {
      if (span.end.getTime() > last.end.getTime()) last.end = span.end;
    } else {
      merged.push({ start: span.start, end: span.end });
    }
  }
  return merged;
}
