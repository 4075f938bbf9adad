// OEE with A, P, Q and the six big losses over a range, grouped by any of line, equipment, shift,
// day, week and product type, read from the persisted SHIFT and DAY buckets (OeeRollup) and combined
// by production's combineOee: the figures of a report and of this query are the same code.
//
// Which buckets answer: SHIFT buckets when the grouping holds SHIFT, or holds neither DAY nor WEEK
// and the range is shorter than a week (a shift or a few: day buckets would not start inside it);
// DAY buckets otherwise (fewer rows for long ranges); the
// equipment's own buckets when it holds EQUIPMENT, the line's (its constraint's) otherwise; the
// per-product buckets when it holds PRODUCT_TYPE. A bucket belongs to the range when it starts in it.
import { type OeeRecord, type PrismaClient, runHotStatement } from "@ms5/db";
import { localToUtc } from "@ms5/db/local-time";
import { combineOee, type OeeResult } from "@ms5/production/oee";
import { combineRecords, type OeeRecordFigures, oeeResultOfRecord } from "../oee-rollup/oee-record-figures.ts";
import { isoWeekOf, localDateOf } from "../site-calendar/site-days.ts";
import type { AnalyticsRange } from "./analytics-range.ts";

export const OEE_GROUPINGS = ["LINE", "EQUIPMENT", "SHIFT", "DAY", "WEEK", "PRODUCT_TYPE"] as const;
export type OeeGrouping = (typeof OEE_GROUPINGS)[number];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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

/**
 * A line × day page straight from the DAY buckets through pg (runHotStatement), prepared once per
 * connection: Prisma's row mapping of 500 rows cost more than the statement. Only the figure columns
 * and the line's site zone (joined here, not asked for in a second round trip); `$3` is the keyset
 * start (null on a first page), `$4` the line id after which that start's own rows resume.
 */
const LINE_DAY_PAGE_COLUMNS = `r."lineId", r."subjectKey", r."bucketStart", r."bucketEnd", r."plannedProductionSeconds",
  r."runSeconds", r."idealCycleTimeSeconds", r."totalCount", r."goodCount", r."rejectCount", r.availability,
  r.performance, r.quality, r.oee, r."breakdownSeconds", r."setupAdjustmentSeconds", r."smallStopSeconds",
  r."reducedSpeedSeconds", r."startupRejectSeconds", r."productionRejectSeconds", s.timezone`;

export function lineDayPageStatement(options: { after: boolean; lines: boolean }): string {
  // The start bound is implied by the keyset condition; written out it gives the
  // (bucket, scope, bucketStart, lineId) index where to start, so a late page does not scan the
  // pages before it.
  const after = options.after
    ? `AND r."bucketStart" >= $3 AND (r."bucketStart" > $3 OR r."lineId" > $4::uuid)`
    : "AND $3::timestamptz IS NULL AND $4::uuid IS NULL";
  return `SELECT ${LINE_DAY_PAGE_COLUMNS}
    FROM oee_record r JOIN line l ON l.id = r."lineId" JOIN area a ON a.id = l."areaId" JOIN site s ON s.id = a."siteId"
    WHERE r.bucket = 'DAY' AND r.scope = 'LINE' AND r."subjectKey" LIKE '%:*'
      AND r."bucketStart" >= $1 AND r."bucketStart" < $2 ${after}
      ${options.lines ? `AND r."lineId" = ANY($5::uuid[])` : "AND $5::uuid[] IS NULL"}
    ORDER BY r."bucketStart", r."lineId" LIMIT $6`;
}

type LineDayRow = GroupedRecord & { lineId: string; timezone: string };

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
  let dayStart: Date | null = null;
  let afterLineId: string | null = null;
  if (query.page.after) {
    const [day, , lineId] = query.page.after.split("|");
    const [year, month, date] = (day ?? "").split("-").map(Number);
    if (!year || !month || !date || !lineId || !UUID.test(lineId)) return [];
    const zone = (await timeZonesOf(prisma, [lineId])).get(lineId) ?? "UTC";
    dayStart = localToUtc(year, month, date, 0, zone);
    afterLineId = lineId;
  }
  const lines = query.lineIds ? [...query.lineIds] : null;
  const variant = { after: dayStart !== null, lines: lines !== null };
  const records = await runHotStatement<LineDayRow>(prisma, {
    name: `reporting-oee-line-day-page-${variant.after ? "after" : "first"}-${variant.lines ? "lines" : "all"}`,
    text: lineDayPageStatement(variant),
    values: [query.from, query.to, dayStart, afterLineId, lines, query.page.first + 1],
  });
  const dayOf = localDatesOf(new Map(records.map((r) => [r.lineId, r.timezone])));
  return records.map((record) => {
    const day = dayOf(record.lineId, record.bucketStart);
    return {
      sortKey: `${day}||${record.lineId}||`,
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
