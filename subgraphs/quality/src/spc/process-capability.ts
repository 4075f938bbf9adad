// Process capability against the specification limits: Cp and Cpk with the σ within subgroups (the
// chart's R̄/d2, s̄/c4 or MR̄/d2: what the process could do), Pp and Ppk with the overall sample σ of
// every value (what it did). Each index is stated with the σ it used and the count of values.

export interface CapabilityInput {
  /** Every individual value of the subgroups considered. */
  values: readonly number[];
  lowerSpec: number | null;
  upperSpec: number | null;
  /** σ within subgroups, from the chart's limits; null when none is known (no chart, attributes). */
  sigmaWithin: number | null;
  /** How sigmaWithin was estimated ("R̄/d2" ...). */
  sigmaMethod: string | null;
}

export interface ProcessCapability {
  sampleCount: number;
  mean: number;
  sigmaWithin: number | null;
  sigmaWithinMethod: string | null;
  sigmaOverall: number;
  /** (USL − LSL) / 6σ within; null with a one-sided specification. */
  cp: number | null;
  /** min(USL − μ, μ − LSL) / 3σ within, over the sides specified. */
  cpk: number | null;
  pp: number | null;
  ppk: number | null;
}

function indices(mean: number, sigma: number | null, lower: number | null, upper: number | null) {
  if (sigma === null || !(sigma > 0)) return { potential: null, actual: null };
  const potential = lower !== null && upper !== null ? (upper - lower) / (6 * sigma) : null;
  const sides: number[] = [];
  if (upper !== null) sides.push((upper - mean) / (3 * sigma));
  if (lower !== null) sides.push((mean - lower) / (3 * sigma));
  return { potential, actual: sides.length > 0 ? Math.min(...sides) : null };
}

/** Null when there are fewer than two values (no σ can be estimated). */
export function processCapability(input: CapabilityInput): ProcessCapability | null {
  const n = input.values.length;
  if (n < 2) return null;
  const mean = input.values.reduce((sum, v) => sum + v, 0) / n;
  const sigmaOverall = Math.sqrt(input.values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1));
  const within = indices(mean, input.sigmaWithin, input.lowerSpec, input.upperSpec);
  const overall = indices(mean, sigmaOverall, input.lowerSpec, input.upperSpec);
  return {
    sampleCount: n,
    mean,
    sigmaWithin: input.sigmaWithin,
    sigmaWithinMethod: input.sigmaWithin === null ? null : input.sigmaMethod,
    sigmaOverall,
    cp: within.potential,
    cpk: within.actual,
    pp: overall.potential,
    ppk: overall.actual,
  };
}

/** What capability needs of one stored subgroup: its size, mean and sample standard deviation. */
export interface SubgroupSummary {
  size: number;
  mean: number;
  /** Sample standard deviation (n − 1); 0 or null for a subgroup of one. */
  stdDev: number | null;
}

/**
 * The same capability as processCapability over every value, from the subgroups' stored statistics
 * alone (no values read): the overall sum of squares is the within-subgroup part, Σ (nᵢ − 1) sᵢ²,
 * plus the between part, Σ nᵢ (x̄ᵢ − x̄)².
 */
export function processCapabilityOfSubgroups(
  subgroups: readonly SubgroupSummary[],
  spec: Omit<CapabilityInput, "values">,
): ProcessCapability | null {
  let n = 0;
  let sum = 0;
  for (const s of subgroups) {
    n += s.size;
    sum += s.size * s.mean;
  }
  if (n < 2) return null;
  const mean = sum / n;
  let squares = 0;
  for (const s of subgroups) squares += (s.size - 1) * (s.stdDev ?? 0) ** 2 + s.size * (s.mean - mean) ** 2;
  const sigmaOverall = Math.sqrt(squares / (n - 1));
  const within = indices(mean, spec.sigmaWithin, spec.lowerSpec, spec.upperSpec);
  const overall = indices(mean, sigmaOverall, spec.lowerSpec, spec.upperSpec);
  return {
    sampleCount: n,
    mean,
    sigmaWithin: spec.sigmaWithin,
    sigmaWithinMethod: spec.sigmaWithin === null ? null : spec.sigmaMethod,
    sigmaOverall,
    cp: within.potential,
    cpk: within.actual,
    pp: overall.potential,
    ppk: overall.actual,
  };
}
