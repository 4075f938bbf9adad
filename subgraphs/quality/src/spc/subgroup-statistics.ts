// What a control chart plots of one subgroup: mean, range and sample standard deviation of its values.

export interface SubgroupStatistics {
  size: number;
  mean: number;
  range: number;
  /** Sample standard deviation (n − 1); 0 for one value. */
  stdDev: number;
}

export function subgroupStatistics(values: readonly number[]): SubgroupStatistics {
  if (values.length === 0) throw new RangeError("a subgroup has at least one value");
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const value of values) {
    if (!Number.isFinite(value)) throw new RangeError(`a subgroup value must be a finite number, not ${value}`);
    sum += value;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const mean = sum / values.length;
  let squares = 0;
  for (const value of values) squares += (value - mean) ** 2;
  return {
    size: values.length,
    mean,
    range: max - min,
    stdDev: values.length > 1 ? Math.sqrt(squares / (values.length - 1)) : 0,
  };
}

/** The sample standard deviation of every value together (the "overall" σ of Pp and Ppk). */
export function overallStdDev(values: readonly number[]): number {
  return subgroupStatistics(values).stdDev;
}
