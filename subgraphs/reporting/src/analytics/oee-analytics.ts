// OEE with A, P, Q and the six big losses over a range, grouped by any of line, equipment, shift,
// day, week and product type, read from the persisted SHIFT and DAY buckets (OeeRollup) and combined
// by production's combineOee: the figures of a report and of this query are the same code.
//
// Which buckets answer: SHIFT buckets when the grouping holds SHIFT, or holds neither DAY nor WEEK
// and the range is shorter than a week (a shift or a few: day buckets would not start inside it);
// DAY buckets otherwise (fewer rows for long ranges); the
// equipment's own buckets when it holds EQUIPMENT, the line's (its constraint's) otherwise; the
// per-product buckets when it holds PRODUCT_TYPE. A bucket belongs to the range when it starts in it.
import type { OeeRecord, PrismaClient } from "@ms5/db";
import { localToUtc } from "@ms5/db/local-time";
import { combineOee, type OeeResult } from "@ms5/production/oee";
import { combineRecords, type OeeRecordFigures, oeeResultOfRecord } from "../oee-rollup/oee-record-figures.ts";
import { isoWeekOf, localDateOf } from "../site-calendar/site-days.ts";
import type { AnalyticsRange } from "./analytics-range.ts";

export const OEE_GROUPINGS = ["LINE", "EQUIPMENT", "SHIFT", "DAY", "WEEK", "PRODUCT_TYPE"] as const;
export type OeeGrouping = (typeof OEE_GROUPINGS)[number];

/** What combining a group reads of a bucket row. */
type GroupedRecord = OeeRecordFigures & Pick<OeeRecord, "subjectKey">;

export interface OeeGroupKey {
  lineId: string | null;
  equipmentId: string | null;
  shiftInstanceId: string | null;
  shiftName: string | null;
  /** YYYY-MM-DD in the site's time zone. */
  day: string | null;
  /** ISO week, YYYY-Www, in the site's time zone. */
  week: string | null;
  productTypeId: string | null;
}

export interface OeeGroup {
  /** A stable, sortable text of the key: the cursor of the group. */
  sortKey: string;
  key: OeeGroupKey;
  bucketCount: number;
  result: OeeResult;
}

export interface OeeAnalyticsQuery extends AnalyticsRange {
  groupBy: readonly OeeGrouping[];
  lineIds?: readonly string[] | null;
  equipmentIds?: readonly string[] | null;
  /**
   * The page the caller will cut (`first` groups after the group whose sort key is `after`). Only a
   * hint: groupings whose groups are single buckets in sort-key order (line × day) then read just
   * that page plus one row from PostgreSQL; others read the whole range and the caller cuts it.
   */
  page?: { first: number; after?: string | undefined };
}

/** The site zone of each line the records name: one query per request, not a join per row. */
async function timeZonesOf(prisma: PrismaClient, lineIds: Iterable<string>): Promise<Map<string, string>> {
  const lines = await prisma.line.findMany({
    where: { id: { in: [...new Set(lineIds)] } },
    select: { id: true, area: { select: { site: { select: { timezone: true } } } } },
  });
  return new Map(lines.map((line) => [line.id, line.area.site.timezone]));
}

/** The columns a line × day page reads: the figures and the line, not the bucket's identity. */
const PAGE_COLUMNS = {
  lineId: true,
  subjectKey: true,
  bucketStart: true,
  bucketEnd: true,
  plannedProductionSeconds: true,
  runSeconds: true,
  idealCycleTimeSeconds: true,
  totalCount: true,
  goodCount: true,
  rejectCount: true,
  availability: true,
  performance: true,
  quality: true,
  oee: true,
  breakdownSeconds: true,
  setupAdjustmentSeconds: true,
  smallStopSeconds: true,
  reducedSpeedSeconds: true,
  startupRejectSeconds: true,
  productionRejectSeconds: true,
} as const;

/**
 * The local date of a bucket start on its line's site, remembered per zone and instant: the lines of
 * a site share their days, so a year of 20 lines asks the zone database 365 times, not 7,300.
 */
function localDatesOf(zones: ReadonlyMap<string, string>): (lineId: string, instant: Date) => string {
  const known = new Map<string, string>();
  return (lineId, instant) => {
    const zone = zones.get(lineId) ?? "UTC";
    const key = `${zone}@${instant.getTime()}`;
    let date = known.get(key);
    if (date === undefined) {
      date = localDateOf(instant, zone);
      known.set(key, date);
    }
    return date;
  };
}

/**
 * Line × day over DAY buckets: each group is one LINE bucket, and (bucket start, line id) orders them
 * as their sort keys do (`<day>||<line id>||`), so a page is a keyset read of `first + 1` rows.
 */
async function lineDayPage(
  prisma: PrismaClient,
  query: OeeAnalyticsQuery & { page: { first: number; after?: string | undefined } },
): Promise<OeeGroup[]> {
  const base = {
    bucket: "DAY" as const,
    scope: "LINE" as const,
    bucketStart: { gte: query.from, lt: query.to },
    subjectKey: { endsWith: ":*" },
    ...(query.lineIds ? { lineId: { in: [...query.lineIds] } } : {}),
  };
  let after = {};
  if (query.page.after) {
    const [day, , lineId] = query.page.after.split("|");
    const [year, month, date] = (day ?? "").split("-").map(Number);
    if (!year || !month || !date || !lineId) return [];
    const zone = (await timeZonesOf(prisma, [lineId])).get(lineId) ?? "UTC";
    const dayStart = localToUtc(year, month, date, 0, zone);
    // The first condition is implied by the second; it gives the (bucket, scope, bucketStart, lineId)
    // index where to start, so a late page does not scan the pages before it.
    after = {
      AND: [
        { bucketStart: { gte: dayStart } },
        { OR: [{ bucketStart: { gt: dayStart } }, { bucketStart: dayStart, lineId: { gt: lineId } }] },
      ],
    };
  }
  const records = await prisma.oeeRecord.findMany({
    where: { ...base, ...after },
    select: PAGE_COLUMNS,
    orderBy: [{ bucketStart: "asc" }, { lineId: "asc" }],
    take: query.page.first + 1,
  });
  const zones = await timeZonesOf(
    prisma,
    records.map((r) => r.lineId),
  );
  const dayOf = localDatesOf(zones);
  return records.map((record) => {
    const day = dayOf(record.lineId, record.bucketStart);
    return {
      sortKey: [day, "", record.lineId, "", ""].join("|"),
      key: {
        lineId: record.lineId,
        equipmentId: null,
        shiftInstanceId: null,
        shiftName: null,
        day,
        week: null,
        productTypeId: null,
      },
      bucketCount: 1,
      result: combineGroup([record]),
    };
  });
}

export async function oeeAnalytics(prisma: PrismaClient, query: OeeAnalyticsQuery): Promise<OeeGroup[]> {
  const by = new Set(query.groupBy);
  if (query.page && by.size === 2 && by.has("LINE") && by.has("DAY") && !query.equipmentIds) {
    return lineDayPage(prisma, { ...query, page: query.page });
  }
  const shortRange = query.to.getTime() - query.from.getTime() < 7 * 86_400_000;
  const useShifts = by.has("SHIFT") || (!by.has("DAY") && !by.has("WEEK") && shortRange);
  const records = await prisma.oeeRecord.findMany({
    where: {
      bucket: useShifts ? "SHIFT" : "DAY",
      scope: by.has("EQUIPMENT") ? "EQUIPMENT" : "LINE",
      bucketStart: { gte: query.from, lt: query.to },
      subjectKey: by.has("PRODUCT_TYPE") ? { not: { endsWith: ":*" } } : { endsWith: ":*" },
      ...(query.lineIds ? { lineId: { in: [...query.lineIds] } } : {}),
      ...(query.equipmentIds ? { equipmentId: { in: [...query.equipmentIds] } } : {}),
    },
    orderBy: { bucketStart: "asc" },
  });
  const zones =
    by.has("DAY") || by.has("WEEK")
      ? await timeZonesOf(
          prisma,
          records.map((r) => r.lineId),
        )
      : null;
  const dayOf = zones ? localDatesOf(zones) : null;
  const shiftNames = new Map<string, string>();
  if (by.has("SHIFT")) {
    const instanceIds = [...new Set(records.flatMap((r) => (r.shiftInstanceId ? [r.shiftInstanceId] : [])))];
    const instances = await prisma.shiftInstance.findMany({
      where: { id: { in: instanceIds } },
      select: { id: true, shift: { select: { name: true } } },
    });
    for (const instance of instances) shiftNames.set(instance.id, instance.shift.name);
  }
  const groups = new Map<string, { key: OeeGroupKey; records: OeeRecord[] }>();
  for (const record of records) {
    const day = dayOf ? dayOf(record.lineId, record.bucketStart) : null;
    const key: OeeGroupKey = {
      lineId: by.has("LINE") || by.has("EQUIPMENT") ? record.lineId : null,
      equipmentId: by.has("EQUIPMENT") ? record.equipmentId : null,
      shiftInstanceId: by.has("SHIFT") ? record.shiftInstanceId : null,
      shiftName: by.has("SHIFT") && record.shiftInstanceId ? (shiftNames.get(record.shiftInstanceId) ?? null) : null,
      day: by.has("DAY") ? day : null,
      week: by.has("WEEK") && day ? isoWeekOf(day) : null,
      productTypeId: by.has("PRODUCT_TYPE") ? record.productTypeId : null,
    };
    // Time first, so pages of a trend read in order; the ids keep the key unique.
    const sortKey = [
      key.day ?? key.week ?? "",
      by.has("SHIFT") ? record.bucketStart.toISOString() : "",
      key.lineId ?? "",
      key.equipmentId ?? "",
      key.productTypeId ?? "",
    ].join("|");
    const group = groups.get(sortKey) ?? { key, records: [] };
    group.records.push(record);
    groups.set(sortKey, group);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([sortKey, group]) => ({
      sortKey,
      key: group.key,
      bucketCount: group.records.length,
      result: combineGroup(group.records),
    }));
}

/**
 * Buckets of one group combined. combineOee refuses overlapping windows (time counted twice); the
 * buckets of several lines or equipment overlap in time, so each subject's buckets are combined on
 * their own and the subjects' results then summed side by side on one shared window.
 */
function combineGroup(records: readonly GroupedRecord[]): OeeResult {
  // One bucket is its own result: combining it would sum it with nothing and derive the same ratios.
  if (records.length === 1) return oeeResultOfRecord(records[0]!);
  const bySubject = new Map<string, GroupedRecord[]>();
  for (const record of records) {
    const list = bySubject.get(record.subjectKey) ?? [];
    list.push(record);
    bySubject.set(record.subjectKey, list);
  }
  const perSubject = [...bySubject.values()].map((list) => combineRecords(list));
  if (perSubject.length === 1) return perSubject[0]!;
  return sumSideBySide(perSubject);
}

/** Several subjects' results over the same time as one: each laid end to end on its own window. */
function sumSideBySide(results: readonly OeeResult[]): OeeResult {
  let cursor = 0;
  const laidOut = results.map((result) => {
    const length = result.end - result.start;
    const moved = { ...result, start: cursor, end: cursor + length };
    cursor += length;
    return moved;
  });
  return combineOee(laidOut);
}
