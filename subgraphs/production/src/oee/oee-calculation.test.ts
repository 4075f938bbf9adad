import { describe, expect, it } from "vitest";
import { computeOee, type DowntimeInterval, type StateInterval } from "./oee-calculation.ts";
import { at, expectLossesAddUp } from "./oee-test-support.ts";

const running = (from: number, to: number): StateInterval => ({ state: "RUNNING", start: at(from), end: at(to) });
const state = (s: StateInterval["state"], from: number, to: number): StateInterval => ({
  state: s,
  start: at(from),
  end: at(to),
});
const unplanned = (from: number, to: number, extra: Partial<DowntimeInterval> = {}): DowntimeInterval => ({
  start: at(from),
  end: at(to),
  category: "UNPLANNED",
  isMicroStop: false,
  ...extra,
});

describe("textbook examples", () => {
  it("the classic Vorne shift gives A 0.8881, P 0.8611, Q 0.9780 and OEE 0.7479", () => {
    // Shift 8 h = 480 min. Breaks 2 x 15 min + 30 min meal = 60 min -> planned production time 420 min.
    // Downtime 47 min -> run time 373 min = 22,380 s. Ideal cycle time 1.0 s (60 ppm).
    // Total count 19,271, rejects 423 -> good 18,848.
    // A = 373 / 420 = 0.8881; P = 19,271 x 1 s / 22,380 s = 0.8611; Q = 18,848 / 19,271 = 0.9780
    // OEE = 0.8881 x 0.8611 x 0.9780 = 0.7479 (= 18,848 s fully productive / 25,200 s planned).
    const r = computeOee({
      window: { start: new Date(at(0)), end: new Date(at(480)) },
      states: [running(0, 60), state("DOWN", 60, 107), running(107, 480)],
      downtime: [unplanned(60, 107, { sixBigLoss: "BREAKDOWN" })],
      plannedBreaks: [
        { start: at(120), end: at(135) },
        { start: at(240), end: at(270) },
        { start: at(360), end: at(375) },
      ],
      counts: [{ idealCycleTimeSeconds: 1, good: 18_848, startupRejects: 0, productionRejects: 423 }],
    });
    expect(r.plannedStopSeconds).toBe(60 * 60);
    expect(r.plannedProductionSeconds).toBe(420 * 60);
    expect(r.runSeconds).toBe(373 * 60);
    expect(r.totalCount).toBe(19_271);
    expect(r.availability).toBeCloseTo(0.8881, 4);
    expect(r.performance).toBeCloseTo(0.8611, 4);
    expect(r.quality).toBeCloseTo(0.978, 4);
    expect(r.oee).toBeCloseTo(0.7479, 4);
    // Losses: breakdowns 47 min = 2,820 s; reduced speed 22,380 - 19,271 = 3,109 s; production rejects
    // 423 x 1 s = 423 s; fully productive 18,848 s. 2,820 + 3,109 + 423 + 18,848 = 25,200 s = 420 min.
    expect(r.breakdownSeconds).toBe(2_820);
    expect(r.reducedSpeedSeconds).toBe(3_109);
    expect(r.productionRejectSeconds).toBe(423);
    expect(r.fullyProductiveSeconds).toBe(18_848);
    expect(r.unknownSeconds).toBe(0);
    expect(r.warnings).toEqual([]);
    expectLossesAddUp(r);
  });

  it("COMMS_LOST time is left out of planned production time and reported as unknown, not as downtime", () => {
    // Window 60 min: RUNNING 20, COMMS_LOST 10, RUNNING 25, DOWN 5.
    // unknown = 10 min = 600 s; planned = 60 - 10 = 50 min = 3,000 s; run = 50 - 5 = 45 min = 2,700 s.
    // Ideal 2 s; total 1,200 (good 1,170, rejects 30) -> net run 2,400 s.
    // A = 2,700 / 3,000 = 0.9; P = 2,400 / 2,700 = 0.8889; Q = 1,170 / 1,200 = 0.975
    // OEE = 0.9 x 0.8889 x 0.975 = 0.78 (= 2,340 / 3,000).
    // Counting the 10 lost minutes as downtime would have given A = 2,700 / 3,600 = 0.75 instead.
    const r = computeOee({
      window: { start: at(0), end: at(60) },
      states: [running(0, 20), state("COMMS_LOST", 20, 30), running(30, 55), state("DOWN", 55, 60)],
      downtime: [unplanned(55, 60)],
      counts: [{ idealCycleTimeSeconds: 2, good: 1_170, startupRejects: 0, productionRejects: 30 }],
    });
    expect(r.unknownSeconds).toBe(600);
    expect(r.plannedProductionSeconds).toBe(3_000);
    expect(r.runSeconds).toBe(2_700);
    expect(r.breakdownSeconds).toBe(300);
    expect(r.availability).toBeCloseTo(0.9, 10);
    expect(r.performance).toBeCloseTo(0.8889, 4);
    expect(r.quality).toBeCloseTo(0.975, 10);
    expect(r.oee).toBeCloseTo(0.78, 10);
    expectLossesAddUp(r);
  });

  it("a downtime event left open across a comms loss does not turn the lost minutes into downtime", () => {
    // DOWN 10 min, then COMMS_LOST 20 min while the event stays open, then DOWN 30 min.
    // Breakdown = 10 + 30 = 40 min; unknown = 20 min; planned = 40 min; run = 0.
    const r = computeOee({
      window: { start: at(0), end: at(60) },
      states: [state("DOWN", 0, 10), state("COMMS_LOST", 10, 30), state("DOWN", 30, 60)],
      downtime: [{ start: at(0), end: null, category: "UNPLANNED", isMicroStop: false }],
      counts: [],
    });
    expect(r.breakdownSeconds).toBe(40 * 60);
    expect(r.unknownSeconds).toBe(20 * 60);
    expect(r.runSeconds).toBe(0);
    expectLossesAddUp(r);
  });

  it("time no state interval covers is unknown, like COMMS_LOST", () => {
    // States cover only minutes 0-45 of the hour: 15 min unknown, 45 min planned, all running.
    const r = computeOee({
      window: { start: at(0), end: at(60) },
      states: [running(0, 45)],
      counts: [{ idealCycleTimeSeconds: 1, good: 2_700, startupRejects: 0, productionRejects: 0 }],
    });
    expect(r.unknownSeconds).toBe(900);
    expect(r.plannedProductionSeconds).toBe(2_700);
    expect(r.oee).toBeCloseTo(1, 10);
    expectLossesAddUp(r);
  });

  it("micro-stops are small stops, long unplanned stops and maintenance are breakdowns, and starved idle time is a small stop", () => {
    // Window 60 min, ideal 1.5 s.
    //   10:00-11:30  DOWN, event UNPLANNED micro-stop (reason class BREAKDOWN: a jaw jam) -> small stop   90 s
    //   20-40 min    DOWN, event UNPLANNED, not micro, no reason yet                     -> breakdown 1,200 s
    //   45-48 min    IDLE (starved), no event                                            -> small stop  180 s
    //   50-52 min    DOWN, event MAINTENANCE                                             -> breakdown   120 s
    // stops = 90 + 1,200 + 180 + 120 = 1,590 s; run = 3,600 - 1,590 = 2,010 s
    // total 1,200 (good 1,180, rejects 20): net run = 1,800 s; reduced speed = 2,010 - 1,800 = 210 s
    // A = 2,010 / 3,600 = 0.5583; P = 1,800 / 2,010 = 0.8955; Q = 1,180 / 1,200 = 0.9833
    // OEE = 1,180 x 1.5 / 3,600 = 1,770 / 3,600 = 0.4917
    const r = computeOee({
      window: { start: at(0), end: at(60) },
      states: [
        running(0, 10),
        state("DOWN", 10, 11.5),
        running(11.5, 20),
        state("DOWN", 20, 40),
        running(40, 45),
        state("IDLE", 45, 48),
        running(48, 50),
        state("DOWN", 50, 52),
        running(52, 60),
      ],
      downtime: [
        unplanned(10, 11.5, { isMicroStop: true, sixBigLoss: "BREAKDOWN" }),
        unplanned(20, 40),
        { start: at(50), end: at(52), category: "MAINTENANCE", isMicroStop: false },
      ],
      counts: [{ idealCycleTimeSeconds: 1.5, good: 1_180, startupRejects: 0, productionRejects: 20 }],
    });
    expect(r.smallStopSeconds).toBe(90 + 180);
    expect(r.breakdownSeconds).toBe(1_200 + 120);
    expect(r.runSeconds).toBe(2_010);
    expect(r.reducedSpeedSeconds).toBeCloseTo(210, 9);
    expect(r.availability).toBeCloseTo(0.5583, 4);
    expect(r.performance).toBeCloseTo(0.8955, 4);
    expect(r.quality).toBeCloseTo(0.9833, 4);
    expect(r.oee).toBeCloseTo(0.4917, 4);
    expectLossesAddUp(r);
  });

  it("an unplanned stop whose reason is classed SMALL_STOP (blocked downstream) is a small stop however long it lasts", () => {
    const r = computeOee({
      window: { start: at(0), end: at(60) },
      states: [running(0, 30), state("IDLE", 30, 45), running(45, 60)],
      downtime: [unplanned(30, 45, { sixBigLoss: "SMALL_STOP" })],
      counts: [],
    });
    expect(r.smallStopSeconds).toBe(900);
    expect(r.breakdownSeconds).toBe(0);
    expectLossesAddUp(r);
  });

  it("a changeover between two products is setup time, and performance weighs each product by its own ideal cycle time", () => {
    // Window 120 min: product A runs 0-50 min, changeover 50-75 min (25 min = 1,500 s), product B 75-120 min.
    // run = 50 + 45 = 95 min = 5,700 s; planned = 7,200 s.
    // A: ideal 1.2 s x 2,000 good                                  = 2,400 s net run
    // B: ideal 0.8 s x (3,000 good + 50 startup + 25 production)   = 0.8 x 3,075 = 2,460 s net run
    // net run = 4,860 s; reduced speed = 5,700 - 4,860 = 840 s
    // startup rejects = 0.8 x 50 = 40 s; production rejects = 0.8 x 25 = 20 s
    // fully productive = 2,400 + 0.8 x 3,000 = 4,800 s
    // A = 5,700 / 7,200 = 0.7917; P = 4,860 / 5,700 = 0.8526
    // Q weighs each unit by its ideal time: 4,800 / 4,860 = 0.9877 (a plain 5,000 / 5,075 = 0.9852 would
    // count a reject of the fast product B like a good unit of the slow product A)
    // OEE = 0.7917 x 0.8526 x 0.9877 = 0.6667 = 4,800 / 7,200. Check: 1,500 + 840 + 40 + 20 + 4,800 = 7,200.
    const r = computeOee({
      window: { start: at(0), end: at(120) },
      states: [running(0, 50), state("CHANGEOVER", 50, 75), running(75, 120)],
      downtime: [{ start: at(50), end: at(75), category: "CHANGEOVER", isMicroStop: false }],
      counts: [
        { productTypeId: "A", idealCycleTimeSeconds: 1.2, good: 2_000, startupRejects: 0, productionRejects: 0 },
        { productTypeId: "B", idealCycleTimeSeconds: 0.8, good: 3_000, startupRejects: 50, productionRejects: 25 },
      ],
    });
    expect(r.setupAdjustmentSeconds).toBe(1_500);
    expect(r.runSeconds).toBe(5_700);
    expect(r.netRunSeconds).toBeCloseTo(4_860, 9);
    expect(r.reducedSpeedSeconds).toBeCloseTo(840, 9);
    expect(r.startupRejectSeconds).toBeCloseTo(40, 9);
    expect(r.productionRejectSeconds).toBeCloseTo(20, 9);
    expect(r.availability).toBeCloseTo(0.7917, 4);
    expect(r.performance).toBeCloseTo(0.8526, 4);
    expect(r.quality).toBeCloseTo(0.9877, 4);
    expect(r.oee).toBeCloseTo(0.6667, 4);
    expect(r.idealCycleTimeSeconds).toBeCloseTo(4_860 / 5_075, 9);
    expectLossesAddUp(r);
  });

  it("a CHANGEOVER state without an event, and an unplanned stop whose reason is an adjustment, are setup time", () => {
    const r = computeOee({
      window: { start: at(0), end: at(60) },
      states: [running(0, 10), state("CHANGEOVER", 10, 20), running(20, 30), state("DOWN", 30, 35), running(35, 60)],
      downtime: [unplanned(30, 35, { sixBigLoss: "SETUP_ADJUSTMENT" })],
      counts: [],
    });
    expect(r.setupAdjustmentSeconds).toBe(15 * 60);
    expectLossesAddUp(r);
  });

  it("performance above 1 is kept, flagged, and shows as a negative reduced-speed loss", () => {
    // 60 min all running, ideal 1 s, 4,000 good: P = 4,000 / 3,600 = 1.1111 (the ideal is too slow).
    // reduced speed = 3,600 - 4,000 = -400 s, so the losses still add up to planned production time.
    const input = {
      window: { start: at(0), end: at(60) },
      states: [running(0, 60)],
      counts: [{ idealCycleTimeSeconds: 1, good: 4_000, startupRejects: 0, productionRejects: 0 }],
    };
    const r = computeOee(input);
    expect(r.performance).toBeCloseTo(1.1111, 4);
    expect(r.oee).toBeCloseTo(1.1111, 4);
    expect(r.reducedSpeedSeconds).toBe(-400);
    expect(r.warnings).toEqual(["PERFORMANCE_ABOVE_IDEAL"]);
    expectLossesAddUp(r);
    expect(computeOee(input, { performanceAboveIdealTolerance: 0.2 }).warnings).toEqual([]);
  });

  it("PLANNED_STOP states and PLANNED downtime events are planned stops, not losses", () => {
    // 60 min: PLANNED_STOP 0-10, running 10-60 with a planned (scheduled cleaning) event 40-50.
    // planned production = 60 - 10 - 10 = 40 min.
    const r = computeOee({
      window: { start: at(0), end: at(60) },
      states: [state("PLANNED_STOP", 0, 10), running(10, 60)],
      downtime: [{ start: at(40), end: at(50), category: "PLANNED", isMicroStop: false }],
      counts: [{ idealCycleTimeSeconds: 1, good: 2_400, startupRejects: 0, productionRejects: 0 }],
    });
    expect(r.plannedStopSeconds).toBe(1_200);
    expect(r.plannedProductionSeconds).toBe(2_400);
    expect(r.runSeconds).toBe(2_400);
    expect(r.oee).toBeCloseTo(1, 10);
    expectLossesAddUp(r);
  });

  it("a planned break outranks COMMS_LOST: the schedule is known without the PLC", () => {
    const r = computeOee({
      window: { start: at(0), end: at(60) },
      states: [running(0, 30), state("COMMS_LOST", 30, 60)],
      plannedBreaks: [{ start: at(30), end: at(45) }],
      counts: [],
    });
    expect(r.plannedStopSeconds).toBe(900);
    expect(r.unknownSeconds).toBe(900);
    expectLossesAddUp(r);
  });
});

describe("zero denominators", () => {
  it("a bucket that is all planned break has no planned time: every ratio is 0 and it says NO_PLANNED_TIME", () => {
    const r = computeOee({
      window: { start: at(0), end: at(30) },
      states: [state("PLANNED_STOP", 0, 30)],
      plannedBreaks: [{ start: at(0), end: at(30) }],
      counts: [{ idealCycleTimeSeconds: 1, good: 0, startupRejects: 0, productionRejects: 0 }],
    });
    expect([r.availability, r.performance, r.quality, r.oee]).toEqual([0, 0, 0, 0]);
    expect(r.warnings).toEqual(["NO_PLANNED_TIME"]);
    expect(r.idealCycleTimeSeconds).toBe(1);
    expectLossesAddUp(r);
  });

  it("a bucket that is all COMMS_LOST is all unknown and has no planned time", () => {
    const r = computeOee({ window: { start: at(0), end: at(5) }, states: [state("COMMS_LOST", 0, 5)], counts: [] });
    expect(r.unknownSeconds).toBe(300);
    expect(r.plannedProductionSeconds).toBe(0);
    expect(r.warnings).toEqual(["NO_PLANNED_TIME"]);
    expect(r.idealCycleTimeSeconds).toBeNull();
  });

  it("a bucket stopped throughout has availability 0, performance 0 and quality 0 with no count", () => {
    const r = computeOee({
      window: { start: at(0), end: at(60) },
      states: [state("DOWN", 0, 60)],
      downtime: [unplanned(0, 60)],
      counts: [],
    });
    expect([r.availability, r.performance, r.quality, r.oee]).toEqual([0, 0, 0, 0]);
    expect(r.breakdownSeconds).toBe(3_600);
    expect(r.warnings).toEqual(["NO_RUN_TIME"]);
    expectLossesAddUp(r);
  });

  it("counts landing in a bucket with no run time keep their quality, give performance 0 and are flagged", () => {
    const r = computeOee({
      window: { start: at(0), end: at(1) },
      states: [state("DOWN", 0, 1)],
      counts: [{ idealCycleTimeSeconds: 1, good: 9, startupRejects: 0, productionRejects: 1 }],
    });
    expect(r.performance).toBe(0);
    expect(r.quality).toBeCloseTo(0.9, 10);
    expect(r.oee).toBe(0);
    expect(r.warnings).toEqual(["NO_RUN_TIME", "COUNT_WITHOUT_RUN_TIME"]);
    expectLossesAddUp(r);
  });

  it("running without making anything is all reduced-speed loss: performance 0, not undefined", () => {
    const r = computeOee({ window: { start: at(0), end: at(10) }, states: [running(0, 10)], counts: [] });
    expect(r.availability).toBe(1);
    expect(r.performance).toBe(0);
    expect(r.reducedSpeedSeconds).toBe(600);
    expectLossesAddUp(r);
  });
});

describe("bad input", () => {
  it("a negative count or a non-positive ideal cycle time is refused", () => {
    const base = { window: { start: at(0), end: at(1) }, states: [running(0, 1)] };
    expect(() =>
      computeOee({
        ...base,
        counts: [{ idealCycleTimeSeconds: 1, good: -1, startupRejects: 0, productionRejects: 0 }],
      }),
    ).toThrow(RangeError);
    expect(() =>
      computeOee({ ...base, counts: [{ idealCycleTimeSeconds: 0, good: 1, startupRejects: 0, productionRejects: 0 }] }),
    ).toThrow(RangeError);
  });

  it("a window that ends before it starts is refused", () => {
    expect(() => computeOee({ window: { start: at(1), end: at(0) }, states: [], counts: [] })).toThrow(RangeError);
  });
});
