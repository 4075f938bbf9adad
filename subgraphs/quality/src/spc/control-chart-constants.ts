// The control chart constants (A2, A3, D3, D4, B3, B4, d2, c4) for subgroups of 2 to 25, as the
// textbooks tabulate them (Montgomery, Introduction to Statistical Quality Control, Appendix VI).
// A2, D3, D4 and d2 are the published table (derived from the range distribution, which has no closed
// form); c4 has one, and A3, B3, B4 follow from it exactly.

/** The largest subgroup the tables cover. */
export const MAX_TABULATED_SUBGROUP_SIZE = 25;

// Index 0 is n = 2.
const D2 = [
  1.128, 1.693, 2.059, 2.326, 2.534, 2.704, 2.847, 2.97, 3.078, 3.173, 3.258, 3.336, 3.407, 3.472, 3.532, 3.588, 3.64,
  3.689, 3.735, 3.778, 3.819, 3.858, 3.895, 3.931,
];
const A2 = [
  1.88, 1.023, 0.729, 0.577, 0.483, 0.419, 0.373, 0.337, 0.308, 0.285, 0.266, 0.249, 0.235, 0.223, 0.212, 0.203, 0.194,
  0.187, 0.18, 0.173, 0.167, 0.162, 0.157, 0.153,
];
const D3 = [
  0, 0, 0, 0, 0, 0.076, 0.136, 0.184, 0.223, 0.256, 0.283, 0.307, 0.328, 0.347, 0.363, 0.378, 0.391, 0.403, 0.415,
  // biome-ignore lint/suspicious/noApproximativeNumericConstant: D3 of n = 22 is 0.434 by the table, not log10(e).
  0.425, 0.434, 0.443, 0.451, 0.459,
];
const D4 = [
  3.267, 2.574, 2.282, 2.114, 2.004, 1.924, 1.864, 1.816, 1.777, 1.744, 1.717, 1.693, 1.672, 1.653, 1.637, 1.622, 1.608,
  1.597, 1.585, 1.575, 1.566, 1.557, 1.548, 1.541,
];

export class SubgroupSizeOutOfRange extends RangeError {
  constructor(readonly size: number) {
    super(`control chart constants exist for subgroups of 2 to ${MAX_TABULATED_SUBGROUP_SIZE}, not ${size}`);
  }
}

function tabulated(table: readonly number[], n: number): number {
  if (!Number.isInteger(n) || n < 2 || n > MAX_TABULATED_SUBGROUP_SIZE) throw new SubgroupSizeOutOfRange(n);
  return table[n - 2]!;
}

/** ln Γ(x) (Lanczos), for c4 of any subgroup size. */
function logGamma(x: number): number {
  const g = 7;
  const coefficients = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const shifted = x - 1;
  let sum = coefficients[0]!;
  for (let i = 1; i < g + 2; i++) sum += coefficients[i]! / (shifted + i);
  const t = shifted + g + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (shifted + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** The constants of one subgroup size. */
export interface ControlChartConstants {
  n: number;
  /** E[R] / σ: σ̂ = R̄ / d2. */
  d2: number;
  /** E[s] / σ: σ̂ = s̄ / c4. */
  c4: number;
  /** X̄ limits from R̄: x̄̄ ± A2·R̄. */
  A2: number;
  /** X̄ limits from s̄: x̄̄ ± A3·s̄. */
  A3: number;
  /** R chart: D3·R̄ .. D4·R̄. */
  D3: number;
  D4: number;
  /** S chart: B3·s̄ .. B4·s̄. */
  B3: number;
  B4: number;
}

/** c4 = sqrt(2/(n-1)) · Γ(n/2) / Γ((n-1)/2). */
export function c4Of(n: number): number {
  if (!Number.isInteger(n) || n < 2) throw new SubgroupSizeOutOfRange(n);
  return Math.sqrt(2 / (n - 1)) * Math.exp(logGamma(n / 2) - logGamma((n - 1) / 2));
}

export function controlChartConstants(n: number): ControlChartConstants {
  const c4 = c4Of(n);
  const spread = (3 * Math.sqrt(1 - c4 * c4)) / c4;
  return {
    n,
    d2: tabulated(D2, n),
    c4,
    A2: tabulated(A2, n),
    A3: 3 / (c4 * Math.sqrt(n)),
    D3: tabulated(D3, n),
    D4: tabulated(D4, n),
    B3: Math.max(0, 1 - spread),
    B4: 1 + spread,
  };
}
