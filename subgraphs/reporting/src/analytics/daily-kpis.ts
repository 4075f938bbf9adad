// Daily production KPIs of a line, one row per site-local day: good, reject and scrap, target
// against actual, first-pass yield, and MTBF / MTTR / MTTA. Each figure comes from the code that owns
// it: counts from the DAY OEE bucket (the same row the OEE analytics read), MTBF and MTTR from
// andon's equipmentReliability (corrective work orders), MTTA from andon's andonStatistics.

import { equipmentReliability } from "@ms5/andon/maintenance";
import { andonStatistics } from "@ms5/andon/statistics";
import type { PrismaClient } from "@ms5/db";
import { type LocalDay, localDaysOverlapping } from "../site-calendar/site-days.ts";
import type { AnalyticsRange } from "./analytics-range.ts";

export interface DailyKpiRow {
  lineId: string;
  day: LocalDay;
}

export interface DailyKpis {
  lineId: string;
  /** YYYY-MM-DD in the site's time zone. */
  day: string;
  start: Date;
  end: Date;
  goodCount: number;
  rejectCount: number;
  scrapCount: number;
  /** Sum of the day's shift targets (hour targets when the line has no shift targets that day); null without any. */
  targetQuantity: number | null;
  /** Good units made: what the target is measured against. */
  actualQuantity: number;
  /** Good / total counted; null when nothing was counted. No rework is recorded, so a good unit is a first-pass one. */
  firstPassYield: number | null;
  mtbfSeconds: number | null;
  mttrSeconds: number | null;
  mttaSeconds: number | null;
}

/** The (line, day) rows of a range, in day then line order: cheap, so a page is cut before any figure is read. */
export async function dailyKpiRows(
  prisma: PrismaClient,
  query: AnalyticsRange & { lineIds?: readonly string[] | null },
): Promise<DailyKpiRow[]> {
  const lines = await prisma.line.findMany({
    where: query.lineIds ? { id: { in: [...query.lineIds] } } : { active: true },
    select: { id: true, area: { select: { site: { select: { timezone: true } } } } },
    orderBy: { id: "asc" },
  });
  const rows: DailyKpiRow[] = [];
  for (const line of lines) {
    for (const day of localDaysOverlapping(query.from, query.to, line.area.site.timezone)) {
      if (day.start >= query.from && day.start < query.to) rows.push({ lineId: line.id, day });
    }
  }
  return rows.sort((a, b) =>
    a.day.date === b.day.date ? (a.lineId < b.lineId ? -1 : 1) : a.day.date < b.day.date ? -1 : 1,
  );
}

export async function dailyKpisOf(prisma: PrismaClient, row: DailyKpiRow): Promise<DailyKpis> {
  const { lineId, day } = row;
  const [bucket, scrap, targets, equipment, andons] = await Promise.all([
    prisma.oeeRecord.findUnique({
      where: {
        subjectKey_bucket_bucketStart: { subjectKey: `LINE:${lineId}:*`, bucket: "DAY", bucketStart: day.start },
      },
    }),
    prisma.scrapRecord.aggregate({
      where: { lineId, reportedAt: { gte: day.start, lt: day.end } },
      _sum: { quantity: true },
    }),
    prisma.productionTarget.groupBy({
      by: ["granularity"],
      where: { lineId, periodStart: { gte: day.start, lt: day.end } },
      _sum: { targetQuantity: true },
    }),
    prisma.equipment.findMany({ where: { lineId }, select: { id: true } }),
    andonStatistics(prisma, { from: day.start, to: day.end, by: "LINE", lineId }),
  ]);
  const reliability =
    equipment.length > 0
      ? await equipmentReliability(
          prisma,
          equipment.map((e) => e.id),
          day.start,
          day.end,
        )
      : [];
  const failures = reliability.reduce((sum, r) => sum + r.failureCount, 0);
  const repairs = reliability.reduce((sum, r) => sum + r.repairCount, 0);
  const repairSeconds = reliability.reduce((sum, r) => sum + (r.mttrSeconds ?? 0) * r.repairCount, 0);
  const operatingSeconds = reliability.reduce((sum, r) => sum + r.operatingSeconds, 0);
  const shiftTarget = targets.find((t) => t.granularity === "SHIFT")?._sum.targetQuantity ?? null;
  const hourTarget = targets.find((t) => t.granularity === "HOUR")?._sum.targetQuantity ?? null;
  const good = bucket?.goodCount ?? 0;
  const total = bucket?.totalCount ?? 0;
  return {
    lineId,
    day: day.date,
    start: day.start,
    end: day.end,
    goodCount: good,
    rejectCount: bucket?.rejectCount ?? 0,
    scrapCount: scrap._sum.quantity ?? 0,
    targetQuantity: shiftTarget ?? hourTarget,
    actualQuantity: good,
    firstPassYield: total > 0 ? good / total : null,
    mtbfSeconds: failures > 0 ? operatingSeconds / failures : null,
    mttrSeconds: repairs > 0 ? repairSeconds / repairs : null,
    mttaSeconds: andons[0]?.mttaSeconds ?? null,
  };
}
