// Holds: quality puts a work order on hold, a person with quality:manage approves its disposition
// (use as is, rework, scrap) and releases it. Each step is a conditional update on the expected
// status, audited, so of two concurrent steps only one applies.
import type { HoldDisposition, PrismaClient, QualityHold, QualityHoldStatus } from "@ms5/db";
import { InputInvalid, NotFound } from "@ms5/kit/subgraph";
import type { QualityActor } from "../checks/actor.ts";
import { auditQualityChange, checkedNote } from "../checks/inspection-plans.ts";
import { QualityStateConflict } from "../quality-errors.ts";

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

export async function placeHold(
  prisma: PrismaClient,
  actor: QualityActor,
  input: { workOrderId: string; reason: string; quantity?: number | null },
  now: Date,
): Promise<QualityHold> {
  const reason = checkedNote(input.reason, "reason");
  if (!reason) throw new InputInvalid("reason", "Say why the work order is held.");
  if (
    input.quantity !== null &&
    input.quantity !== undefined &&
    (!Number.isInteger(input.quantity) || input.quantity <= 0)
  ) {
    throw new InputInvalid("quantity", "A held quantity is a whole number above 0.");
  }
  const order = await prisma.workOrder.findUnique({ where: { id: input.workOrderId }, select: { id: true } });
  if (!order) throw new NotFound("work order", input.workOrderId);
  try {
    return await prisma.$transaction(async (tx) => {
      const hold = await tx.qualityHold.create({
        data: {
          workOrderId: order.id,
          reason,
          quantity: input.quantity ?? null,
          placedById: actor.userId,
          placedAt: now,
        },
      });
      await auditQualityChange(tx, actor, "hold.place", "QualityHold", hold.id, null, hold);
      return hold;
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new QualityStateConflict("work order", order.id, "ON_HOLD", "The work order is on hold already.");
    }
    throw error;
  }
}

async function step(
  prisma: PrismaClient,
  actor: QualityActor,
  holdId: string,
  from: QualityHoldStatus,
  action: string,
  data: Partial<QualityHold>,
): Promise<QualityHold> {
  return prisma.$transaction(async (tx) => {
    const before = await tx.qualityHold.findUnique({ where: { id: holdId } });
    if (!before) throw new NotFound("hold", holdId);
    const { count } = await tx.qualityHold.updateMany({ where: { id: holdId, status: from }, data });
    if (count === 0) {
      throw new QualityStateConflict("hold", holdId, before.status, `The hold is ${before.status}, not ${from}.`);
    }
    const after = await tx.qualityHold.findUniqueOrThrow({ where: { id: holdId } });
    await auditQualityChange(tx, actor, action, "QualityHold", holdId, before, after);
    return after;
  });
}

/** Approves a disposition (quality:manage). */
export function dispositionHold(
  prisma: PrismaClient,
  actor: QualityActor,
  input: { holdId: string; disposition: HoldDisposition; note?: string | null },
  now: Date,
): Promise<QualityHold> {
  const note = checkedNote(input.note);
  return step(prisma, actor, input.holdId, "ON_HOLD", "hold.disposition", {
    status: "DISPOSITIONED",
    disposition: input.disposition,
    dispositionNote: note,
    dispositionById: actor.userId,
    dispositionAt: now,
  });
}

/** Releases a dispositioned hold (quality:manage). */
export function releaseHold(
  prisma: PrismaClient,
  actor: QualityActor,
  holdId: string,
  now: Date,
): Promise<QualityHold> {
  return step(prisma, actor, holdId, "DISPOSITIONED", "hold.release", {
    status: "RELEASED",
    releasedById: actor.userId,
    releasedAt: now,
  });
}
