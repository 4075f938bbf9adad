// Production of a line hour by hour against its hour targets: good and reject counts from the line's
// HOUR OEE buckets (production's own, the ones SHIFT and DAY roll up from) beside the HOUR production
// target of that hour (null when the line has none). One row per hour that has a bucket or a target.
import type { PrismaClient } from "@ms5/db";
import type { AnalyticsRange } from "./analytics-range.ts";

export interface HourProduction {
  lineId: string;
  hourStart: Date;
  goodCount: number;
  rejectCount: number;
  targetQuantity: number | null;
}

export async function productionByHour(
  prisma: PrismaClient,
  query: AnalyticsRange & { lineIds?: readonly string[] | null },
): Promise<HourProduction[]> {
  const lineFilter = query.lineIds ? { lineId: { in: [...query.lineIds] } } : {};
  const [buckets, targets] = await Promise.all([
    prisma.oeeRecord.findMany({
      where: {
        bucket: "HOUR",
        scope: "LINE",
        subjectKey: { endsWith: ":*" },
        bucketStart: { gte: query.from, lt: query.to },
        ...lineFilter,
      },
      select: { lineId: true, bucketStart: true, goodCount: true, rejectCount: true },
    }),
    prisma.productionTarget.findMany({
      where: { granularity: "HOUR", periodStart: { gte: query.from, lt: query.to }, ...lineFilter },
      select: { lineId: true, periodStart: true, targetQuantity: true },
    }),
  ]);
  const rows = new Map<string, HourProduction>();
  const rowOf = (lineId: string, hourStart: Date) => {
    const key = `${hourStart.toISOString()}|${lineId}`;
    let row = rows.get(key);
    if (!row) {
      row = { lineId, hourStart, goodCount: 0, rejectCount: 0, targetQuantity: null };
      rows.set(key, row);
    }
    return row;
  };
  for (const bucket of buckets) {
    const row = rowOf(bucket.lineId, bucket.bucketStart);
    row.goodCount += bucket.goodCount;
    row.rejectCount += bucket.rejectCount;
  }
  for (const target of targets) rowOf(target.lineId, target.periodStart).targetQuantity = target.targetQuantity;
  return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}

/** The sort key (and cursor) of a row: the hour, then the line. */
export function hourProductionKey(row: HourProduction): string {
  return `${row.hourStart.toISOString()}|${row.lineId}`;
}
