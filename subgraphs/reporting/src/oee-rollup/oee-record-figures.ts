// Persisted OEE buckets as results of production's OEE calculation and back: rolling HOUR buckets up
// into SHIFT and DAY buckets goes through production's combineOee (sum times and counts, derive the
// ratios once), so every figure of a report has the one definition of oee-calculation.ts.
import type { OeeRecord } from "@ms5/db";
import { combineOee, type OeeResult, oeeFromTotals } from "@ms5/production/oee";

/** The figures of a bucket row, without its identity. */
export type OeeRecordFigures = Pick<
  OeeRecord,
  | "bucketStart"
  | "bucketEnd"
  | "plannedProductionSeconds"
  | "runSeconds"
  | "idealCycleTimeSeconds"
  | "totalCount"
  | "goodCount"
  | "rejectCount"
  | "availability"
  | "performance"
  | "quality"
  | "oee"
  | "breakdownSeconds"
  | "setupAdjustmentSeconds"
  | "smallStopSeconds"
  | "reducedSpeedSeconds"
  | "startupRejectSeconds"
  | "productionRejectSeconds"
>;

/**
 * A persisted bucket as an OeeResult. The row keeps what the ratios need: net run time is ideal
 * cycle time × total count (the ideal is count-weighted), fully productive time is quality × net
 * run time. A row does not split its time outside planned production into planned stops and
 * unknown time, so all of it counts as unknown here; no ratio reads either.
 */
export function oeeResultOfRecord(record: OeeRecordFigures): OeeResult {
  const start = record.bucketStart.getTime();
  const end = record.bucketEnd.getTime();
  const windowSeconds = (end - start) / 1000;
  const ideal = record.idealCycleTimeSeconds;
  const netRunSeconds = ideal !== null && record.totalCount > 0 ? ideal * record.totalCount : 0;
  const startupRejectCount = ideal ? Math.min(record.rejectCount, Math.round(record.startupRejectSeconds / ideal)) : 0;
  return oeeFromTotals(
    {
      start,
      end,
      windowSeconds,
      unknownSeconds: Math.max(0, windowSeconds - record.plannedProductionSeconds),
      plannedStopSeconds: 0,
      plannedProductionSeconds: record.plannedProductionSeconds,
      runSeconds: record.runSeconds,
      breakdownSeconds: record.breakdownSeconds,
      setupAdjustmentSeconds: record.setupAdjustmentSeconds,
      smallStopSeconds: record.smallStopSeconds,
      netRunSeconds,
      fullyProductiveSeconds: record.quality * netRunSeconds,
      startupRejectSeconds: record.startupRejectSeconds,
      productionRejectSeconds: record.productionRejectSeconds,
      goodCount: record.goodCount,
      startupRejectCount,
      productionRejectCount: record.rejectCount - startupRejectCount,
    },
    ideal,
  );
}

/** Several buckets of one subject as one result (production's combineOee). */
export function combineRecords(records: readonly OeeRecordFigures[]): OeeResult {
  return combineOee(records.map(oeeResultOfRecord));
}

/** The columns of a bucket row from a result, as production writes them. */
export function recordFiguresOf(result: OeeResult) {
  return {
    plannedProductionSeconds: result.plannedProductionSeconds,
    runSeconds: result.runSeconds,
    idealCycleTimeSeconds: result.idealCycleTimeSeconds,
    totalCount: result.totalCount,
    goodCount: result.goodCount,
    rejectCount: result.rejectCount,
    availability: result.availability,
    performance: result.performance,
    quality: result.quality,
    oee: result.oee,
    breakdownSeconds: result.breakdownSeconds,
    setupAdjustmentSeconds: result.setupAdjustmentSeconds,
    smallStopSeconds: result.smallStopSeconds,
    // Negative when performance is above 1 (a wrong ideal rate); stored as no loss, as production does.
    reducedSpeedSeconds: Math.max(0, result.reducedSpeedSeconds),
    startupRejectSeconds: result.startupRejectSeconds,
    productionRejectSeconds: result.productionRejectSeconds,
  };
}
