// Persisted OEE buckets, always recomputed from the event log (state changes, downtime events with
// their current reasons, counts), never patched by hand: a reclassified or split stop, or a late
// count, changes a bucket only by recomputing it.
import { type DbClient, type OeeBucket, type ProductSource, runHotStatement } from "@ms5/db";
import type { EquipmentState } from "@ms5/schema";
import { computeOee, type DowntimeInterval, fixedBuckets, type OeeResult, type SixBigLoss } from "../oee/index.ts";
import { countsAfterScrap } from "../oee/scrap-adjustment.ts";

export interface RecomputeRequest {
  equipmentId: string;
  from: Date;
  to: Date;
  bucket: Exclude<OeeBucket, "SHIFT" | "DAY">;
  /** Buckets are never computed past this instant (the future is not run time). @default now */
  now?: Date;
}

/** Recomputes and upserts every bucket of the range for the equipment, and for its line when it is the constraint. */
export async function recomputeOeeRecords(prisma: DbClient, request: RecomputeRequest): Promise<OeeResult[]> {
  const computed = await computeOeeRecords(prisma, request);
  await writeOeeRecords(prisma, computed);
  return computed.results;
}

/** The buckets of a recompute: their figures, once per window, and the subjects they are written for. */
export interface ComputedOeeRecords {
  lineId: string;
  bucket: Exclude<OeeBucket, "SHIFT" | "DAY">;
  results: OeeResult[];
  windows: OeeWindowFigures[];
  /** The equipment, and its line when it is the line's constraint: a line makes what its constraint makes. */
  subjects: { scope: "EQUIPMENT" | "LINE"; subjectKey: string; equipmentId: string | null }[];
}

/** Reads the range's event log and computes its buckets, writing nothing. */
export async function computeOeeRecords(prisma: DbClient, request: RecomputeRequest): Promise<ComputedOeeRecords> {
  const now = (request.now ?? new Date()).getTime();
  const equipment = await prisma.equipment.findUniqueOrThrow({
    where: { id: request.equipmentId },
    include: { line: true },
  });
  const range = { start: request.from.getTime(), end: Math.min(request.to.getTime(), now) };
  const computed: ComputedOeeRecords = {
    lineId: equipment.lineId,
    bucket: request.bucket,
    results: [],
    windows: [],
    subjects: [{ scope: "EQUIPMENT", subjectKey: `EQUIPMENT:${equipment.id}:*`, equipmentId: equipment.id }],
  };
  if (equipment.isConstraint) {
    computed.subjects.push({ scope: "LINE", subjectKey: `LINE:${equipment.lineId}:*`, equipmentId: null });
  }
  if (range.end <= range.start) return computed;

  const windows = fixedBuckets({ start: request.from, end: request.to }, request.bucket);
  const origin = windows[0]?.start ?? range.start;
  const size = windows.length > 0 ? windows[0]!.end - windows[0]!.start : 1;
  const [stateChanges, downtime, counts, workOrders, scrap, runningJobs] = await Promise.all([
    prisma.equipmentStateChange.findMany({
      where: {
        equipmentId: equipment.id,
        startedAt: { lt: new Date(range.end) },
        OR: [{ endedAt: null }, { endedAt: { gt: new Date(range.start) } }],
      },
      orderBy: { startedAt: "asc" },
    }),
    prisma.downtimeEvent.findMany({
      where: {
        equipmentId: equipment.id,
        supersededAt: null,
        startedAt: { lt: new Date(range.end) },
        OR: [{ endedAt: null }, { endedAt: { gt: new Date(range.start) } }],
      },
      include: { reasonCode: { select: { sixBigLoss: true } }, suggestedReasonCode: { select: { sixBigLoss: true } } },
    }),
    // Summed per window by PostgreSQL: a day of counts is tens of thousands of rows, a day of
    // minute windows 1,440 sums, and reading every row through the client cost more than the rest.
    prisma.$queryRaw<{ windowStart: number; good: number; reject: number }[]>`
      SELECT (${origin}::float8 + floor((extract(epoch FROM "recordedAt") * 1000 - ${origin}::float8) / ${size}::float8)
          * ${size}::float8)::float8 AS "windowStart",
        sum("goodDelta")::float8 AS good, sum("rejectDelta")::float8 AS reject
      FROM production_count
      WHERE "equipmentId" = ${equipment.id}::uuid
        AND "recordedAt" >= ${new Date(range.start).toISOString()}::timestamptz
        AND "recordedAt" < ${new Date(range.end).toISOString()}::timestamptz
      GROUP BY 1`,
    prisma.workOrder.findMany({
      where: {
        lineId: equipment.lineId,
        plannedStart: { lt: new Date(range.end) },
        plannedEnd: { gt: new Date(range.start) },
      },
      include: { productType: { select: { id: true, idealCycleTimeSeconds: true } } },
    }),
    // Units the PLC counted good and quality later scrapped or reworked, per window they were made in
    // (scrap-adjustment.ts moves them); PLC rejects scrapped again are left out: never counted twice.
    prisma.$queryRaw<{ windowStart: number; startup: number; production: number }[]>`
      SELECT (${origin}::float8 + floor((extract(epoch FROM "madeAt") * 1000 - ${origin}::float8) / ${size}::float8)
          * ${size}::float8)::float8 AS "windowStart",
        coalesce(sum(quantity) FILTER (WHERE "duringStartup"), 0)::float8 AS startup,
        coalesce(sum(quantity) FILTER (WHERE NOT "duringStartup"), 0)::float8 AS production
      FROM scrap_record
      WHERE "equipmentId" = ${equipment.id}::uuid AND NOT "plcCountedAsReject"
        AND "madeAt" >= ${new Date(range.start).toISOString()}::timestamptz
        AND "madeAt" < ${new Date(range.end).toISOString()}::timestamptz
      GROUP BY 1`,
    // Jobs with a work order that ran on this equipment (or on its whole line) during the range: what
    // the line really made, which the schedule only planned. One query per recompute, not per entry.
    prisma.jobAssignment.findMany({
      where: {
        lineId: equipment.lineId,
        OR: [{ equipmentId: equipment.id }, { equipmentId: null }],
        workOrderId: { not: null },
        status: { in: ["IN_PROGRESS", "COMPLETED", "CANCELLED"] },
        startedAt: { not: null, lt: new Date(range.end) },
        AND: [
          { OR: [{ completedAt: null }, { completedAt: { gt: new Date(range.start) } }] },
          { OR: [{ cancelledAt: null }, { cancelledAt: { gt: new Date(range.start) } }] },
        ],
      },
      select: {
        equipmentId: true,
        startedAt: true,
        completedAt: true,
        cancelledAt: true,
        workOrder: { select: { productType: { select: { id: true, idealCycleTimeSeconds: true } } } },
      },
    }),
  ]);

  // Equipment without a PLC reports no states: it counts as running except while a stop entered by
  // hand (recordManualStop) is open, so those stops lower its availability instead of vanishing into
  // unknown time. Recorded states, where there are any, still win.
  const states =
    equipment.plcId === null && stateChanges.length === 0
      ? [{ state: "RUNNING" as EquipmentState, start: new Date(range.start), end: new Date(range.end) }]
      : stateChanges.map((s) => ({ state: s.state as EquipmentState, start: s.startedAt, end: s.endedAt }));
  const stops: DowntimeInterval[] = downtime.map((d) => ({
    start: d.startedAt,
    end: d.endedAt,
    category: d.category,
    isMicroStop: d.isMicroStop,
    // The confirmed reason classifies the loss; until then, the suggestion does.
    sixBigLoss: (d.reasonCode?.sixBigLoss ?? d.suggestedReasonCode?.sixBigLoss ?? null) as SixBigLoss | null,
  }));
  const jobRuns: ProductRun[] = runningJobs.flatMap((job) =>
    job.startedAt && job.workOrder
      ? [
          {
            start: job.startedAt.getTime(),
            end: (job.completedAt ?? job.cancelledAt)?.getTime() ?? Number.POSITIVE_INFINITY,
            // A job on this equipment says more than one on the whole line.
            onEquipment: job.equipmentId !== null,
            productType: job.workOrder.productType,
          },
        ]
      : [],
  );
  const productOf = (start: number, end: number) => windowProduct(jobRuns, workOrders, equipment, start, end);

  const { results } = computed;
  const countsPerWindow = new Map(counts.map((sum) => [sum.windowStart, sum]));
  const scrapPerWindow = new Map(scrap.map((sum) => [sum.windowStart, sum]));
  const statesOf = overlapSweep(states);
  const stopsOf = overlapSweep(stops);
  for (const window of windows) {
    const end = Math.min(window.end, now);
    if (end <= window.start) continue;
    const inWindow = countsPerWindow.get(window.start) ?? { good: 0, reject: 0 };
    const { productSource, ...product } = productOf(window.start, end);
    const result = computeOee({
      window: { start: window.start, end },
      states: statesOf(window.start, end),
      downtime: stopsOf(window.start, end),
      counts: [
        {
          ...product,
          ...countsAfterScrap(
            { good: inWindow.good, reject: inWindow.reject },
            scrapPerWindow.get(window.start) ?? { startup: 0, production: 0 },
          ),
        },
      ],
    });
    results.push(result);
    computed.windows.push({
      ...recordFields(result),
      productTypeId: product.productTypeId,
      productSource,
      bucketStart: new Date(window.start),
      bucketEnd: new Date(window.end),
    });
  }
  return computed;
}

interface ProductRun {
  start: number;
  end: number;
  onEquipment: boolean;
  productType: { id: string; idealCycleTimeSeconds: number };
}

interface WindowProduct {
  productTypeId: string | null;
  idealCycleTimeSeconds: number;
  productSource: ProductSource | null;
}

/**
 * The product of a window: the job that ran longest in it (a job on the equipment before one on the
 * whole line), confirmed; with no job running, the work order scheduled at the window's start,
 * planned only; with neither, the equipment's nameplate rate and no product.
 */
function windowProduct(
  jobRuns: readonly ProductRun[],
  workOrders: readonly { plannedStart: Date; plannedEnd: Date; productType: ProductRun["productType"] }[],
  equipment: { targetSpeedPerMinute: number },
  start: number,
  end: number,
): WindowProduct {
  let longest: { run: ProductRun; seconds: number } | undefined;
  for (const run of jobRuns) {
    const seconds = Math.min(run.end, end) - Math.max(run.start, start);
    if (seconds <= 0) continue;
    const better =
      !longest ||
      (run.onEquipment && !longest.run.onEquipment) ||
      (run.onEquipment === longest.run.onEquipment && seconds > longest.seconds);
    if (better) longest = { run, seconds };
  }
  if (longest) {
    const { id, idealCycleTimeSeconds } = longest.run.productType;
    return { productTypeId: id, idealCycleTimeSeconds, productSource: "RUNNING_JOB" };
  }
  const order = workOrders.find((w) => w.plannedStart.getTime() <= start && start < w.plannedEnd.getTime());
  return order
    ? {
        productTypeId: order.productType.id,
        idealCycleTimeSeconds: order.productType.idealCycleTimeSeconds,
        productSource: "SCHEDULE",
      }
    : { productTypeId: null, idealCycleTimeSeconds: 60 / equipment.targetSpeedPerMinute, productSource: null };
}

/**
 * The intervals overlapping each of a series of increasing windows, in one pass: handing every
 * window the whole range's intervals made a day of minute buckets cost windows × intervals
 * (computeOee clips and sorts what it is given).
 */
function overlapSweep<Interval extends { start: Date | number; end: Date | number | null }>(
  intervals: readonly Interval[],
) {
  const ms = (t: Date | number) => (typeof t === "number" ? t : t.getTime());
  const byStart = [...intervals].sort((a, b) => ms(a.start) - ms(b.start));
  let next = 0;
  let active: Interval[] = [];
  return (start: number, end: number): Interval[] => {
    while (next < byStart.length && ms(byStart[next]!.start) < end) active.push(byStart[next++]!);
    active = active.filter((interval) => interval.end === null || ms(interval.end) > start);
    return active.filter((interval) => ms(interval.start) < end);
  };
}

type OeeWindowFigures = ReturnType<typeof recordFields> & {
  productTypeId: string | null;
  productSource: ProductSource | null;
  bucketStart: Date;
  bucketEnd: Date;
};

/**
 * Every bucket of a recompute in one INSERT ... ON CONFLICT DO UPDATE over unnest(arrays), each
 * window's figures sent once and written for every subject: a day of minute buckets is one
 * statement, not 2,880 upserts (runHotStatement: through pg outside a transaction).
 */
export async function writeOeeRecords(
  db: DbClient,
  { lineId, bucket, windows, subjects }: ComputedOeeRecords,
): Promise<void> {
  if (windows.length === 0) return;
  const column = <Key extends keyof OeeWindowFigures>(key: Key) => windows.map((window) => window[key]);
  const dates = (key: "bucketStart" | "bucketEnd") => windows.map((window) => window[key].toISOString());
  await runHotStatement(db, {
    name: "write-oee-records",
    text: WRITE_OEE_RECORDS_SQL,
    values: [
      lineId,
      bucket,
      subjects.map((subject) => subject.scope),
      subjects.map((subject) => subject.equipmentId),
      subjects.map((subject) => subject.subjectKey),
      column("productTypeId"),
      column("productSource"),
      dates("bucketStart"),
      dates("bucketEnd"),
      column("plannedProductionSeconds"),
      column("runSeconds"),
      column("idealCycleTimeSeconds"),
      column("totalCount"),
      column("goodCount"),
      column("rejectCount"),
      column("availability"),
      column("performance"),
      column("quality"),
      column("oee"),
      column("breakdownSeconds"),
      column("setupAdjustmentSeconds"),
      column("smallStopSeconds"),
      column("reducedSpeedSeconds"),
      column("startupRejectSeconds"),
      column("productionRejectSeconds"),
    ],
  });
}

const WRITE_OEE_RECORDS_SQL = `
  INSERT INTO oee_record (
    id, scope, "lineId", "equipmentId", "productTypeId", "productSource", "subjectKey", bucket, "bucketStart",
    "bucketEnd", "plannedProductionSeconds", "runSeconds", "idealCycleTimeSeconds", "totalCount", "goodCount",
    "rejectCount", availability, performance, quality, oee, "breakdownSeconds", "setupAdjustmentSeconds",
    "smallStopSeconds", "reducedSpeedSeconds", "startupRejectSeconds", "productionRejectSeconds", "computedAt"
  )
  SELECT gen_random_uuid(), s.scope, $1::uuid, s."equipmentId", r."productTypeId", r."productSource", s."subjectKey",
    $2::"OeeBucket", r."bucketStart", r."bucketEnd", r.planned, r.run, r.ideal, r.total, r.good, r.reject,
    r.a, r.p, r.q, r.oee, r.breakdown, r.setup, r.small, r.speed, r.startup, r.production, now()
  FROM unnest($3::"OeeScope"[], $4::uuid[], $5::text[]) AS s(scope, "equipmentId", "subjectKey")
  CROSS JOIN unnest(
    $6::uuid[], $7::"ProductSource"[], $8::timestamptz[], $9::timestamptz[],
    $10::float8[], $11::float8[], $12::float8[], $13::int[], $14::int[], $15::int[], $16::float8[],
    $17::float8[], $18::float8[], $19::float8[], $20::float8[], $21::float8[], $22::float8[], $23::float8[],
    $24::float8[], $25::float8[]
  ) AS r("productTypeId", "productSource", "bucketStart", "bucketEnd", planned, run, ideal,
    total, good, reject, a, p, q, oee, breakdown, setup, small, speed, startup, production)
  ON CONFLICT ("subjectKey", bucket, "bucketStart") DO UPDATE SET
    "productTypeId" = EXCLUDED."productTypeId",
    "productSource" = EXCLUDED."productSource",
    "plannedProductionSeconds" = EXCLUDED."plannedProductionSeconds",
    "runSeconds" = EXCLUDED."runSeconds",
    "idealCycleTimeSeconds" = EXCLUDED."idealCycleTimeSeconds",
    "totalCount" = EXCLUDED."totalCount",
    "goodCount" = EXCLUDED."goodCount",
    "rejectCount" = EXCLUDED."rejectCount",
    availability = EXCLUDED.availability,
    performance = EXCLUDED.performance,
    quality = EXCLUDED.quality,
    oee = EXCLUDED.oee,
    "breakdownSeconds" = EXCLUDED."breakdownSeconds",
    "setupAdjustmentSeconds" = EXCLUDED."setupAdjustmentSeconds",
    "smallStopSeconds" = EXCLUDED."smallStopSeconds",
    "reducedSpeedSeconds" = EXCLUDED."reducedSpeedSeconds",
    "startupRejectSeconds" = EXCLUDED."startupRejectSeconds",
    "productionRejectSeconds" = EXCLUDED."productionRejectSeconds",
    "computedAt" = EXCLUDED."computedAt"`;

function recordFields(result: OeeResult) {
  return {
    plannedProductionSeconds: result.plannedProductionSeconds,
    runSeconds: result.runSeconds,
    idealCycleTimeSeconds: result.idealCycleTimeSeconds,
    totalCount: result.totalCount,
    goodCount: result.goodCount,
    rejectCount: result.rejectCount,
    availability: result.availability,
    performance: result.performance,
    quality: result.quality,
    oee: result.oee,
    breakdownSeconds: result.breakdownSeconds,
    setupAdjustmentSeconds: result.setupAdjustmentSeconds,
    smallStopSeconds: result.smallStopSeconds,
    // Negative when the ideal cycle time is too slow (performance above 1, flagged in the result);
    // stored as no loss rather than a negative time.
    reducedSpeedSeconds: Math.max(0, result.reducedSpeedSeconds),
    startupRejectSeconds: result.startupRejectSeconds,
    productionRejectSeconds: result.productionRejectSeconds,
  };
}
