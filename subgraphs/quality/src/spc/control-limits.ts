// Control limits from a baseline of subgroups, per chart type, with the standard constants:
// X̄-R (n 2–10), X̄-S (n > 10), I-MR (n = 1) for variables; p, np, c, u for attributes. The limits of
// p and u charts depend on each point's sample size: the centre is frozen, the limits are computed per
// point (limitsForSampleSize).
import { controlChartConstants } from "./control-chart-constants.ts";
import { subgroupStatistics } from "./subgroup-statistics.ts";

export const CONTROL_CHART_TYPES = ["XBAR_R", "XBAR_S", "I_MR", "P", "NP", "C", "U"] as const;
export type ControlChartType = (typeof CONTROL_CHART_TYPES)[number];

export const VARIABLES_CHARTS: readonly ControlChartType[] = ["XBAR_R", "XBAR_S", "I_MR"];

/** A subgroup of a baseline: its values (variables charts) or its count (attribute charts). */
export interface BaselineSubgroup {
  values?: readonly number[];
  /** Defectives (p, np) or defects (c, u). */
  nonconforming?: number;
  /** Units inspected (p, np, u; c assumes a constant area of opportunity). */
  inspected?: number;
}

export interface Limits {
  center: number;
  upper: number;
  lower: number;
}

export interface ControlLimits {
  chartType: ControlChartType;
  subgroupSize: number;
  /** The chart of the location (X̄, X) or of the attribute (p, np, c, u). */
  location: Limits;
  /** R, S or MR; null for attribute charts. */
  dispersion: Limits | null;
  /** σ within subgroups: R̄/d2, s̄/c4 or MR̄/d2; null for attribute charts. */
  sigmaWithin: number | null;
  /** How σ was estimated, in words ("R̄/d2" ...). */
  sigmaMethod: string | null;
  baselineCount: number;
}

/** The chart a subgroup size calls for (variables): I-MR for 1, X̄-R for 2–10, X̄-S above. */
export function variablesChartFor(subgroupSize: number): ControlChartType {
  if (subgroupSize === 1) return "I_MR";
  return subgroupSize <= 10 ? "XBAR_R" : "XBAR_S";
}

export class BaselineInvalid extends RangeError {}

const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

function checkedValues(subgroups: readonly BaselineSubgroup[], size: number): number[][] {
  return subgroups.map((subgroup, index) => {
    const values = subgroup.values ?? [];
    if (values.length !== size) {
      throw new BaselineInvalid(`baseline subgroup ${index + 1} has ${values.length} values, the chart needs ${size}`);
    }
    for (const value of values) {
      if (!Number.isFinite(value)) throw new BaselineInvalid(`baseline subgroup ${index + 1} holds ${value}`);
    }
    return [...values];
  });
}

function checkedCounts(subgroups: readonly BaselineSubgroup[], needInspected: boolean) {
  return subgroups.map((subgroup, index) => {
    const count = subgroup.nonconforming;
    if (count === undefined || !Number.isInteger(count) || count < 0) {
      throw new BaselineInvalid(`baseline subgroup ${index + 1} has no count of nonconformities`);
    }
    const inspected = subgroup.inspected ?? (needInspected ? undefined : 1);
    if (inspected === undefined || !Number.isFinite(inspected) || inspected <= 0) {
      throw new BaselineInvalid(`baseline subgroup ${index + 1} has no number of units inspected`);
    }
    return { count, inspected };
  });
}

/**
 * The limits of a chart from its baseline. Throws BaselineInvalid for a baseline that cannot give
 * limits (empty, a subgroup of the wrong size, a value that is not a number).
 */
export function computeControlLimits(
  chartType: ControlChartType,
  subgroupSize: number,
  baseline: readonly BaselineSubgroup[],
): ControlLimits {
  const minimum = chartType === "I_MR" ? 2 : 1;
  if (baseline.length < minimum) {
    throw new BaselineInvalid(`a ${chartType} baseline needs at least ${minimum} subgroups, not ${baseline.length}`);
  }
  const base = { chartType, subgroupSize, baselineCount: baseline.length };
  switch (chartType) {
    case "XBAR_R": {
      if (subgroupSize < 2 || subgroupSize > 10) throw new BaselineInvalid("an X̄-R chart takes subgroups of 2 to 10");
      const k = controlChartConstants(subgroupSize);
      const stats = checkedValues(baseline, subgroupSize).map(subgroupStatistics);
      const grandMean = mean(stats.map((s) => s.mean));
      const meanRange = mean(stats.map((s) => s.range));
      return {
        ...base,
        location: { center: grandMean, upper: grandMean + k.A2 * meanRange, lower: grandMean - k.A2 * meanRange },
        dispersion: { center: meanRange, upper: k.D4 * meanRange, lower: k.D3 * meanRange },
        sigmaWithin: meanRange / k.d2,
        sigmaMethod: "R̄/d2",
      };
    }
    case "XBAR_S": {
      if (subgroupSize < 2) throw new BaselineInvalid("an X̄-S chart takes subgroups of more than one");
      const k = controlChartConstants(subgroupSize);
      const stats = checkedValues(baseline, subgroupSize).map(subgroupStatistics);
      const grandMean = mean(stats.map((s) => s.mean));
      const meanStdDev = mean(stats.map((s) => s.stdDev));
      return {
        ...base,
        location: { center: grandMean, upper: grandMean + k.A3 * meanStdDev, lower: grandMean - k.A3 * meanStdDev },
        dispersion: { center: meanStdDev, upper: k.B4 * meanStdDev, lower: k.B3 * meanStdDev },
        sigmaWithin: meanStdDev / k.c4,
        sigmaMethod: "s̄/c4",
      };
    }
    case "I_MR": {
      if (subgroupSize !== 1) throw new BaselineInvalid("an I-MR chart takes single values");
      const values = checkedValues(baseline, 1).map(([value]) => value!);
      const k = controlChartConstants(2);
      const movingRanges = values.slice(1).map((value, i) => Math.abs(value - values[i]!));
      const centre = mean(values);
      const meanMovingRange = mean(movingRanges);
      const sigma = meanMovingRange / k.d2;
      return {
        ...base,
        location: { center: centre, upper: centre + 3 * sigma, lower: centre - 3 * sigma },
        dispersion: { center: meanMovingRange, upper: k.D4 * meanMovingRange, lower: k.D3 * meanMovingRange },
        sigmaWithin: sigma,
        sigmaMethod: "MR̄/d2",
      };
    }
    case "P":
    case "NP":
    case "U": {
      const counts = checkedCounts(baseline, true);
      const total = counts.reduce((sum, c) => sum + c.count, 0);
      const inspected = counts.reduce((sum, c) => sum + c.inspected, 0);
      if (chartType !== "U" && total > inspected) throw new BaselineInvalid("more defectives than units inspected");
      const rate = total / inspected;
      const location =
        chartType === "NP"
          ? npLimits(rate, subgroupSize)
          : limitsForSampleSize({ chartType, center: rate }, subgroupSize);
      return { ...base, location, dispersion: null, sigmaWithin: null, sigmaMethod: null };
    }
    case "C": {
      const counts = checkedCounts(baseline, false);
      const centre = mean(counts.map((c) => c.count));
      const spread = 3 * Math.sqrt(centre);
      return {
        ...base,
        location: { center: centre, upper: centre + spread, lower: Math.max(0, centre - spread) },
        dispersion: null,
        sigmaWithin: null,
        sigmaMethod: null,
      };
    }
  }
}

function npLimits(rate: number, n: number): Limits {
  const centre = n * rate;
  const spread = 3 * Math.sqrt(n * rate * (1 - rate));
  return { center: centre, upper: Math.min(n, centre + spread), lower: Math.max(0, centre - spread) };
}

/**
 * The limits of one point of a p or u chart (they depend on its sample size); for other charts the
 * frozen limits stand. p: p̄ ± 3·sqrt(p̄(1−p̄)/n) within [0, 1]; u: ū ± 3·sqrt(ū/n), at least 0.
 */
export function limitsForSampleSize(
  limits: { chartType: ControlChartType; center: number; upper?: number; lower?: number },
  sampleSize: number,
): Limits {
  const { chartType, center } = limits;
  if (chartType === "P") {
    const spread = 3 * Math.sqrt((center * (1 - center)) / sampleSize);
    return { center, upper: Math.min(1, center + spread), lower: Math.max(0, center - spread) };
  }
  if (chartType === "U") {
    const spread = 3 * Math.sqrt(center / sampleSize);
    return { center, upper: center + spread, lower: Math.max(0, center - spread) };
  }
  return { center, upper: limits.upper ?? center, lower: limits.lower ?? center };
}
