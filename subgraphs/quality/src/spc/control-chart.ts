// A control chart as a client draws it: each subgroup's plotted values with the limits that apply to
// it, its z-scores for the run rules, and the rules it breaks. Pure: stored subgroups and frozen
// limits in, points and violations out (the chart query and the live rule check both use it).
import { type ControlChartType, type Limits, limitsForSampleSize, VARIABLES_CHARTS } from "./control-limits.ts";
import { type ChartPoint, type RuleViolation, type RunRule, violationsAt } from "./run-rules.ts";

/** A stored subgroup, as the chart needs it. */
export interface ChartSubgroup {
  sequence: number;
  mean: number | null;
  range: number | null;
  stdDev: number | null;
  /** The single value of an individuals chart. */
  values: readonly number[];
  nonconforming: number | null;
  inspected: number | null;
}

/** Frozen limits, as stored. */
export interface FrozenLimits {
  chartType: ControlChartType;
  subgroupSize: number;
  location: Limits;
  dispersion: Limits | null;
}

export interface PlottedPoint {
  sequence: number;
  /** X̄, X, p, np, c or u. */
  value: number;
  limits: Limits;
  z: number;
  /** R, S or MR (null for attribute charts and the first point of an MR chart). */
  dispersionValue: number | null;
  dispersionZ: number | null;
}

function sigmaOf(chartType: ControlChartType, limits: Limits, sampleSize: number): number {
  switch (chartType) {
    case "P":
      return Math.sqrt((limits.center * (1 - limits.center)) / sampleSize);
    case "NP":
      return Math.sqrt(limits.center * (1 - limits.center / sampleSize));
    case "C":
      return Math.sqrt(limits.center);
    case "U":
      return Math.sqrt(limits.center / sampleSize);
    default:
      return (limits.upper - limits.center) / 3;
  }
}

const zOf = (value: number, center: number, sigma: number) => (sigma > 0 ? (value - center) / sigma : 0);

/** The plotted points of subgroups (oldest first) under frozen limits. */
export function plotPoints(subgroups: readonly ChartSubgroup[], limits: FrozenLimits): PlottedPoint[] {
  const { chartType } = limits;
  const variables = VARIABLES_CHARTS.includes(chartType);
  let previousIndividual: number | null = null;
  return subgroups.map((subgroup) => {
    let value: number;
    let dispersionValue: number | null = null;
    let pointLimits = limits.location;
    if (variables) {
      if (chartType === "I_MR") {
        value = subgroup.values[0] ?? subgroup.mean ?? 0;
        dispersionValue = previousIndividual === null ? null : Math.abs(value - previousIndividual);
        previousIndividual = value;
      } else {
        value = subgroup.mean ?? 0;
        dispersionValue = chartType === "XBAR_R" ? subgroup.range : subgroup.stdDev;
      }
    } else {
      const count = subgroup.nonconforming ?? 0;
      const inspected = subgroup.inspected ?? limits.subgroupSize;
      value = chartType === "P" || chartType === "U" ? count / inspected : count;
      pointLimits = limitsForSampleSize({ chartType, ...limits.location }, inspected);
    }
    const sampleSize = subgroup.inspected ?? limits.subgroupSize;
    const z = zOf(value, pointLimits.center, sigmaOf(chartType, pointLimits, sampleSize));
    const dispersionZ =
      dispersionValue === null || !limits.dispersion
        ? null
        : zOf(dispersionValue, limits.dispersion.center, (limits.dispersion.upper - limits.dispersion.center) / 3);
    return { sequence: subgroup.sequence, value, limits: pointLimits, z, dispersionValue, dispersionZ };
  });
}

export interface ChartViolation extends RuleViolation {
  chart: "location" | "dispersion";
}

/**
 * The violations completed by the points at `from` onwards (all of them by default): the location
 * chart is checked against every selected rule, the dispersion chart (R, S, MR) against rule 1 only,
 * as its zones are not symmetric.
 */
export function pointViolations(
  points: readonly PlottedPoint[],
  rules: readonly RunRule[],
  from = 0,
): ChartViolation[] {
  const location: ChartPoint[] = points.map((p) => ({ sequence: p.sequence, value: p.value, z: p.z }));
  const dispersion: ChartPoint[] = points
    .filter((p) => p.dispersionZ !== null)
    .map((p) => ({ sequence: p.sequence, value: p.dispersionValue!, z: p.dispersionZ! }));
  const violations: ChartViolation[] = [];
  for (let end = from; end < location.length; end++) {
    for (const v of violationsAt(location, end, rules)) violations.push({ ...v, chart: "location" });
  }
  if (rules.includes("WE1")) {
    const firstDispersion = dispersion.findIndex((p) => p.sequence >= (points[from]?.sequence ?? Infinity));
    for (let end = Math.max(0, firstDispersion); firstDispersion >= 0 && end < dispersion.length; end++) {
      for (const v of violationsAt(dispersion, end, ["WE1"])) violations.push({ ...v, chart: "dispersion" });
    }
  }
  return violations;
}
