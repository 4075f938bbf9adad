// Inspection plans (per product type, optionally per line and equipment) and their characteristics:
// variables with nominal, spec limits, unit, decimals and subgroup size, or attributes; the sampling
// rules that make checks fall due; the chart and run rules of each characteristic. Every change is
// validated in full before anything is written, and audited.
import type { CharacteristicType, ControlChartType, Prisma, PrismaClient, QualityCharacteristic } from "@ms5/db";
import { InputInvalid, NotFound } from "@ms5/kit/subgraph";
import { isRunRule } from "../spc/run-rules.ts";
import type { QualityActor } from "./actor.ts";
import { withProductSpecDefaults } from "./product-spec-defaults.ts";
import { QUALITY_DEFAULTS } from "./quality-defaults.ts";

export interface CharacteristicInput {
  name: string;
  type: CharacteristicType;
  unit?: string | null;
  nominal?: number | null;
  lowerSpec?: number | null;
  upperSpec?: number | null;
  decimals?: number | null;
  subgroupSize?: number | null;
  chartType?: ControlChartType | null;
  spcRules?: readonly string[] | null;
  liveSignal?: string | null;
  andonOnOutOfSpec?: boolean | null;
}

export interface InspectionPlanInput {
  name: string;
  productTypeId: string;
  lineId: string;
  equipmentId?: string | null;
  frequencyMinutes?: number | null;
  everyGoodUnits?: number | null;
  firstOffAtJobStart?: boolean | null;
  oncePerShift?: boolean | null;
  overdueAfterMinutes?: number | null;
  requiresSignature?: boolean | null;
  sampleSize?: number | null;
  characteristics: readonly CharacteristicInput[];
}

const isFiniteOrNull = (value: number | null | undefined) =>
  value === null || value === undefined || Number.isFinite(value);

function positiveIntegerOrNull(value: number | null | undefined, field: string, max = 1_000_000): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isInteger(value) || value <= 0 || value > max) {
    throw new InputInvalid(field, `${field} is a whole number from 1 to ${max}.`);
  }
  return value;
}

/** The spec limits and chart settings of a characteristic, checked; throws InputInvalid. */
export function checkedCharacteristic(input: CharacteristicInput, field: string) {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 200) throw new InputInvalid(`${field}.name`, "A name is 1 to 200 characters.");
  for (const key of ["nominal", "lowerSpec", "upperSpec"] as const) {
    if (!isFiniteOrNull(input[key])) throw new InputInvalid(`${field}.${key}`, `${key} must be a finite number.`);
  }
  const lowerSpec = input.lowerSpec ?? null;
  const upperSpec = input.upperSpec ?? null;
  if (lowerSpec !== null && upperSpec !== null && lowerSpec >= upperSpec) {
    throw new InputInvalid(
      `${field}.lowerSpec`,
      `The lower spec limit ${lowerSpec} must be below the upper ${upperSpec}.`,
    );
  }
  const nominal = input.nominal ?? null;
  if (
    nominal !== null &&
    ((lowerSpec !== null && nominal < lowerSpec) || (upperSpec !== null && nominal > upperSpec))
  ) {
    throw new InputInvalid(`${field}.nominal`, "The nominal must lie within the spec limits.");
  }
  const decimals = input.decimals ?? 2;
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 6) {
    throw new InputInvalid(`${field}.decimals`, "Decimals are 0 to 6.");
  }
  const subgroupSize = input.subgroupSize ?? 1;
  if (!Number.isInteger(subgroupSize) || subgroupSize < 1 || subgroupSize > 25) {
    throw new InputInvalid(`${field}.subgroupSize`, "A subgroup is 1 to 25 measurements.");
  }
  const chartType = input.chartType ?? null;
  if (chartType !== null) {
    const variables = chartType === "XBAR_R" || chartType === "XBAR_S" || chartType === "I_MR";
    if (variables !== (input.type === "VARIABLE")) {
      throw new InputInvalid(`${field}.chartType`, `A ${chartType} chart does not fit a ${input.type} characteristic.`);
    }
    const fits =
      !variables ||
      (chartType === "I_MR" && subgroupSize === 1) ||
      (chartType === "XBAR_R" && subgroupSize >= 2 && subgroupSize <= 10) ||
      (chartType === "XBAR_S" && subgroupSize > 10);
    if (!fits) {
      throw new InputInvalid(
        `${field}.chartType`,
        `A ${chartType} chart takes ${chartType === "I_MR" ? "single values" : chartType === "XBAR_R" ? "subgroups of 2 to 10" : "subgroups above 10"}, not ${subgroupSize}.`,
      );
    }
  }
  const spcRules = [...new Set(input.spcRules ?? [])];
  for (const rule of spcRules) {
    if (!isRunRule(rule)) throw new InputInvalid(`${field}.spcRules`, `${rule} is not a run rule (WE1-WE4, N5-N8).`);
  }
  return {
    name,
    type: input.type,
    unit: input.unit?.trim() || null,
    nominal,
    lowerSpec,
    upperSpec,
    decimals,
    subgroupSize,
    chartType,
    spcRules,
    liveSignal: input.liveSignal?.trim() || null,
    andonOnOutOfSpec: input.andonOnOutOfSpec ?? false,
  };
}

async function audit(
  tx: Prisma.TransactionClient,
  actor: QualityActor,
  action: string,
  entityType: string,
  entityId: string,
  before: unknown,
  after: unknown,
) {
  await tx.auditLog.create({
    data: {
      actorUserId: actor.userId,
      action,
      entityType,
      entityId,
      before: before === null ? undefined : (JSON.parse(JSON.stringify(before)) as Prisma.InputJsonValue),
      after: after === null ? undefined : (JSON.parse(JSON.stringify(after)) as Prisma.InputJsonValue),
    },
  });
}

export { audit as auditQualityChange };

export async function createInspectionPlan(prisma: PrismaClient, actor: QualityActor, input: InspectionPlanInput) {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 200) throw new InputInvalid("name", "A name is 1 to 200 characters.");
  if (input.characteristics.length === 0 || input.characteristics.length > 50) {
    throw new InputInvalid("characteristics", "A plan has 1 to 50 characteristics.");
  }
  const givenOrDefault = await withProductSpecDefaults(prisma, input.productTypeId, input.characteristics);
  const characteristics = givenOrDefault.map((c, i) => checkedCharacteristic(c, `characteristics.${i}`));
  const sampleSize = positiveIntegerOrNull(input.sampleSize, "sampleSize", 25) ?? 1;
  for (const [i, c] of characteristics.entries()) {
    if (
      c.liveSignal === null &&
      c.chartType !== null &&
      c.chartType !== "C" &&
      c.chartType !== "U" &&
      c.subgroupSize > sampleSize
    ) {
      throw new InputInvalid(
        `characteristics.${i}.subgroupSize`,
        `A check takes ${sampleSize} samples; a subgroup of ${c.subgroupSize} cannot form.`,
      );
    }
  }
  const overdueAfterMinutes = positiveIntegerOrNull(input.overdueAfterMinutes, "overdueAfterMinutes", 24 * 60) ?? 15;
  const [product, line] = await Promise.all([
    prisma.productType.findUnique({ where: { id: input.productTypeId }, select: { id: true } }),
    prisma.line.findUnique({ where: { id: input.lineId }, select: { id: true } }),
  ]);
  if (!product) throw new NotFound("product type", input.productTypeId);
  if (!line) throw new NotFound("line", input.lineId);
  if (input.equipmentId) {
    const equipment = await prisma.equipment.findUnique({ where: { id: input.equipmentId }, select: { lineId: true } });
    if (!equipment) throw new NotFound("equipment", input.equipmentId);
    if (equipment.lineId !== line.id) throw new InputInvalid("equipmentId", "The equipment is not on the plan's line.");
  }
  const latest = await prisma.qualityCheckTemplate.findFirst({ where: { name }, orderBy: { version: "desc" } });
  return prisma.$transaction(async (tx) => {
    const plan = await tx.qualityCheckTemplate.create({
      data: {
        name,
        version: (latest?.version ?? 0) + 1,
        productTypeId: product.id,
        lineId: line.id,
        equipmentId: input.equipmentId ?? null,
        frequencyMinutes: positiveIntegerOrNull(input.frequencyMinutes, "frequencyMinutes", 24 * 60),
        everyGoodUnits: positiveIntegerOrNull(input.everyGoodUnits, "everyGoodUnits"),
        firstOffAtJobStart: input.firstOffAtJobStart ?? false,
        oncePerShift: input.oncePerShift ?? false,
        overdueAfterMinutes,
        requiresSignature: input.requiresSignature ?? false,
        sampleSize,
        characteristics: { create: characteristics.map((c, position) => ({ ...c, position })) },
      },
      include: { characteristics: true },
    });
    // An older version of the same plan stops making checks.
    if (latest)
      await tx.qualityCheckTemplate.updateMany({ where: { name, id: { not: plan.id } }, data: { active: false } });
    await audit(tx, actor, "inspection-plan.create", "QualityCheckTemplate", plan.id, null, plan);
    return plan;
  });
}

export interface CharacteristicChange {
  characteristicId: string;
  nominal?: number | null;
  lowerSpec?: number | null;
  upperSpec?: number | null;
  decimals?: number | null;
  chartType?: ControlChartType | null;
  spcRules?: readonly string[] | null;
  andonOnOutOfSpec?: boolean | null;
}

/** Changes spec limits or chart settings (quality:manage); the change is audited with before and after. */
export async function changeCharacteristic(
  prisma: PrismaClient,
  actor: QualityActor,
  change: CharacteristicChange,
): Promise<QualityCharacteristic> {
  const current = await prisma.qualityCharacteristic.findUnique({ where: { id: change.characteristicId } });
  if (!current) throw new NotFound("characteristic", change.characteristicId);
  const pick = <K extends keyof CharacteristicChange & keyof QualityCharacteristic>(key: K) =>
    change[key] === undefined ? current[key] : change[key];
  const checked = checkedCharacteristic(
    {
      name: current.name,
      type: current.type,
      unit: current.unit,
      nominal: pick("nominal") as number | null,
      lowerSpec: pick("lowerSpec") as number | null,
      upperSpec: pick("upperSpec") as number | null,
      decimals: pick("decimals") as number,
      subgroupSize: current.subgroupSize,
      chartType: pick("chartType") as ControlChartType | null,
      spcRules: pick("spcRules") as string[],
      liveSignal: current.liveSignal,
      andonOnOutOfSpec: pick("andonOnOutOfSpec") as boolean,
    },
    "characteristic",
  );
  return prisma.$transaction(async (tx) => {
    const updated = await tx.qualityCharacteristic.update({
      where: { id: current.id },
      data: {
        nominal: checked.nominal,
        lowerSpec: checked.lowerSpec,
        upperSpec: checked.upperSpec,
        decimals: checked.decimals,
        chartType: checked.chartType,
        spcRules: checked.spcRules,
        andonOnOutOfSpec: checked.andonOnOutOfSpec,
      },
    });
    await audit(tx, actor, "characteristic.change", "QualityCharacteristic", current.id, current, updated);
    return updated;
  });
}

export async function setInspectionPlanActive(
  prisma: PrismaClient,
  actor: QualityActor,
  planId: string,
  active: boolean,
) {
  const plan = await prisma.qualityCheckTemplate.findUnique({ where: { id: planId } });
  if (!plan) throw new NotFound("inspection plan", planId);
  return prisma.$transaction(async (tx) => {
    const updated = await tx.qualityCheckTemplate.update({ where: { id: planId }, data: { active } });
    await audit(
      tx,
      actor,
      active ? "inspection-plan.activate" : "inspection-plan.deactivate",
      "QualityCheckTemplate",
      planId,
      { active: plan.active },
      { active },
    );
    return updated;
  });
}

export function checkedNote(value: string | null | undefined, field = "note"): string | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (text.length > QUALITY_DEFAULTS.maxNoteLength) {
    throw new InputInvalid(field, `${field} may be at most ${QUALITY_DEFAULTS.maxNoteLength} characters.`);
  }
  return text.length > 0 ? text : null;
}
