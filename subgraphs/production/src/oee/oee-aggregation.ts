// Combining OEE buckets (minute -> hour -> shift, equipment -> line): sum times and counts, then
// derive the ratios again. Averaging ratios would weigh a 10-minute bucket like a 60-minute one.

import {
  type OeeCalculationOptions,
  type OeeResult,
  type OeeTotals,
  oeeFromTotals,
  sharedIdealCycleTime,
} from "./oee-calculation.ts";

const SUMMED: ReadonlyArray<keyof OeeTotals> = [
  "windowSeconds",
  "unknownSeconds",
  "plannedStopSeconds",
  "plannedProductionSeconds",
  "runSeconds",
  "breakdownSeconds",
  "setupAdjustmentSeconds",
  "smallStopSeconds",
  "netRunSeconds",
  "fullyProductiveSeconds",
  "startupRejectSeconds",
  "productionRejectSeconds",
  "goodCount",
  "startupRejectCount",
  "productionRejectCount",
];

/**
 * One result for several buckets of the same subject (e.g. the 60 minutes of an hour, the hours of a
 * shift): times and counts summed, ratios derived from the sums. The window runs from the earliest
 * start to the latest end; buckets must not overlap, or their time would count twice.
 */
export function combineOee(buckets: readonly OeeResult[], options: OeeCalculationOptions = {}): OeeResult {
  if (buckets.length === 0) throw new RangeError("combineOee needs at least one bucket");
  const sorted = [...buckets].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.start < sorted[i - 1]!.end) {
      throw new RangeError(`OEE buckets overlap at ${sorted[i]!.start}: their time would count twice`);
    }
  }
  const totals = {} as OeeTotals;
  for (const key of SUMMED) totals[key] = 0;
  for (const bucket of sorted) for (const key of SUMMED) totals[key] += bucket[key];
  const start = sorted[0]!.start;
  const end = Math.max(...sorted.map((b) => b.end));
  return oeeFromTotals(
    { ...totals, start, end },
    sharedIdealCycleTime(sorted.map((b) => b.idealCycleTimeSeconds)),
    options,
  );
}

/** The equipment results of one line for one bucket, and which equipment is the constraint then. */
export interface LineBucket {
  constraintEquipmentId: string;
  equipment: ReadonlyMap<string, OeeResult> | Readonly<Record<string, OeeResult>>;
}

/**
 * Line OEE for one bucket: the constraint's (bottleneck's) times and counts, since the line makes
 * what its constraint makes. Neither the average nor the product of every equipment's OEE: an
 * upstream machine that waits on the constraint is not a line loss.
 */
export function lineOeeFromConstraint(bucket: LineBucket): OeeResult {
  const { constraintEquipmentId, equipment } = bucket;
  const result =
    equipment instanceof Map
      ? equipment.get(constraintEquipmentId)
      : (equipment as Readonly<Record<string, OeeResult>>)[constraintEquipmentId];
  if (!result) throw new RangeError(`No OEE for the constraint equipment ${constraintEquipmentId}`);
  return result;
}

/**
 * Line OEE over several buckets, when the constraint may move between them (e.g. with the product):
 * each bucket's constraint result, then summed.
 */
export function lineOeeOver(buckets: readonly LineBucket[], options: OeeCalculationOptions = {}): OeeResult {
  return combineOee(buckets.map(lineOeeFromConstraint), options);
}
