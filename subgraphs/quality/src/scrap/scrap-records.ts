// Scrap and rework recorded at the line (scrap:record): quantity, reason or defect code, startup or
// production, when the units were made and whether the PLC already counted them as rejects. OEE is
// the production subgraph's: this appends a notice to the plant's scrap stream, and production
// recomputes the bucket where the units were made (its OEE definition moves units the PLC counted
// good, and only those, from good to reject) and publishes oeeUpdated.
import type { Disposition, PrismaClient, ScrapRecord } from "@ms5/db";
import type { Logger, RedisClient } from "@ms5/kit";
import { InputInvalid, NotFound } from "@ms5/kit/subgraph";
import { type ScrapRecordedEntry, STREAM_SCHEMA_VERSION, scrapStreamKey } from "@ms5/schema";
import type { QualityActor } from "../checks/actor.ts";
import { checkedNote } from "../checks/inspection-plans.ts";

export interface ScrapInput {
  lineId: string;
  equipmentId?: string | null;
  workOrderId?: string | null;
  jobId?: string | null;
  defectCodeId?: string | null;
  disposition: Disposition;
  quantity: number;
  duringStartup?: boolean | null;
  /** When the units were made. @default now */
  madeAt?: Date | null;
  plcCountedAsReject: boolean;
  reason?: string | null;
  note?: string | null;
}

/** How far back scrap may be dated. @default 7 days */
export const MAX_SCRAP_AGE_MS = 7 * 24 * 3_600_000;

export async function recordScrap(
  prisma: PrismaClient,
  actor: QualityActor,
  input: ScrapInput,
  now: Date,
): Promise<ScrapRecord> {
  if (!Number.isInteger(input.quantity) || input.quantity <= 0 || input.quantity > 1_000_000) {
    throw new InputInvalid("quantity", "A quantity is a whole number from 1 to 1,000,000.");
  }
  const madeAt = input.madeAt ?? now;
  if (madeAt.getTime() > now.getTime() + 60_000)
    throw new InputInvalid("madeAt", "Units cannot be made in the future.");
  if (madeAt.getTime() < now.getTime() - MAX_SCRAP_AGE_MS)
    throw new InputInvalid("madeAt", "Scrap is recorded within 7 days of making.");
  const note = checkedNote(input.note);
  const reason = checkedNote(input.reason, "reason");
  const line = await prisma.line.findUnique({
    where: { id: input.lineId },
    select: { id: true, equipment: { where: { isConstraint: true }, select: { id: true } } },
  });
  if (!line) throw new NotFound("line", input.lineId);
  let equipmentId = input.equipmentId ?? null;
  if (equipmentId) {
    const equipment = await prisma.equipment.findUnique({ where: { id: equipmentId }, select: { lineId: true } });
    if (!equipment) throw new NotFound("equipment", equipmentId);
    if (equipment.lineId !== line.id) throw new InputInvalid("equipmentId", "The equipment is not on that line.");
  } else {
    // A line makes what its constraint makes: scrap of the line counts against the constraint's buckets.
    equipmentId = line.equipment[0]?.id ?? null;
  }
  let productTypeId: string | null = null;
  if (input.workOrderId) {
    const order = await prisma.workOrder.findUnique({
      where: { id: input.workOrderId },
      select: { lineId: true, productTypeId: true },
    });
    if (!order) throw new NotFound("work order", input.workOrderId);
    if (order.lineId !== line.id) throw new InputInvalid("workOrderId", "The work order is for another line.");
    productTypeId = order.productTypeId;
  }
  if (input.defectCodeId) {
    const code = await prisma.defectCode.findUnique({ where: { id: input.defectCodeId }, select: { id: true } });
    if (!code) throw new NotFound("defect code", input.defectCodeId);
  }
  return prisma.scrapRecord.create({
    data: {
      lineId: line.id,
      equipmentId,
      workOrderId: input.workOrderId ?? null,
      jobId: input.jobId ?? null,
      productTypeId,
      defectCodeId: input.defectCodeId ?? null,
      disposition: input.disposition,
      quantity: input.quantity,
      duringStartup: input.duringStartup ?? false,
      madeAt,
      plcCountedAsReject: input.plcCountedAsReject,
      reason,
      note,
      reportedById: actor.userId,
      reportedAt: now,
    },
  });
}

/** Tells production a scrap record changed the OEE of the bucket its units were made in. */
export async function announceScrap(
  redis: RedisClient,
  keyPrefix: string,
  scrap: ScrapRecord,
  logger: Logger,
): Promise<void> {
  if (!scrap.equipmentId) return;
  const entry: ScrapRecordedEntry = {
    v: STREAM_SCHEMA_VERSION,
    type: "scrap-recorded",
    scrapId: scrap.id,
    lineId: scrap.lineId,
    equipmentId: scrap.equipmentId,
    madeAt: String(scrap.madeAt.getTime()),
  };
  try {
    await redis.xAdd(
      scrapStreamKey(keyPrefix),
      "*",
      { ...entry },
      {
        TRIM: { strategy: "MAXLEN", strategyModifier: "~", threshold: 10_000 },
      },
    );
  } catch (error) {
    // The record is committed; production's periodic recompute of the hour picks it up anyway.
    logger.warn({ err: error, scrapId: scrap.id }, "could not announce a scrap record to production");
  }
}

/**
 * First-pass yield: the share of units made that came out good the first time: (good counted by
 * the PLC − units later scrapped or reworked that the PLC had counted good) / (good + rejects counted).
 */
export function firstPassYield(figures: {
  good: number;
  reject: number;
  scrappedOrReworkedFromGood: number;
}): number | null {
  const made = figures.good + figures.reject;
  if (made <= 0) return null;
  const firstPassGood = Math.max(0, figures.good - figures.scrappedOrReworkedFromGood);
  return firstPassGood / made;
}

export interface FirstPassYieldFigures {
  unitsMade: number;
  firstPassGood: number;
  /** null when nothing was made. */
  yield: number | null;
}

export async function firstPassYieldOf(
  prisma: PrismaClient,
  query: { lineId: string; from: Date; to: Date; productTypeId?: string | null },
): Promise<FirstPassYieldFigures> {
  if (!(query.from < query.to)) throw new InputInvalid("from", "from must be before to.");
  const constraint = await prisma.equipment.findFirst({
    where: { lineId: query.lineId, isConstraint: true },
    select: { id: true },
  });
  if (!constraint) return { unitsMade: 0, firstPassGood: 0, yield: null };
  const window = { gte: query.from, lt: query.to };
  const product = query.productTypeId ? { productTypeId: query.productTypeId } : {};
  const [counts, scrap] = await Promise.all([
    prisma.productionCount.aggregate({
      where: { equipmentId: constraint.id, recordedAt: window, ...product },
      _sum: { goodDelta: true, rejectDelta: true },
    }),
    prisma.scrapRecord.aggregate({
      where: { equipmentId: constraint.id, madeAt: window, plcCountedAsReject: false, ...product },
      _sum: { quantity: true },
    }),
  ]);
  const good = counts._sum.goodDelta ?? 0;
  const reject = counts._sum.rejectDelta ?? 0;
  const scrapped = scrap._sum.quantity ?? 0;
  return {
    unitsMade: good + reject,
    firstPassGood: Math.max(0, good - scrapped),
    yield: firstPassYield({ good, reject, scrappedOrReworkedFromGood: scrapped }),
  };
}
