// Keeps the SHIFT and DAY OEE buckets current. Each pass:
//   1. closes hours: production's recomputeOeeRecords builds every equipment's HOUR buckets from the
//      event log up to now (production itself only keeps its constraints' current hour live);
//   2. late counts: production counts committed since the last pass into an hour already closed
//      (a bridge that buffered while Redis was away) recompute that hour the same way;
//   3. rolls every HOUR bucket computed since the last pass (by 1, 2, or production's own
//      recomputes after a split, merge, reclassification or scrap) into the SHIFT instances and
//      site-local DAYs holding it, by production's combineOee.
// Every pass is idempotent (recomputes, never increments), so two instances running it at once, or
// a pass repeated after a crash, write the same rows.
import type { OeeRecord, PrismaClient } from "@ms5/db";
import type { Logger } from "@ms5/kit";
import { recomputeOeeRecords } from "@ms5/production/oee-records";
import { OEE_ROLLUP_DEFAULTS, type OeeRollupSettings } from "../reporting-defaults.ts";
import { localDaysOverlapping } from "../site-calendar/site-days.ts";
import { combineRecords, type OeeRecordFigures, recordFiguresOf } from "./oee-record-figures.ts";

const HOUR_MS = 3_600_000;
const floorHour = (t: number) => Math.floor(t / HOUR_MS) * HOUR_MS;

export interface RolledWindow {
  bucket: "SHIFT" | "DAY";
  start: Date;
  end: Date;
  shiftInstanceId: string | null;
}

export interface OeeRollupPass {
  hoursClosed: number;
  lateCountHours: number;
  hourBucketsRolled: number;
  windowsWritten: number;
}

export interface OeeRollupOptions {
  prisma: PrismaClient;
  logger: Logger;
  settings?: Partial<OeeRollupSettings>;
  /** @default the system clock */
  now?: () => Date;
}

export class OeeRollup {
  readonly #prisma: PrismaClient;
  readonly #logger: Logger;
  readonly #settings: OeeRollupSettings;
  readonly #now: () => Date;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #stopped = false;

  constructor(options: OeeRollupOptions) {
    this.#prisma = options.prisma;
    this.#logger = options.logger;
    this.#settings = { ...OEE_ROLLUP_DEFAULTS, ...options.settings };
    this.#now = options.now ?? (() => new Date());
  }

  /** Runs a pass now and then every `intervalMs`; a failed pass is logged and retried next time. */
  start(): void {
    const loop = async () => {
      if (this.#stopped) return;
      this.#running = this.runPass().catch((error: unknown) => this.#logger.error({ err: error }, "OEE rollup failed"));
      await this.#running;
      if (!this.#stopped) this.#timer = setTimeout(loop, this.#settings.intervalMs);
    };
    void loop();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /** One pass (see the top of this file). */
  async runPass(): Promise<OeeRollupPass> {
    const now = this.#now();
    const hoursClosed = await this.closeHours(now);
    const lateCountHours = await this.recomputeLateCounts(now);
    const { hourBuckets, windows } = await this.rollUpChangedHours();
    const pass = { hoursClosed, lateCountHours, hourBucketsRolled: hourBuckets, windowsWritten: windows };
    this.#logger.debug(pass, "OEE rollup pass");
    return pass;
  }

  /** Every active equipment's HOUR buckets from its mark to now, recomputed from the event log. */
  async closeHours(now: Date): Promise<number> {
    const equipment = await this.#prisma.equipment.findMany({ where: { active: true }, select: { id: true } });
    const marks = await this.#marks(equipment.map((e) => `hours:${e.id}`));
    const currentHour = floorHour(now.getTime());
    let hours = 0;
    for (const { id } of equipment) {
      const mark = marks.get(`hours:${id}`);
      const from = mark ? mark.markedAt.getTime() : currentHour - this.#settings.initialHistoryHours * HOUR_MS;
      await recomputeOeeRecords(this.#prisma, {
        equipmentId: id,
        from: new Date(from),
        to: new Date(currentHour + HOUR_MS),
        bucket: "HOUR",
        now,
      });
      hours += (currentHour + HOUR_MS - from) / HOUR_MS;
      // The current hour stays open: the next pass recomputes it again.
      await this.#setMark(`hours:${id}`, new Date(currentHour), 0n);
    }
    return hours;
  }

  /** Hours before the current one that received production counts since the last pass. */
  async recomputeLateCounts(now: Date): Promise<number> {
    const mark = (await this.#marks(["counts"])).get("counts");
    if (!mark) {
      // The first pass starts after the newest count: closeHours built the history it covers.
      const [newest] = await this.#prisma.$queryRaw<
        { id: bigint | null }[]
      >`SELECT max(id) AS id FROM production_count`;
      await this.#setMark("counts", now, newest?.id ?? 0n);
      return 0;
    }
    const rows = await this.#prisma.$queryRaw<{ id: bigint; equipmentId: string; hour: number }[]>`
      SELECT id, "equipmentId"::text AS "equipmentId",
        (floor(extract(epoch FROM "recordedAt") / 3600) * 3600000)::float8 AS hour
      FROM production_count WHERE id > ${mark.sequence} ORDER BY id LIMIT ${this.#settings.lateCountBatchSize}`;
    if (rows.length === 0) return 0;
    const currentHour = floorHour(now.getTime());
    const late = new Map<string, Set<number>>();
    for (const row of rows) {
      if (row.hour >= currentHour) continue;
      const hours = late.get(row.equipmentId) ?? new Set<number>();
      hours.add(row.hour);
      late.set(row.equipmentId, hours);
    }
    let recomputed = 0;
    for (const [equipmentId, hours] of late) {
      for (const span of consecutiveSpans([...hours].sort((a, b) => a - b))) {
        await recomputeOeeRecords(this.#prisma, {
          equipmentId,
          from: new Date(span.start),
          to: new Date(span.end),
          bucket: "HOUR",
          now,
        });
        recomputed += (span.end - span.start) / HOUR_MS;
      }
    }
    await this.#setMark("counts", now, rows.at(-1)!.id);
    return recomputed;
  }

  /** HOUR buckets computed since the last mark, rolled into their SHIFT and DAY windows. */
  async rollUpChangedHours(): Promise<{ hourBuckets: number; windows: number }> {
    const mark = (await this.#marks(["rolled"])).get("rolled");
    const since = new Date((mark?.markedAt.getTime() ?? 0) - this.#settings.rescanMarginMs);
    const changed = await this.#prisma.$queryRaw<
      { lineId: string; subjectKey: string; bucketStart: Date; computedAt: Date }[]
    >`
      SELECT "lineId"::text AS "lineId", "subjectKey", "bucketStart", "computedAt" FROM oee_record
      WHERE bucket = 'HOUR' AND "computedAt" > ${since} AND "subjectKey" LIKE '%:*'`;
    if (changed.length === 0) return { hourBuckets: 0, windows: 0 };
    const hoursBySubject = new Map<string, { lineId: string; hours: number[] }>();
    let newest = mark?.markedAt.getTime() ?? 0;
    for (const row of changed) {
      const subject = hoursBySubject.get(row.subjectKey) ?? { lineId: row.lineId, hours: [] };
      subject.hours.push(row.bucketStart.getTime());
      hoursBySubject.set(row.subjectKey, subject);
      newest = Math.max(newest, row.computedAt.getTime());
    }
    let windows = 0;
    for (const [subjectKey, { lineId, hours }] of hoursBySubject) {
      windows += await this.rollUpSubject(lineId, subjectKey, hours);
    }
    await this.#setMark("rolled", new Date(newest), 0n);
    return { hourBuckets: changed.length, windows };
  }

  /** Rewrites the SHIFT and DAY buckets of one subject that hold any of `hourStarts`. */
  async rollUpSubject(lineId: string, subjectKey: string, hourStarts: readonly number[]): Promise<number> {
    const windows = await this.windowsHolding(lineId, hourStarts);
    if (windows.length === 0) return 0;
    const from = new Date(Math.min(...windows.map((w) => w.start.getTime())));
    const to = new Date(Math.max(...windows.map((w) => w.end.getTime())));
    const hours = await this.#prisma.oeeRecord.findMany({
      where: { subjectKey, bucket: "HOUR", bucketStart: { gte: from, lt: to } },
      orderBy: { bucketStart: "asc" },
    });
    const [scope, subjectId] = subjectKey.split(":") as ["EQUIPMENT" | "LINE", string];
    let written = 0;
    for (const window of windows) {
      const inWindow = hours.filter((h) => h.bucketStart >= window.start && h.bucketStart < window.end);
      if (inWindow.length === 0) continue;
      const products = new Set(inWindow.map((h) => h.productTypeId));
      const only = products.size === 1 ? [...products][0]! : null;
      await this.#write(lineId, scope, subjectId, `${scope}:${subjectId}:*`, only, window, inWindow);
      written++;
      for (const productTypeId of products) {
        if (productTypeId === null) continue;
        const ofProduct = inWindow.filter((h) => h.productTypeId === productTypeId);
        await this.#write(
          lineId,
          scope,
          subjectId,
          `${scope}:${subjectId}:${productTypeId}`,
          productTypeId,
          window,
          ofProduct,
        );
        written++;
      }
    }
    return written;
  }

  /** The shift instances of the line's site and the site-local days whose windows hold the hours. */
  async windowsHolding(lineId: string, hourStarts: readonly number[]): Promise<RolledWindow[]> {
    if (hourStarts.length === 0) return [];
    const line = await this.#prisma.line.findUniqueOrThrow({
      where: { id: lineId },
      select: { area: { select: { site: { select: { id: true, timezone: true } } } } },
    });
    const site = line.area.site;
    const first = Math.min(...hourStarts);
    const last = Math.max(...hourStarts);
    const days = localDaysOverlapping(new Date(first), new Date(last + 1), site.timezone);
    const shifts = await this.#prisma.shiftInstance.findMany({
      where: {
        shift: { pattern: { siteId: site.id } },
        startsAt: { lte: new Date(last) },
        endsAt: { gt: new Date(first) },
      },
      select: { id: true, startsAt: true, endsAt: true },
    });
    const holdsAny = (start: Date, end: Date) => hourStarts.some((h) => h >= start.getTime() && h < end.getTime());
    return [
      ...days
        .filter((day) => holdsAny(day.start, day.end))
        .map((day) => ({ bucket: "DAY" as const, start: day.start, end: day.end, shiftInstanceId: null })),
      ...shifts
        .filter((shift) => holdsAny(shift.startsAt, shift.endsAt))
        .map((shift) => ({
          bucket: "SHIFT" as const,
          start: shift.startsAt,
          end: shift.endsAt,
          shiftInstanceId: shift.id,
        })),
    ];
  }

  async #write(
    lineId: string,
    scope: "EQUIPMENT" | "LINE",
    subjectId: string,
    subjectKey: string,
    productTypeId: string | null,
    window: RolledWindow,
    hours: readonly OeeRecord[],
  ): Promise<void> {
    const figures = recordFiguresOf(combineRecords(hours as readonly OeeRecordFigures[]));
    const identity = {
      scope,
      lineId,
      equipmentId: scope === "EQUIPMENT" ? subjectId : null,
      productTypeId,
      subjectKey,
      bucket: window.bucket,
      bucketStart: window.start,
      bucketEnd: window.end,
      shiftInstanceId: window.shiftInstanceId,
    };
    await this.#prisma.oeeRecord.upsert({
      where: { subjectKey_bucket_bucketStart: { subjectKey, bucket: window.bucket, bucketStart: window.start } },
      create: { ...identity, ...figures },
      update: { ...figures, productTypeId, bucketEnd: window.end, computedAt: new Date() },
    });
  }

  async #marks(keys: readonly string[]) {
    const rows = await this.#prisma.oeeRollupMark.findMany({ where: { key: { in: [...keys] } } });
    return new Map(rows.map((row) => [row.key, row]));
  }

  async #setMark(key: string, markedAt: Date, sequence: bigint): Promise<void> {
    await this.#prisma.oeeRollupMark.upsert({
      where: { key },
      create: { key, markedAt, sequence },
      update: { markedAt, sequence },
    });
  }
}

/** Sorted hour starts as runs of consecutive hours, [start, end). */
function consecutiveSpans(hours: readonly number[]): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  for (const hour of hours) {
    const last = spans.at(-1);
    if (last && last.end === hour) last.end = hour + HOUR_MS;
    else spans.push({ start: hour, end: hour + HOUR_MS });
  }
  return spans;
}
