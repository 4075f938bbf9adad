// Recomputing control limits is an explicit, audited action (quality:manage): a chosen range of
// subgroups becomes the new frozen baseline; the limits it replaces are kept, marked superseded.
import type { PrismaClient, SpcControlLimits } from "@ms5/db";
import { InputInvalid, NotFound } from "@ms5/kit/subgraph";
import type { QualityActor } from "../checks/actor.ts";
import { auditQualityChange, checkedNote } from "../checks/inspection-plans.ts";
import { BaselineInvalid, type ControlChartType, computeControlLimits } from "../spc/control-limits.ts";

export async function freezeControlLimits(
  prisma: PrismaClient,
  actor: QualityActor,
  input: { characteristicId: string; firstSequence: number; lastSequence: number; reason: string },
  now: Date,
): Promise<SpcControlLimits> {
  const reason = checkedNote(input.reason, "reason");
  if (!reason) throw new InputInvalid("reason", "Say why the limits are recomputed.");
  if (
    !Number.isInteger(input.firstSequence) ||
    !Number.isInteger(input.lastSequence) ||
    input.firstSequence < 1 ||
    input.lastSequence < input.firstSequence
  ) {
    throw new InputInvalid("firstSequence", "The baseline is a range of subgroup sequences, first ≤ last.");
  }
  const characteristic = await prisma.qualityCharacteristic.findUnique({ where: { id: input.characteristicId } });
  if (!characteristic) throw new NotFound("characteristic", input.characteristicId);
  if (!characteristic.chartType)
    throw new InputInvalid("characteristicId", `${characteristic.name} has no control chart.`);
  const chartType = characteristic.chartType as ControlChartType;
  const baseline = await prisma.spcSubgroup.findMany({
    where: { characteristicId: characteristic.id, sequence: { gte: input.firstSequence, lte: input.lastSequence } },
    orderBy: { sequence: "asc" },
  });
  if (baseline.length === 0) throw new InputInvalid("firstSequence", "No subgroups in that range.");
  let limits: ReturnType<typeof computeControlLimits>;
  try {
    limits = computeControlLimits(
      chartType,
      characteristic.subgroupSize,
      baseline.map((s) => ({
        values: s.values,
        nonconforming: s.nonconforming ?? undefined,
        inspected: s.inspected ?? undefined,
      })),
    );
  } catch (error) {
    if (error instanceof BaselineInvalid) throw new InputInvalid("firstSequence", error.message);
    throw error;
  }
  return prisma.$transaction(async (tx) => {
    const previous = await tx.spcControlLimits.findFirst({
      where: { characteristicId: characteristic.id, supersededAt: null },
    });
    if (previous) await tx.spcControlLimits.update({ where: { id: previous.id }, data: { supersededAt: now } });
    const frozen = await tx.spcControlLimits.create({
      data: {
        characteristicId: characteristic.id,
        chartType,
        subgroupSize: characteristic.subgroupSize,
        centerLine: limits.location.center,
        upperControlLimit: limits.location.upper,
        lowerControlLimit: limits.location.lower,
        dispersionCenter: limits.dispersion?.center ?? null,
        dispersionUpper: limits.dispersion?.upper ?? null,
        dispersionLower: limits.dispersion?.lower ?? null,
        sigmaWithin: limits.sigmaWithin,
        baselineFirst: input.firstSequence,
        baselineLast: input.lastSequence,
        baselineCount: baseline.length,
        reason,
        frozenById: actor.userId,
        frozenAt: now,
      },
    });
    await auditQualityChange(
      tx,
      actor,
      "control-limits.freeze",
      "QualityCharacteristic",
      characteristic.id,
      previous,
      frozen,
    );
    return frozen;
  });
}
