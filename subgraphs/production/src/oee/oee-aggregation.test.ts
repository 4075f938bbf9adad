import { describe, expect, it } from "vitest";
import { combineOee, lineOeeFromConstraint, lineOeeOver } from "./oee-aggregation.ts";
import { computeOee, type OeeBucketInput, type OeeResult } from "./oee-calculation.ts";
import { at, expectLossesAddUp } from "./oee-test-support.ts";
import { fixedBuckets } from "./time-window.ts";

const RESULT_FIELDS = [
  "windowSeconds",
  "unknownSeconds",
  "plannedStopSeconds",
  "plannedProductionSeconds",
  "runSeconds",
  "breakdownSeconds",
  "setupAdjustmentSeconds",
  "smallStopSeconds",
  "reducedSpeedSeconds",
  "startupRejectSeconds",
  "productionRejectSeconds",
  "fullyProductiveSeconds",
  "totalCount",
  "goodCount",
  "availability",
  "performance",
  "quality",
  "oee",
] as const;

/** An hour of one machine: `run` minutes running, then `down` minutes down, then a break for the rest. */
function hour(startMinute: number, run: number, down: number, good: number): OeeResult {
  return computeOee({
    window: { start: at(startMinute), end: at(startMinute + 60) },
    states: [
      { state: "RUNNING", start: at(startMinute), end: at(startMinute + run) },
      { state: "DOWN", start: at(startMinute + run), end: at(startMinute + 60) },
    ],
    plannedBreaks: [{ start: at(startMinute + run + down), end: at(startMinute + 60) }],
    counts: [{ idealCycleTimeSeconds: 1, good, startupRejects: 0, productionRejects: 0 }],
  });
}

describe("combining buckets", () => {
  it("an hour and a half-hour combine by summing times and counts, which averaging the ratios would get wrong", () => {
    // Hour 1: 60 min planned, 60 min run, 3,600 units at 1 s -> A 1, P 1, Q 1, OEE 1.
    // Hour 2: 30 min break -> 30 min planned; 15 min down -> 15 min run; 450 units
    //         -> A = 15/30 = 0.5, P = 450/900 = 0.5, Q 1, OEE 0.25.
    // Averaging the OEEs: (1 + 0.25) / 2 = 0.625 -- wrong, it weighs 30 planned minutes like 60.
    // Summing: planned 90 min = 5,400 s; run 75 min = 4,500 s; count 4,050
    //   A = 4,500 / 5,400 = 0.8333; P = 4,050 / 4,500 = 0.9; Q = 1; OEE = 0.75 = 4,050 / 5,400.
    const h1 = hour(0, 60, 0, 3_600);
    const h2 = hour(60, 15, 15, 450);
    expect(h1.oee).toBeCloseTo(1, 10);
    expect(h2.oee).toBeCloseTo(0.25, 10);
    const shift = combineOee([h1, h2]);
    expect(shift.plannedProductionSeconds).toBe(5_400);
    expect(shift.runSeconds).toBe(4_500);
    expect(shift.availability).toBeCloseTo(0.8333, 4);
    expect(shift.performance).toBeCloseTo(0.9, 10);
    expect(shift.oee).toBeCloseTo(0.75, 10);
    const averaged = (h1.oee + h2.oee) / 2;
    expect(averaged).toBeCloseTo(0.625, 10);
    expect(shift.oee).not.toBeCloseTo(averaged, 2);
    expect(shift.start).toBe(at(0));
    expect(shift.end).toBe(at(120));
    expectLossesAddUp(shift);
  });

  it("sixty minute buckets combined give exactly the hour computed directly", () => {
    // A stop from 10:30 to 13:15 crosses four minute buckets; a micro-stop crosses a minute edge;
    // COMMS_LOST 40-42 and a break 50-55. Counts arrive 30 a minute, one reject each tenth minute.
    const input: Omit<OeeBucketInput, "window" | "counts"> = {
      states: [
        { state: "RUNNING", start: at(0), end: at(10.5) },
        { state: "DOWN", start: at(10.5), end: at(13.25) },
        { state: "RUNNING", start: at(13.25), end: at(20.9) },
        { state: "DOWN", start: at(20.9), end: at(21.2) },
        { state: "RUNNING", start: at(21.2), end: at(40) },
        { state: "COMMS_LOST", start: at(40), end: at(42) },
        { state: "RUNNING", start: at(42), end: null },
      ],
      downtime: [
        { start: at(10.5), end: at(13.25), category: "UNPLANNED", isMicroStop: false },
        { start: at(20.9), end: at(21.2), category: "UNPLANNED", isMicroStop: true },
      ],
      plannedBreaks: [{ start: at(50), end: at(55) }],
    };
    const countsOfMinute = (m: number) => [
      {
        idealCycleTimeSeconds: 1.5,
        good: m % 10 === 0 ? 29 : 30,
        startupRejects: 0,
        productionRejects: m % 10 ? 0 : 1,
      },
    ];
    const minutes = fixedBuckets({ start: at(0), end: at(60) }, "MINUTE").map((window, m) =>
      computeOee({ ...input, window, counts: countsOfMinute(m) }),
    );
    expect(minutes).toHaveLength(60);
    const combined = combineOee(minutes);
    const direct = computeOee({
      ...input,
      window: { start: at(0), end: at(60) },
      counts: [{ idealCycleTimeSeconds: 1.5, good: 30 * 60 - 6, startupRejects: 0, productionRejects: 6 }],
    });
    for (const field of RESULT_FIELDS) expect(combined[field], field).toBeCloseTo(direct[field], 9);
    expect(combined.smallStopSeconds).toBeCloseTo(18, 9);
    expect(combined.breakdownSeconds).toBeCloseTo(165, 9);
    expect(combined.unknownSeconds).toBe(120);
    expect(combined.idealCycleTimeSeconds).toBe(1.5);
    expectLossesAddUp(combined);
  });

  it("overlapping buckets are refused, since their time would count twice", () => {
    const a = hour(0, 60, 0, 3_600);
    expect(() => combineOee([a, a])).toThrow(RangeError);
    expect(() => combineOee([])).toThrow(RangeError);
  });
});

describe("line OEE", () => {
  // One hour of a three-machine line. The filler is the constraint; the depalletizer upstream waits on
  // it (idle 20 min: starved/blocked), the labeler downstream is faster and idles too.
  //   depalletizer: run 40 min, ideal 0.5 s, 3,000 units -> A 0.6667, P 0.625, OEE 0.4167
  //   filler:       run 54 min, ideal 1.0 s, 2,916 units (good 2,900) -> A 0.9, P 0.9, Q 0.9945, OEE 0.8056
  //   labeler:      run 30 min, ideal 0.5 s, 2,900 units -> A 0.5, P 0.8056, OEE 0.4028
  // Line OEE = the filler's 0.8056 (= 2,900 s fully productive / 3,600 s), not the average
  // (0.5417) nor the product (0.1352) of the three.
  const machine = (run: number, ideal: number, good: number, rejects: number) =>
    computeOee({
      window: { start: at(0), end: at(60) },
      states: [
        { state: "RUNNING", start: at(0), end: at(run) },
        { state: "IDLE", start: at(run), end: at(60) },
      ],
      counts: [{ idealCycleTimeSeconds: ideal, good, startupRejects: 0, productionRejects: rejects }],
    });
  const equipment = {
    depalletizer: machine(40, 0.5, 3_000, 0),
    filler: machine(54, 1, 2_900, 16),
    labeler: machine(30, 0.5, 2_900, 0),
  };

  it("a line's OEE is its constraint's, not the average or the product of its equipment", () => {
    const line = lineOeeFromConstraint({ constraintEquipmentId: "filler", equipment });
    expect(line.oee).toBeCloseTo(2_900 / 3_600, 10);
    expect(line.oee).toBeCloseTo(0.8056, 4);
    const all = Object.values(equipment).map((r) => r.oee);
    expect(all.reduce((a, b) => a + b) / all.length).toBeCloseTo(0.5417, 4);
    expect(all.reduce((a, b) => a * b)).toBeCloseTo(0.1352, 4);
    expect(line.runSeconds).toBe(54 * 60);
    expect(line.totalCount).toBe(2_916);
    expectLossesAddUp(line);
  });

  it("a line whose constraint moves between hours sums each hour's constraint", () => {
    const hourTwo = Object.fromEntries(
      Object.entries(equipment).map(([id, r]) => [id, { ...r, start: at(60), end: at(120) }]),
    );
    const line = lineOeeOver([
      { constraintEquipmentId: "filler", equipment: new Map(Object.entries(equipment)) },
      { constraintEquipmentId: "labeler", equipment: hourTwo },
    ]);
    // planned 7,200 s; fully productive 2,900 x 1 s + 2,900 x 0.5 s = 4,350 s -> OEE 0.6042
    expect(line.fullyProductiveSeconds).toBeCloseTo(4_350, 9);
    expect(line.oee).toBeCloseTo(4_350 / 7_200, 10);
    expectLossesAddUp(line);
  });

  it("asking for a constraint that has no OEE is refused", () => {
    expect(() => lineOeeFromConstraint({ constraintEquipmentId: "palletizer", equipment })).toThrow(RangeError);
  });
});
