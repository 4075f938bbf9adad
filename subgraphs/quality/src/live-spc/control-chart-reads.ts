// A control chart as the chart query serves it, read in one statement from the subgroups' stored
// statistics (never their individual values: capability pools the subgroups' means and standard
// deviations) and kept per process until a new subgroup, new limits or new specification limits
// make it stale. Staleness is checked with one indexed look-up per request, so an instance serves a
// chart another instance (or a check) extended without missing the change.
import { type DbClient, type PrismaClient, runHotStatement, type SpcControlLimits, type SpcViolation } from "@ms5/db";
import { plotPoints } from "../spc/control-chart.ts";
import type { ControlChartType } from "../spc/control-limits.ts";
import { type ProcessCapability, processCapabilityOfSubgroups } from "../spc/process-capability.ts";
import { chartSubgroupOf, frozenLimitsOf } from "./spc-subgroups.ts";

export interface SpcPointShape {
  sequence: number;
  at: Date;
  source: string;
  value: number;
  centerLine: number;
  upperControlLimit: number;
  lowerControlLimit: number;
  zone: string;
  dispersionValue: number | null;
  rules: string[];
}

export interface ViolatedSubgroup {
  sequence: number;
  lineId: string;
}

/**
 * The same chart as parallel arrays, one entry per point (oldest first), for clients that draw a long
 * chart: a list of numbers costs the subgraph and the gateway a fraction of an object per point.
 */
export interface SpcChartSeriesShape {
  sequences: number[];
  /** Each subgroup's last value, in milliseconds since the epoch. */
  times: number[];
  sources: string[];
  values: number[];
  /** Null when every point has the chart's limits (all but p and u charts) or there are none yet. */
  upperControlLimits: number[] | null;
  lowerControlLimits: number[] | null;
  zones: string[];
  dispersionValues: (number | null)[];
  /** Per violation (in the order of SpcChart.violations): the index of the point that completed it. */
  violationPoints: number[];
  violationRules: string[];
  violationCharts: string[];
}

export interface SpcChartShape {
  characteristicId: string;
  chartType: ControlChartType;
  limits: SpcControlLimits | null;
  points: SpcPointShape[];
  violations: SpcViolation[];
  /** Each violation's subgroup by id: what SpcViolation.sequence and .line resolve. */
  violatedSubgroups: ReadonlyMap<bigint, ViolatedSubgroup>;
  capability: ProcessCapability | null;
  series: SpcChartSeriesShape;
}

export const CONTROL_CHART_CACHE_DEFAULTS = {
  /** Charts (characteristic × length) a process keeps. @default 200 */
  maxCharts: 200,
} as const;

function zoneOf(z: number): string {
  const distance = Math.abs(z);
  if (distance > 3) return "OUT";
  if (distance > 2) return "A";
  if (distance > 1) return "B";
  return "C";
}

const CHART_VERSION = `
SELECT c."chartType" IS NOT NULL AS charted,
       concat_ws('|', c.type, c."chartType", c."lowerSpec", c."upperSpec",
                 (SELECT max(sequence) FROM spc_subgroup WHERE "characteristicId" = $1::uuid),
                 (SELECT id FROM spc_control_limits WHERE "characteristicId" = $1::uuid AND "supersededAt" IS NULL
                   ORDER BY "frozenAt" DESC LIMIT 1)) AS version
  FROM quality_characteristic c WHERE c.id = $1::uuid`;

const CHART_READ = `
WITH recent AS (
  SELECT id, sequence, "lineId", "lastAt", source, size, mean, "range", "stdDev", "values"[1] AS first_value,
         nonconforming, inspected
    FROM spc_subgroup WHERE "characteristicId" = $1::uuid ORDER BY sequence DESC LIMIT $2::int
)
SELECT c.type, c."chartType", c."lowerSpec", c."upperSpec",
       (SELECT row_to_json(l) FROM spc_control_limits l
         WHERE l."characteristicId" = $1::uuid AND l."supersededAt" IS NULL ORDER BY l."frozenAt" DESC LIMIT 1) AS limits,
       (SELECT coalesce(json_agg(json_build_array(r.id::text, r.sequence, r."lastAt", r.source, r.size, r.mean, r."range",
                                                  r."stdDev", r.first_value, r.nonconforming, r.inspected, r."lineId")
                                 ORDER BY r.sequence), '[]'::json) FROM recent r) AS subgroups,
       (SELECT coalesce(json_agg(json_build_object('id', v.id, 'subgroupId', v."subgroupId"::text, 'limitsId', v."limitsId",
                                                   'rule', v.rule, 'chart', v.chart, 'pointSequences', v."pointSequences",
                                                   'detectedAt', v."detectedAt") ORDER BY v."detectedAt", v.id), '[]'::json)
          FROM spc_violation v WHERE v."characteristicId" = $1::uuid AND v."subgroupId" IN (SELECT id FROM recent)) AS violations
  FROM quality_characteristic c WHERE c.id = $1::uuid`;

type StoredSubgroup = [
  id: string,
  sequence: number,
  lastAt: string,
  source: string,
  size: number,
  mean: number | null,
  range: number | null,
  stdDev: number | null,
  firstValue: number | null,
  nonconforming: number | null,
  inspected: number | null,
  lineId: string,
];

interface ChartRow {
  type: string;
  chartType: ControlChartType | null;
  lowerSpec: number | null;
  upperSpec: number | null;
  limits:
    | (Omit<SpcControlLimits, "frozenAt" | "supersededAt"> & { frozenAt: string; supersededAt: string | null })
    | null;
  subgroups: StoredSubgroup[];
  violations: (Omit<SpcViolation, "subgroupId" | "detectedAt"> & { subgroupId: string; detectedAt: string })[];
}

/** Reads and computes one chart (one statement); null when the characteristic has no chart. */
export async function readControlChart(
  db: DbClient,
  characteristicId: string,
  last: number,
): Promise<SpcChartShape | null> {
  const [row] = await runHotStatement<ChartRow>(db, {
    name: "quality_read_control_chart",
    text: CHART_READ,
    values: [characteristicId, last],
  });
  if (!row?.chartType) return null;
  const chartType = row.chartType;
  const limits: SpcControlLimits | null = row.limits
    ? {
        ...row.limits,
        frozenAt: new Date(row.limits.frozenAt),
        supersededAt: row.limits.supersededAt ? new Date(row.limits.supersededAt) : null,
      }
    : null;
  const violations: SpcViolation[] = row.violations.map((v) => ({
    ...v,
    subgroupId: BigInt(v.subgroupId),
    detectedAt: new Date(v.detectedAt),
  }));
  const rulesBySubgroup = new Map<string, string[]>();
  for (const v of row.violations) {
    const rules = rulesBySubgroup.get(v.subgroupId);
    if (rules) rules.push(v.rule);
    else rulesBySubgroup.set(v.subgroupId, [v.rule]);
  }
  const subgroups = row.subgroups;
  const plotted = limits
    ? plotPoints(
        subgroups.map(([, sequence, , , , mean, range, stdDev, firstValue, nonconforming, inspected]) =>
          chartSubgroupOf({
            sequence,
            mean,
            range,
            stdDev,
            values: firstValue === null ? [] : [firstValue],
            nonconforming,
            inspected,
          }),
        ),
        frozenLimitsOf(limits),
      )
    : null;
  const violatedSubgroups = new Map<bigint, ViolatedSubgroup>();
  const points = subgroups.map((subgroup, i): SpcPointShape => {
    const [id, sequence, lastAt, source, , mean, range, stdDev, , nonconforming, , lineId] = subgroup;
    if (rulesBySubgroup.has(id)) violatedSubgroups.set(BigInt(id), { sequence, lineId });
    const p = plotted?.[i];
    const value = p?.value ?? mean ?? nonconforming ?? 0;
    return {
      sequence,
      at: new Date(lastAt),
      source,
      value,
      centerLine: p?.limits.center ?? value,
      upperControlLimit: p?.limits.upper ?? value,
      lowerControlLimit: p?.limits.lower ?? value,
      zone: p ? zoneOf(p.z) : "C",
      dispersionValue: p?.dispersionValue ?? range ?? stdDev,
      rules: rulesBySubgroup.get(id) ?? [],
    };
  });
  const limitsVary =
    limits !== null &&
    points.some(
      (p) => p.upperControlLimit !== limits.upperControlLimit || p.lowerControlLimit !== limits.lowerControlLimit,
    );
  const indexOfSubgroup = new Map(subgroups.map(([id], i) => [id, i]));
  const series: SpcChartSeriesShape = {
    sequences: points.map((p) => p.sequence),
    times: points.map((p) => p.at.getTime()),
    sources: points.map((p) => p.source),
    values: points.map((p) => p.value),
    upperControlLimits: limitsVary ? points.map((p) => p.upperControlLimit) : null,
    lowerControlLimits: limitsVary ? points.map((p) => p.lowerControlLimit) : null,
    zones: points.map((p) => p.zone),
    dispersionValues: points.map((p) => p.dispersionValue),
    violationPoints: row.violations.map((v) => indexOfSubgroup.get(v.subgroupId)!),
    violationRules: row.violations.map((v) => v.rule),
    violationCharts: row.violations.map((v) => v.chart),
  };
  const sigmaMethod =
    chartType === "XBAR_R" ? "R̄/d2" : chartType === "XBAR_S" ? "s̄/c4" : chartType === "I_MR" ? "MR̄/d2" : null;
  const capability =
    row.type === "VARIABLE"
      ? processCapabilityOfSubgroups(
          subgroups
            .filter(([, , , , size, mean]) => size > 0 && mean !== null)
            .map(([, , , , size, mean, , stdDev]) => ({ size, mean: mean!, stdDev })),
          {
            lowerSpec: row.lowerSpec,
            upperSpec: row.upperSpec,
            sigmaWithin: limits?.sigmaWithin ?? null,
            sigmaMethod,
          },
        )
      : null;
  return {
    characteristicId,
    chartType,
    limits,
    points,
    violations,
    violatedSubgroups,
    capability,
    series,
  };
}

interface CachedChart {
  version: string;
  chart: Promise<SpcChartShape | null>;
}

/**
 * Computed charts of one database, each valid while its version (specification, last subgroup,
 * current limits) is unchanged; the oldest used is dropped past `maxCharts`.
 */
export class ControlChartCache {
  readonly #charts = new Map<string, CachedChart>();

  constructor(
    private readonly db: DbClient,
    private readonly maxCharts: number = CONTROL_CHART_CACHE_DEFAULTS.maxCharts,
  ) {}

  async chart(characteristicId: string, last: number): Promise<SpcChartShape | null> {
    const [current] = await runHotStatement<{ charted: boolean; version: string }>(this.db, {
      name: "quality_control_chart_version",
      text: CHART_VERSION,
      values: [characteristicId],
    });
    if (!current?.charted) return null;
    const key = `${characteristicId}:${last}`;
    const cached = this.#charts.get(key);
    if (cached && cached.version === current.version) {
      this.#charts.delete(key);
      this.#charts.set(key, cached);
      return cached.chart;
    }
    const chart = readControlChart(this.db, characteristicId, last);
    const entry = { version: current.version, chart };
    this.#charts.set(key, entry);
    // A failed read is not kept.
    chart.catch(() => {
      if (this.#charts.get(key) === entry) this.#charts.delete(key);
    });
    while (this.#charts.size > this.maxCharts) this.#charts.delete(this.#charts.keys().next().value!);
    return chart;
  }
}

const cacheOfClient = new WeakMap<PrismaClient, ControlChartCache>();

/** The chart cache of this database client (one per subgraph instance's client). */
export function controlChartCacheOf(prisma: PrismaClient): ControlChartCache {
  let cache = cacheOfClient.get(prisma);
  if (!cache) {
    cache = new ControlChartCache(prisma);
    cacheOfClient.set(prisma, cache);
  }
  return cache;
}
