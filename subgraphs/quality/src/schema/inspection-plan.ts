// Inspection plans and their characteristics: read by anyone with quality:read, created and changed
// (spec limits, charts, run rules, active or not) only with quality:manage, every change audited.
import type { QualityCharacteristic } from "@ms5/db";
import { defineLoader } from "@ms5/kit/subgraph";
import { builder, uuidArgument } from "../builder.ts";
import { userActorOf } from "../checks/actor.ts";
import { changeCharacteristic, createInspectionPlan, setInspectionPlanActive } from "../checks/inspection-plans.ts";
import { RUN_RULES } from "../spc/run-rules.ts";
import { EquipmentRef, equipmentRefOf, LineRef, lineRefOf } from "./plant-refs.ts";
import { CHANGE_ERRORS } from "./quality-errors.ts";

export const CharacteristicTypeEnum = builder.enumType("CharacteristicType", {
  values: ["VARIABLE", "ATTRIBUTE"] as const,
});
export const ControlChartTypeEnum = builder.enumType("ControlChartType", {
  description: "X̄-R (subgroups of 2–10), X̄-S (above 10), I-MR (single values); p, np, c, u for attributes.",
  values: ["XBAR_R", "XBAR_S", "I_MR", "P", "NP", "C", "U"] as const,
});
export const RunRuleEnum = builder.enumType("RunRule", {
  description:
    "WE1–WE4: Western Electric rules 1–4. N5–N8: Nelson's trend, alternation, stratification and mixture rules.",
  values: RUN_RULES,
});

export const characteristicsOfPlan = defineLoader<string, QualityCharacteristic[]>(async (planIds, { prisma }) => {
  const rows = await prisma.qualityCharacteristic.findMany({
    where: { templateId: { in: [...planIds] } },
    orderBy: { position: "asc" },
  });
  return planIds.map((id) => rows.filter((row) => row.templateId === id));
});

export const characteristicById = defineLoader<string, QualityCharacteristic | null>(async (ids, { prisma }) => {
  const rows = await prisma.qualityCharacteristic.findMany({ where: { id: { in: [...ids] } } });
  return ids.map((id) => rows.find((row) => row.id === id) ?? null);
});

export const CharacteristicRef = builder.prismaObject("QualityCharacteristic", {
  name: "QualityCharacteristic",
  description: "What a check measures: a variable with nominal and spec limits, or an attribute judged pass/fail.",
  authScopes: { permission: "quality:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    planId: t.exposeID("templateId"),
    position: t.exposeInt("position"),
    name: t.exposeString("name"),
    type: t.expose("type", { type: CharacteristicTypeEnum }),
    unit: t.exposeString("unit", { nullable: true }),
    nominal: t.exposeFloat("nominal", { nullable: true }),
    lowerSpec: t.exposeFloat("lowerSpec", { nullable: true, description: "Lower specification limit (LSL)." }),
    upperSpec: t.exposeFloat("upperSpec", { nullable: true, description: "Upper specification limit (USL)." }),
    decimals: t.exposeInt("decimals"),
    subgroupSize: t.exposeInt("subgroupSize"),
    chartType: t.expose("chartType", { type: ControlChartTypeEnum, nullable: true }),
    spcRules: t.field({ type: [RunRuleEnum], resolve: (c) => c.spcRules as (typeof RUN_RULES)[number][] }),
    liveSignal: t.exposeString("liveSignal", {
      nullable: true,
      description: "A signal of the plan's equipment its chart is fed from live (the check weigher's `weight`).",
    }),
    andonOnOutOfSpec: t.exposeBoolean("andonOnOutOfSpec"),
    active: t.exposeBoolean("active"),
  }),
});

export const InspectionPlanRef = builder.prismaObject("QualityCheckTemplate", {
  name: "InspectionPlan",
  description: "What to check of a product (on a line, optionally one equipment) and when checks fall due.",
  authScopes: { permission: "quality:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    version: t.exposeInt("version"),
    productTypeId: t.exposeID("productTypeId", { nullable: true }),
    line: t.field({ type: LineRef, nullable: true, resolve: (plan) => (plan.lineId ? lineRefOf(plan.lineId) : null) }),
    equipment: t.field({ type: EquipmentRef, nullable: true, resolve: (plan) => equipmentRefOf(plan.equipmentId) }),
    sampleSize: t.exposeInt("sampleSize", { description: "Samples a check takes of each characteristic." }),
    frequencyMinutes: t.exposeInt("frequencyMinutes", {
      nullable: true,
      description: "A check every this many minutes of run time.",
    }),
    everyGoodUnits: t.exposeInt("everyGoodUnits", {
      nullable: true,
      description: "A check every this many good units.",
    }),
    firstOffAtJobStart: t.exposeBoolean("firstOffAtJobStart"),
    oncePerShift: t.exposeBoolean("oncePerShift"),
    overdueAfterMinutes: t.exposeInt("overdueAfterMinutes"),
    requiresSignature: t.exposeBoolean("requiresSignature", {
      description: "A release check: completed by an e-signature.",
    }),
    active: t.exposeBoolean("active"),
    characteristics: t.field({
      // An estimate the gateway prices reads by (gateway/src/list-pricing.ts), not a cap.
      listSize: { assumedSize: 10 },
      type: [CharacteristicRef],
      resolve: (plan, _args, context) => context.loaders.of(characteristicsOfPlan).load(plan.id),
    }),
  }),
});

const CharacteristicInput = builder.inputType("CharacteristicInput", {
  fields: (t) => ({
    name: t.string({ required: true }),
    type: t.field({ type: CharacteristicTypeEnum, required: true }),
    unit: t.string(),
    nominal: t.float(),
    lowerSpec: t.float(),
    upperSpec: t.float(),
    decimals: t.int(),
    subgroupSize: t.int(),
    chartType: t.field({ type: ControlChartTypeEnum }),
    spcRules: t.field({ type: [RunRuleEnum] }),
    liveSignal: t.string(),
    andonOnOutOfSpec: t.boolean(),
  }),
});

const InspectionPlanInput = builder.inputType("InspectionPlanInput", {
  fields: (t) => ({
    name: t.string({ required: true }),
    productTypeId: t.id({ required: true }),
    lineId: t.id({ required: true }),
    equipmentId: t.id(),
    frequencyMinutes: t.int(),
    everyGoodUnits: t.int(),
    firstOffAtJobStart: t.boolean(),
    oncePerShift: t.boolean(),
    overdueAfterMinutes: t.int(),
    requiresSignature: t.boolean(),
    sampleSize: t.int(),
    characteristics: t.field({ type: [CharacteristicInput], required: true }),
  }),
});

const CharacteristicChangeInput = builder.inputType("CharacteristicChangeInput", {
  fields: (t) => ({
    characteristicId: t.id({ required: true }),
    nominal: t.float(),
    lowerSpec: t.float(),
    upperSpec: t.float(),
    decimals: t.int(),
    chartType: t.field({ type: ControlChartTypeEnum }),
    spcRules: t.field({ type: [RunRuleEnum] }),
    andonOnOutOfSpec: t.boolean(),
  }),
});

builder.queryFields((t) => ({
  inspectionPlans: t.prismaField({
    type: [InspectionPlanRef],
    listSize: { assumedSize: 50 },
    description: "Inspection plans, newest version first; filtered by line, product type and whether active.",
    authScopes: { permission: "quality:read" },
    args: { lineId: t.arg.id(), productTypeId: t.arg.id(), active: t.arg.boolean() },
    resolve: (query, _root, args, context) =>
      context.prisma.qualityCheckTemplate.findMany({
        ...query,
        where: {
          ...(args.lineId ? { lineId: uuidArgument(args.lineId, "lineId") } : {}),
          ...(args.productTypeId ? { productTypeId: uuidArgument(args.productTypeId, "productTypeId") } : {}),
          ...(args.active === null || args.active === undefined ? {} : { active: args.active }),
        },
        orderBy: [{ name: "asc" }, { version: "desc" }],
        take: 500,
      }),
  }),
  qualityCharacteristic: t.field({
    type: CharacteristicRef,
    nullable: true,
    authScopes: { permission: "quality:read" },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => context.loaders.of(characteristicById).load(uuidArgument(args.id, "id")),
  }),
}));

builder.mutationFields((t) => ({
  createInspectionPlan: t.field({
    type: InspectionPlanRef,
    description: "Creates a plan (a new version when the name exists; the older version stops making checks).",
    authScopes: { permission: "quality:manage" },
    errors: { types: CHANGE_ERRORS },
    args: { input: t.arg({ type: InspectionPlanInput, required: true }) },
    resolve: (_root, { input }, context) =>
      createInspectionPlan(context.prisma, userActorOf(context), {
        ...input,
        productTypeId: uuidArgument(input.productTypeId, "productTypeId"),
        lineId: uuidArgument(input.lineId, "lineId"),
        equipmentId: input.equipmentId ? uuidArgument(input.equipmentId, "equipmentId") : null,
      }),
  }),
  changeQualityCharacteristic: t.field({
    type: CharacteristicRef,
    description: "Changes spec limits, decimals, chart or run rules of a characteristic (audited).",
    authScopes: { permission: "quality:manage" },
    errors: { types: CHANGE_ERRORS },
    args: { input: t.arg({ type: CharacteristicChangeInput, required: true }) },
    resolve: (_root, { input }, context) =>
      changeCharacteristic(context.prisma, userActorOf(context), {
        ...input,
        characteristicId: uuidArgument(input.characteristicId, "characteristicId"),
      }),
  }),
  setInspectionPlanActive: t.field({
    type: InspectionPlanRef,
    description: "Switches a plan on or off: an inactive plan makes no checks and takes no recordings.",
    authScopes: { permission: "quality:manage" },
    errors: { types: CHANGE_ERRORS },
    args: { planId: t.arg.id({ required: true }), active: t.arg.boolean({ required: true }) },
    resolve: (_root, args, context) =>
      setInspectionPlanActive(context.prisma, userActorOf(context), uuidArgument(args.planId, "planId"), args.active),
  }),
}));
