// Defects found at the line: a code of the defect tree, where (line, equipment, job, work order), how
// many, with a note. The Pareto of a line counts them per code, largest first.
import type { DefectRecord, PrismaClient } from "@ms5/db";
import { InputInvalid, NotFound } from "@ms5/kit/subgraph";
import type { QualityActor } from "../checks/actor.ts";
import { checkedNote } from "../checks/inspection-plans.ts";

export interface DefectInput {
  defectCodeId: string;
  lineId: string;
  equipmentId?: string | null;
  jobId?: string | null;
  workOrderId?: string | null;
  quantity: number;
  note?: string | null;
}

export async function recordDefect(
  prisma: PrismaClient,
  actor: QualityActor,
  input: DefectInput,
  now: Date,
): Promise<DefectRecord> {
  if (!Number.isInteger(input.quantity) || input.quantity <= 0 || input.quantity > 1_000_000) {
    throw new InputInvalid("quantity", "A quantity is a whole number from 1 to 1,000,000.");
  }
  const note = checkedNote(input.note);
  const [code, line] = await Promise.all([
    prisma.defectCode.findUnique({ where: { id: input.defectCodeId } }),
    prisma.line.findUnique({ where: { id: input.lineId }, select: { id: true } }),
  ]);
  if (!code) throw new NotFound("defect code", input.defectCodeId);
  if (!code.active) throw new InputInvalid("defectCodeId", `Defect code ${code.code} is no longer used.`);
  if (!line) throw new NotFound("line", input.lineId);
  if (input.equipmentId) {
    const equipment = await prisma.equipment.findUnique({ where: { id: input.equipmentId }, select: { lineId: true } });
    if (!equipment) throw new NotFound("equipment", input.equipmentId);
    if (equipment.lineId !== line.id) throw new InputInvalid("equipmentId", "The equipment is not on that line.");
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
  return prisma.defectRecord.create({
    data: {
      defectCodeId: code.id,
      lineId: line.id,
      equipmentId: input.equipmentId ?? null,
      jobId: input.jobId ?? null,
      workOrderId: input.workOrderId ?? null,
      productTypeId,
      quantity: input.quantity,
      note,
      recordedById: actor.userId,
      recordedAt: now,
    },
  });
}

export interface ParetoBar {
  defectCodeId: string;
  quantity: number;
  /** Share of all defects in the range, 0–1. */
  share: number;
  /** Running share up to and including this bar. */
  cumulativeShare: number;
}

export async function defectPareto(prisma: PrismaClient, lineId: string, from: Date, to: Date): Promise<ParetoBar[]> {
  if (!(from < to)) throw new InputInvalid("from", "from must be before to.");
  const sums = await prisma.defectRecord.groupBy({
    by: ["defectCodeId"],
    where: { lineId, recordedAt: { gte: from, lt: to } },
    _sum: { quantity: true },
  });
  const bars = sums
    .map((row) => ({ defectCodeId: row.defectCodeId, quantity: row._sum.quantity ?? 0 }))
    .sort((a, b) => b.quantity - a.quantity || a.defectCodeId.localeCompare(b.defectCodeId));
  const total = bars.reduce((sum, bar) => sum + bar.quantity, 0);
  let running = 0;
  return bars.map((bar) => {
    running += bar.quantity;
    return { ...bar, share: total > 0 ? bar.quantity / total : 0, cumulativeShare: total > 0 ? running / total : 0 };
  });
}
