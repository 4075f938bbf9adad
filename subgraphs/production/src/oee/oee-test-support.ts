// Shared by the OEE tests: a fixed clock origin and the loss identity every result must satisfy.

import { expect } from "vitest";
import type { OeeResult } from "./oee-calculation.ts";

/** Monday 6 January 2025, 06:00 UTC: the start of a morning shift. */
export const SHIFT_START = Date.UTC(2025, 0, 6, 6, 0, 0);

/** The instant `m` minutes after SHIFT_START, in epoch ms. */
export function at(m: number): number {
  return SHIFT_START + m * 60_000;
}

/** The six big losses plus fully productive time are the planned production time, and the window is all accounted for. */
export function expectLossesAddUp(r: OeeResult): void {
  const sixLosses =
    r.breakdownSeconds +
    r.setupAdjustmentSeconds +
    r.smallStopSeconds +
    r.reducedSpeedSeconds +
    r.startupRejectSeconds +
    r.productionRejectSeconds;
  expect(sixLosses + r.fullyProductiveSeconds).toBeCloseTo(r.plannedProductionSeconds, 6);
  expect(r.unknownSeconds + r.plannedStopSeconds + r.plannedProductionSeconds).toBeCloseTo(r.windowSeconds, 6);
  expect(r.runSeconds + r.breakdownSeconds + r.setupAdjustmentSeconds + r.smallStopSeconds).toBeCloseTo(
    r.plannedProductionSeconds,
    6,
  );
  if (r.plannedProductionSeconds > 0 && r.runSeconds > 0 && r.totalCount > 0) {
    expect(r.oee).toBeCloseTo(r.fullyProductiveSeconds / r.plannedProductionSeconds, 9);
  }
}
