// Persisted OEE buckets, always recomputed from the event log (state changes, downtime events with
// their current reasons, counts), never patched by hand: a reclassified or split stop, or a late
// count, changes a bucket only by recomputing it.
import type { OeeBucket, PrismaClient } from "@ms5/db";
import type { EquipmentState } from "@ms5/schema";
import { computeOee, type DowntimeInterval, fixedBuckets, type OeeResult, type SixBigLoss } from "../oee/index.ts";

export interface RecomputeRequest {
  equipmentId: string;
  from: Date;
  to: Date;
  bucket: Exclude<OeeBucket, "SHIFT">;
  /** Buckets are never computed past this instant (the future is not run time). @default now */
  now?: Date;
}

/** Recomputes and upserts every bucket of the range for the equipment, and for its line when it is the constraint. */
export async function recomputeOeeRecords(prisma: PrismaClient, request: RecomputeRequest): Promise<OeeResult[]> {
  const now = (request.now ?? new Date()).getTime();
  const equipment = await prisma.equipment.findUniqueOrThrow({
    where: { id: request.equipmentId },
    include: { line: true },
  });
  const range = { start: request.from.getTime(), end: Math.min(request.to.getTime(), now) };
  if (range.end <= range.start) return [];

  const [stateChanges, downtime, counts, workOrders] = await Promise.all([
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
    prisma.productionCount.findMany({
      where: { equipmentId: equipment.id, recordedAt: { gte: new Date(range.start), lt: new Date(range.end) } },
      select: { recordedAt: true, goodDelta: true, rejectDelta: true },
    }),
    prisma.workOrder.findMany({
      where: {
        lineId: equipment.lineId,
        plannedStart: { lt: new Date(range.end) },
        plannedEnd: { gt: new Date(range.start) },
      },
      include: { productType: { select: { id: true, idealCycleTimeSeconds: true } } },
    }),
  ]);

  const states = stateChanges.map((s) => ({ state: s.state as EquipmentState, start: s.startedAt, end: s.endedAt }));
  const stops: DowntimeInterval[] = downtime.map((d) => ({
    start: d.startedAt,
    end: d.endedAt,
    category: d.category,
    isMicroStop: d.isMicroStop,
    // The confirmed reason classifies the loss; until then, the suggestion does.
    sixBigLoss: (d.reasonCode?.sixBigLoss ?? d.suggestedReasonCode?.sixBigLoss ?? null) as SixBigLoss | null,
  }));
  /** The product scheduled on the line at `t`, or the equipment's nameplate rate. */
  const productAt = (t: number) => {
    const order = workOrders.find((w) => w.plannedStart.getTime() <= t && t < w.plannedEnd.getTime());
    return order
      ? { productTypeId: order.productType.id, idealCycleTimeSeconds: order.productType.idealCycleTimeSeconds }
      : { productTypeId: null, idealCycleTimeSeconds: 60 / equipment.targetSpeedPerMinute };
  };

  const results: OeeResult[] = [];
  const windows = fixedBuckets({ start: request.from, end: request.to }, request.bucket);
  for (const window of windows) {
    const end = Math.min(window.end, now);
    if (end <= window.start) continue;
    const inWindow = counts.filter((c) => c.recordedAt.getTime() >= window.start && c.recordedAt.getTime() < end);
    const product = productAt(window.start);
    const result = computeOee({
      window: { start: window.start, end },
      states,
      downtime: stops,
      counts: [
        {
          ...product,
          good: inWindow.reduce((sum, c) => sum + c.goodDelta, 0),
          startupRejects: 0,
          productionRejects: inWindow.reduce((sum, c) => sum + c.rejectDelta, 0),
        },
      ],
    });
    results.push(result);
    const subjects: { scope: "EQUIPMENT" | "LINE"; subjectKey: string }[] = [
      { scope: "EQUIPMENT", subjectKey: `EQUIPMENT:${equipment.id}:*` },
    ];
    // A line makes what its constraint makes: the constraint's figures are the line's.
    if (equipment.isConstraint) subjects.push({ scope: "LINE", subjectKey: `LINE:${equipment.lineId}:*` });
    for (const subject of subjects) {
      const data = recordFields(result);
      await prisma.oeeRecord.upsert({
        where: {
          subjectKey_bucket_bucketStart: {
            subjectKey: subject.subjectKey,
            bucket: request.bucket,
            bucketStart: new Date(window.start),
          },
        },
        create: {
          scope: subject.scope,
          lineId: equipment.lineId,
          equipmentId: subject.scope === "EQUIPMENT" ? equipment.id : null,
          productTypeId: product.productTypeId,
          subjectKey: subject.subjectKey,
          bucket: request.bucket,
          bucketStart: new Date(window.start),
          bucketEnd: new Date(window.end),
          ...data,
        },
        update: { ...data, productTypeId: product.productTypeId, computedAt: new Date() },
      });
    }
  }
  return results;
}

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
