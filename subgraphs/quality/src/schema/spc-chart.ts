// Control charts as a client draws them: the subgroups with the limits that apply to each, the
// zones, every stored violation, and the capability of the values shown, stated with the σ used and
// the sample count. Freezing new limits from a chosen baseline needs quality:manage and is audited.
import type { SpcViolation } from "@ms5/db";
import { defineLoader } from "@ms5/kit/subgraph";
import { builder, uuidArgument } from "../builder.ts";
import { userActorOf } from "../checks/actor.ts";
import { QUALITY_DEFAULTS } from "../checks/quality-defaults.ts";
import {
  controlChartCacheOf,
  type SpcChartSeriesShape,
  type SpcChartShape,
  type SpcPointShape,
  type ViolatedSubgroup,
} from "../live-spc/control-chart-reads.ts";
import { freezeControlLimits } from "../live-spc/control-limit-baselines.ts";
import { qualityRuntimeOf } from "../quality-runtime.ts";
import type { ProcessCapability } from "../spc/process-capability.ts";
import { RUN_RULE_DESCRIPTIONS, type RunRule } from "../spc/run-rules.ts";
import { CharacteristicRef, ControlChartTypeEnum, characteristicById, RunRuleEnum } from "./inspection-plan.ts";
import { EquipmentRef, LineRef } from "./plant-refs.ts";
import { CHANGE_ERRORS } from "./quality-errors.ts";

export const violationById = defineLoader<string, SpcViolation | null>(async (ids, { prisma }) => {
  const rows = await prisma.spcViolation.findMany({ where: { id: { in: [...ids] } } });
  return ids.map((id) => rows.find((row) => row.id === id) ?? null);
});

const subgroupOfViolation = defineLoader<bigint, ViolatedSubgroup | null, string>(
  async (ids, { prisma }) => {
    const rows = await prisma.spcSubgroup.findMany({
      where: { id: { in: [...ids] } },
      select: { id: true, sequence: true, lineId: true },
    });
    return ids.map((id) => rows.find((row) => row.id === id) ?? null);
  },
  { cacheKeyFn: (id) => String(id) },
);

export const ControlLimitsRef = builder.prismaObject("SpcControlLimits", {
  name: "ControlLimits",
  description: "Limits frozen from a baseline of subgroups; a recompute supersedes them (they are kept).",
  authScopes: { permission: "quality:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    chartType: t.expose("chartType", { type: ControlChartTypeEnum }),
    subgroupSize: t.exposeInt("subgroupSize"),
    centerLine: t.exposeFloat("centerLine"),
    upperControlLimit: t.exposeFloat("upperControlLimit"),
    lowerControlLimit: t.exposeFloat("lowerControlLimit", {
      description: "For p and u charts: at the nominal subgroup size (each point has its own, see SpcPoint).",
    }),
    dispersionCenter: t.exposeFloat("dispersionCenter", { nullable: true, description: "R̄, s̄ or MR̄." }),
    dispersionUpper: t.exposeFloat("dispersionUpper", { nullable: true }),
    dispersionLower: t.exposeFloat("dispersionLower", { nullable: true }),
    sigmaWithin: t.exposeFloat("sigmaWithin", { nullable: true }),
    baselineFirst: t.exposeInt("baselineFirst"),
    baselineLast: t.exposeInt("baselineLast"),
    baselineCount: t.exposeInt("baselineCount"),
    reason: t.exposeString("reason", { nullable: true }),
    frozenById: t.exposeID("frozenById", {
      nullable: true,
      description: "Null for the initial baseline frozen by itself.",
    }),
    frozenAt: t.expose("frozenAt", { type: "DateTime" }),
    supersededAt: t.expose("supersededAt", { type: "DateTime", nullable: true }),
  }),
});

export const SpcViolationRef = builder.prismaObject("SpcViolation", {
  description: "A run rule broken on a chart: the rule, the subgroup that completed it and every point involved.",
  authScopes: { permission: "quality:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    rule: t.field({ type: RunRuleEnum, resolve: (v) => v.rule as RunRule }),
    description: t.string({ resolve: (v) => RUN_RULE_DESCRIPTIONS[v.rule as RunRule] ?? v.rule }),
    chart: t.exposeString("chart", { description: "location (X̄, X, p...) or dispersion (R, S, MR)." }),
    pointSequences: t.exposeIntList("pointSequences"),
    sequence: t.int({
      description: "The subgroup that completed the pattern.",
      resolve: async (v, _args, context) =>
        (await context.loaders.of(subgroupOfViolation).load(v.subgroupId))?.sequence ?? 0,
    }),
    detectedAt: t.expose("detectedAt", { type: "DateTime" }),
    characteristic: t.field({
      type: CharacteristicRef,
      resolve: async (v, _args, context) => (await context.loaders.of(characteristicById).load(v.characteristicId))!,
    }),
    line: t.field({
      type: LineRef,
      resolve: async (v, _args, context) => ({
        id: (await context.loaders.of(subgroupOfViolation).load(v.subgroupId))?.lineId ?? "",
      }),
    }),
  }),
});

const SpcPointRef = builder.objectRef<SpcPointShape>("SpcPoint").implement({
  description: "One plotted subgroup with the limits that apply to it.",
  fields: (t) => ({
    sequence: t.exposeInt("sequence"),
    at: t.expose("at", { type: "DateTime" }),
    source: t.exposeString("source", { description: "LIVE (the check weigher) or MANUAL (a check)." }),
    value: t.exposeFloat("value", { description: "X̄, X, p, np, c or u." }),
    centerLine: t.exposeFloat("centerLine"),
    upperControlLimit: t.exposeFloat("upperControlLimit"),
    lowerControlLimit: t.exposeFloat("lowerControlLimit"),
    zone: t.exposeString("zone", { description: "C (within 1σ), B (1–2σ), A (2–3σ) or OUT (beyond 3σ)." }),
    dispersionValue: t.exposeFloat("dispersionValue", { nullable: true, description: "R, S or MR." }),
    rules: t.exposeStringList("rules", { description: "Rules this point completed." }),
  }),
});

const CapabilityRef = builder.objectRef<ProcessCapability>("ProcessCapability").implement({
  description: "Cp, Cpk with σ within subgroups and Pp, Ppk with the overall σ, over the values shown.",
  fields: (t) => ({
    sampleCount: t.exposeInt("sampleCount"),
    mean: t.exposeFloat("mean"),
    sigmaWithin: t.exposeFloat("sigmaWithin", { nullable: true }),
    sigmaWithinMethod: t.exposeString("sigmaWithinMethod", { nullable: true, description: "R̄/d2, s̄/c4 or MR̄/d2." }),
    sigmaOverall: t.exposeFloat("sigmaOverall"),
    cp: t.exposeFloat("cp", { nullable: true }),
    cpk: t.exposeFloat("cpk", { nullable: true }),
    pp: t.exposeFloat("pp", { nullable: true }),
    ppk: t.exposeFloat("ppk", { nullable: true }),
  }),
});

const SpcChartSeriesRef = builder.objectRef<SpcChartSeriesShape>("SpcChartSeries").implement({
  description:
    "The chart's points as parallel lists, oldest first (index i of every list is the same point): what a client drawing a long chart needs, at a fraction of the cost of an object per point.",
  fields: (t) => ({
    sequences: t.field({ type: "NumberSeries", resolve: (series) => series.sequences }),
    times: t.field({
      type: "NumberSeries",
      description: "When each subgroup was complete, in milliseconds since 1970-01-01T00:00:00Z.",
      resolve: (series) => series.times,
    }),
    sources: t.field({ type: "StringSeries", description: "LIVE or MANUAL.", resolve: (series) => series.sources }),
    values: t.field({ type: "NumberSeries", description: "X̄, X, p, np, c or u.", resolve: (series) => series.values }),
    upperControlLimits: t.field({
      type: "NumberSeries",
      nullable: true,
      description:
        "Each point's own upper limit where they differ (p and u charts: they depend on the sample size); null when every point has the chart's limits.",
      resolve: (series) => series.upperControlLimits,
    }),
    lowerControlLimits: t.field({
      type: "NumberSeries",
      nullable: true,
      description: "As upperControlLimits.",
      resolve: (series) => series.lowerControlLimits,
    }),
    zones: t.field({
      type: "StringSeries",
      description: "C (within 1σ), B (1–2σ), A (2–3σ) or OUT (beyond 3σ).",
      resolve: (series) => series.zones,
    }),
    dispersionValues: t.field({
      type: "NumberSeries",
      description: "R, S or MR (null for attribute charts and the first point of an MR chart).",
      resolve: (series) => series.dispersionValues,
    }),
    violationPoints: t.field({
      type: "NumberSeries",
      description:
        "For each violation (in the order of SpcChart.violations): the index into the lists above of the point that completed it.",
      resolve: (series) => series.violationPoints,
    }),
    violationRules: t.field({
      type: "StringSeries",
      description: "For each violation, in the order of violationPoints: the rule broken (a RunRule value).",
      resolve: (series) => series.violationRules,
    }),
    violationCharts: t.field({
      type: "StringSeries",
      description: "For each violation: location (X̄, X, p...) or dispersion (R, S, MR).",
      resolve: (series) => series.violationCharts,
    }),
  }),
});

const SpcChartRef = builder.objectRef<SpcChartShape>("SpcChart").implement({
  description: "A control chart: points, frozen limits, zones, violations and capability.",
  fields: (t) => ({
    characteristic: t.field({
      type: CharacteristicRef,
      resolve: async (chart, _args, context) =>
        (await context.loaders.of(characteristicById).load(chart.characteristicId))!,
    }),
    chartType: t.field({ type: ControlChartTypeEnum, resolve: (chart) => chart.chartType }),
    limits: t.field({ type: ControlLimitsRef, nullable: true, resolve: (chart) => chart.limits }),
    points: t.field({ type: [SpcPointRef], listSize: { assumedSize: 100 }, resolve: (chart) => chart.points }),
    violations: t.field({
      type: [SpcViolationRef],
      listSize: { assumedSize: 50 },
      resolve: (chart, _args, context) => {
        // The chart read their subgroups already: no second look-up per request.
        const loader = context.loaders.of(subgroupOfViolation);
        for (const [id, subgroup] of chart.violatedSubgroups) loader.prime(id, subgroup);
        return chart.violations;
      },
    }),
    capability: t.field({ type: CapabilityRef, nullable: true, resolve: (chart) => chart.capability }),
    series: t.field({
      type: SpcChartSeriesRef,
      description: "The points (and where the violations fall) as parallel lists: the compact form of points.",
      resolve: (chart) => chart.series,
    }),
  }),
});

builder.queryFields((t) => ({
  spcChart: t.field({
    type: SpcChartRef,
    nullable: true,
    description: "The control chart of a characteristic over its last subgroups (null when it has no chart).",
    authScopes: { permission: "quality:read" },
    args: {
      characteristicId: t.arg.id({ required: true }),
      last: t.arg.int({ defaultValue: QUALITY_DEFAULTS.defaultChartSubgroups }),
    },
    resolve: (_root, args, context) =>
      controlChartCacheOf(context.prisma).chart(
        uuidArgument(args.characteristicId, "characteristicId"),
        Math.min(Math.max(args.last ?? QUALITY_DEFAULTS.defaultChartSubgroups, 1), QUALITY_DEFAULTS.maxChartSubgroups),
      ),
  }),
  spcViolations: t.prismaField({
    type: [SpcViolationRef],
    listSize: { slicingArguments: ["first"], assumedSize: 100, requireOneSlicingArgument: false },
    description: "Stored rule violations of a characteristic, newest first.",
    authScopes: { permission: "quality:read" },
    args: { characteristicId: t.arg.id({ required: true }), first: t.arg.int({ defaultValue: 100 }) },
    resolve: (query, _root, args, context) =>
      context.prisma.spcViolation.findMany({
        ...query,
        where: { characteristicId: uuidArgument(args.characteristicId, "characteristicId") },
        orderBy: { detectedAt: "desc" },
        take: Math.min(Math.max(args.first ?? 100, 1), 1000),
      }),
  }),
}));

builder.objectFields(EquipmentRef, (t) => ({
  qualityCharacteristics: t.prismaField({
    type: [CharacteristicRef],
    listSize: { assumedSize: 10 },
    description: "Characteristics charted for this equipment (its plans'), e.g. the check weigher's bag weight.",
    authScopes: { permission: "quality:read" },
    resolve: (query, equipment, _args, context) =>
      context.prisma.qualityCharacteristic.findMany({
        ...query,
        where: { active: true, chartType: { not: null }, template: { equipmentId: equipment.id, active: true } },
        orderBy: { position: "asc" },
      }),
  }),
}));

builder.mutationFields((t) => ({
  freezeControlLimits: t.field({
    type: ControlLimitsRef,
    description: "Recomputes a chart's limits from a chosen range of subgroups (audited); the old limits are kept.",
    authScopes: { permission: "quality:manage" },
    errors: { types: CHANGE_ERRORS },
    args: {
      characteristicId: t.arg.id({ required: true }),
      firstSequence: t.arg.int({ required: true }),
      lastSequence: t.arg.int({ required: true }),
      reason: t.arg.string({ required: true }),
    },
    resolve: (_root, args, context) =>
      freezeControlLimits(
        context.prisma,
        userActorOf(context),
        { ...args, characteristicId: uuidArgument(args.characteristicId, "characteristicId") },
        qualityRuntimeOf(context).now(),
      ),
  }),
}));
