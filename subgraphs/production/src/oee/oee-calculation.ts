// OEE for one bucket (a window, one equipment or line, optionally one product), as the textbook
// defines it, with the six big losses as times. Pure: no database, no clock, no I/O.
//
// DEFINITIONS (times in seconds; the window is half-open [start, end))
//
//   Every instant of the window falls in exactly one class, decided in this order:
//     1. planned break (the schedule)                         -> planned stop
//     2. COMMS_LOST, or no state recorded at all              -> unknown
//     3. PLANNED_STOP state, or a PLANNED downtime event      -> planned stop
//     4. RUNNING with no downtime event open                  -> run
//     5. anything else (DOWN, IDLE, CHANGEOVER, or an unplanned / maintenance / changeover event)
//                                                              -> stop, in one of three losses:
//          event category CHANGEOVER, or reason SETUP_ADJUSTMENT     -> setup and adjustments
//          event category MAINTENANCE                                -> breakdowns
//          event UNPLANNED and micro-stop, or reason SMALL_STOP      -> small stops
//          event UNPLANNED otherwise                                 -> breakdowns
//          no event: CHANGEOVER -> setup; IDLE (starved / blocked) -> small stops; DOWN -> breakdowns
//        (the event decides over the state because it carries the confirmed reason; the micro-stop flag
//        is the detector's, set on the whole event, since a clipped piece no longer shows its length)
//   The schedule outranks COMMS_LOST (a break is known without the PLC); COMMS_LOST outranks every
//   PLC-derived class: it is never downtime.
//
//   unknown                  = COMMS_LOST + uncovered time. Out of numerator AND denominator; reported
//                              so a dashboard can show data coverage (1 - unknown / window).
//   planned production time  = window - planned stops - unknown
//   run time                 = planned production time - stop time (breakdowns + setup + small stops)
//   net run time             = sum over products of ideal cycle time x total count
//   fully productive time    = sum over products of ideal cycle time x good count
//   Availability = run time / planned production time
//   Performance  = net run time / run time       (> 1: the ideal cycle time is wrong; kept, and flagged)
//   Quality      = good / total, each unit weighed by its ideal cycle time when the bucket spans products
//                  (= fully productive time / net run time; plain good / total for one product). Counting
//                  a 0.8 s unit like a 1.2 s one would break OEE = A x P x Q = fully productive / planned.
//   OEE          = A x P x Q = fully productive time / planned production time
//   Six big losses as time: breakdowns, setup and adjustments, small stops (above);
//     reduced speed     = run time - net run time            (negative when performance > 1)
//     startup rejects   = ideal cycle time x startup rejects
//     production rejects= ideal cycle time x production rejects
//   and planned production time = the six losses + fully productive time, exactly.
//
// ZERO DENOMINATORS: a ratio whose denominator is 0 is 0, and a warning names the case. Zero never
// overstates (an hour with no planned time must not look like a perfect hour), keeps OEE = A x P x Q,
// and costs nothing when buckets are combined, because combining sums times and counts and never
// averages ratios. So: no planned time -> A = P = Q = OEE = 0 (NO_PLANNED_TIME); planned time but no
// run time -> A = 0, P = 0 (NO_RUN_TIME); counts landing in a bucket with no run time (a count delta
// that arrives just after a stop) keep their counts for the longer buckets, P = 0, and the bucket is
// flagged COUNT_WITHOUT_RUN_TIME; no count -> Q = 0 (totalCount 0 tells a display to show a gap).
//
// WORKED EXAMPLE (Vorne's classic shift)
//   shift 8 h = 480 min; breaks 2 x 15 min + 30 min meal = 60 min  -> planned production time 420 min
//   downtime 47 min (a breakdown)                                  -> run time 373 min = 22,380 s
//   ideal cycle time 1.0 s (60 ppm); total 19,271; rejects 423     -> good 18,848
//   A = 373 / 420 = 0.8881
//   P = 19,271 x 1 s / 22,380 s = 0.8611
//   Q = 18,848 / 19,271 = 0.9780
//   OEE = 0.8881 x 0.8611 x 0.9780 = 0.7479 = 18,848 s / 25,200 s
//   losses: breakdowns 2,820 s + reduced speed (22,380 - 19,271) 3,109 s + production rejects 423 s
//           + fully productive 18,848 s = 25,200 s = planned production time.

import type { EquipmentState } from "@ms5/schema";
import { clipToWindow, type EpochWindow, type Instant, type TimeWindow, toEpochWindow } from "./time-window.ts";

/** Mirrors the Prisma enum DowntimeCategory. */
export type DowntimeCategory = "PLANNED" | "UNPLANNED" | "MAINTENANCE" | "CHANGEOVER";
/** Mirrors the Prisma enum SixBigLoss. */
export type SixBigLoss =
  | "BREAKDOWN"
  | "SETUP_ADJUSTMENT"
  | "SMALL_STOP"
  | "REDUCED_SPEED"
  | "STARTUP_REJECT"
  | "PRODUCTION_REJECT";

/** Tunables of the calculation. */
export const OEE_CALCULATION_DEFAULTS = {
  /**
   * How far above 1 performance may go before it is flagged PERFORMANCE_ABOVE_IDEAL. Minute buckets
   * can pass 1 by a count or two when a count delta lands at a bucket edge; raise this for them.
   * @default 0
   */
  performanceAboveIdealTolerance: 0,
} as const;
export type OeeCalculationOptions = { -readonly [K in keyof typeof OEE_CALCULATION_DEFAULTS]?: number };

/** An equipment state over an interval (EquipmentStateChange); `end: null` is the current state. */
export interface StateInterval {
  state: EquipmentState;
  start: Instant;
  end: Instant | null;
}

/** A downtime event (not superseded) with its category, micro-stop flag and its reason's six-big-loss class. */
export interface DowntimeInterval {
  start: Instant;
  end: Instant | null;
  category: DowntimeCategory;
  isMicroStop: boolean;
  sixBigLoss?: SixBigLoss | null;
}

/** Counts of one product in the bucket; rejects split by ScrapRecord.duringStartup. */
export interface ProductCounts {
  productTypeId?: string | null;
  /** ProductType.idealCycleTimeSeconds: seconds per unit at the ideal rate. */
  idealCycleTimeSeconds: number;
  good: number;
  startupRejects: number;
  productionRejects: number;
}

export interface OeeBucketInput {
  window: TimeWindow;
  /** State intervals; they are clipped to the window here. Time no interval covers is unknown. */
  states: readonly StateInterval[];
  downtime?: readonly DowntimeInterval[];
  /** Timed planned breaks from the shift. */
  plannedBreaks?: readonly TimeWindow[];
  counts: readonly ProductCounts[];
}

/** The summable quantities of a bucket: combining buckets adds these, then derives the ratios. */
export interface OeeTotals {
  windowSeconds: number;
  unknownSeconds: number;
  plannedStopSeconds: number;
  plannedProductionSeconds: number;
  runSeconds: number;
  breakdownSeconds: number;
  setupAdjustmentSeconds: number;
  smallStopSeconds: number;
  /** Ideal cycle time x total count. */
  netRunSeconds: number;
  /** Ideal cycle time x good count. */
  fullyProductiveSeconds: number;
  startupRejectSeconds: number;
  productionRejectSeconds: number;
  goodCount: number;
  startupRejectCount: number;
  productionRejectCount: number;
}

export type OeeWarning = "NO_PLANNED_TIME" | "NO_RUN_TIME" | "COUNT_WITHOUT_RUN_TIME" | "PERFORMANCE_ABOVE_IDEAL";

export interface OeeResult extends OeeTotals {
  /** Epoch ms. */
  start: number;
  end: number;
  totalCount: number;
  rejectCount: number;
  /** Count-weighted ideal cycle time (net run time / total count); the product's own when nothing was counted; null if unknown. */
  idealCycleTimeSeconds: number | null;
  /** Run time - net run time; negative when performance > 1. */
  reducedSpeedSeconds: number;
  availability: number;
  performance: number;
  quality: number;
  oee: number;
  warnings: OeeWarning[];
}

type TimeClass = "unknown" | "plannedStop" | "run" | "breakdown" | "setupAdjustment" | "smallStop";

function covers(interval: EpochWindow, at: number): boolean {
  return interval.start <= at && at < interval.end;
}

function stopLossOfEvent(event: DowntimeInterval, state: EquipmentState): TimeClass {
  if (event.category === "CHANGEOVER" || event.sixBigLoss === "SETUP_ADJUSTMENT") return "setupAdjustment";
  if (event.category === "MAINTENANCE") return "breakdown";
  if (event.isMicroStop || event.sixBigLoss === "SMALL_STOP") return "smallStop";
  if (event.sixBigLoss === "BREAKDOWN") return "breakdown";
  // An unconfirmed unplanned stop: the state says what kind of stop it is.
  return state === "RUNNING" ? "breakdown" : stopLossOfState(state);
}

function stopLossOfState(state: EquipmentState): TimeClass {
  if (state === "CHANGEOVER") return "setupAdjustment";
  if (state === "IDLE") return "smallStop";
  return "breakdown";
}

function classify(
  at: number,
  states: ReadonlyArray<StateInterval & EpochWindow>,
  events: ReadonlyArray<DowntimeInterval & EpochWindow>,
  breaks: readonly EpochWindow[],
): TimeClass {
  if (breaks.some((b) => covers(b, at))) return "plannedStop";
  // States are sorted by start; when two overlap, the later one is the newer information.
  const state = states.findLast((s) => covers(s, at))?.state;
  if (state === undefined || state === "COMMS_LOST") return "unknown";
  // Events are sorted by start; overlapping events (not expected after split / merge) go to the earliest.
  const event = events.find((e) => covers(e, at));
  if (state === "PLANNED_STOP" || event?.category === "PLANNED") return "plannedStop";
  if (event) return stopLossOfEvent(event, state);
  return state === "RUNNING" ? "run" : stopLossOfState(state);
}

function assertCounts(counts: readonly ProductCounts[]): void {
  for (const c of counts) {
    if (!(Number.isFinite(c.idealCycleTimeSeconds) && c.idealCycleTimeSeconds > 0)) {
      throw new RangeError(`idealCycleTimeSeconds must be a positive number, got ${c.idealCycleTimeSeconds}`);
    }
    for (const [name, n] of [
      ["good", c.good],
      ["startupRejects", c.startupRejects],
      ["productionRejects", c.productionRejects],
    ] as const) {
      if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`${name} must be a non-negative integer, got ${n}`);
    }
  }
}

/** The summable totals of one bucket; `computeOee` is this followed by `oeeFromTotals`. */
export function bucketTotals(input: OeeBucketInput): OeeTotals & EpochWindow {
  const window = toEpochWindow(input.window);
  assertCounts(input.counts);
  const byStart = <T extends EpochWindow>(a: T, b: T) => a.start - b.start;
  const states = clipToWindow(input.states, window).sort(byStart) as Array<StateInterval & EpochWindow>;
  const events = clipToWindow(input.downtime ?? [], window).sort(byStart) as Array<DowntimeInterval & EpochWindow>;
  const breaks = clipToWindow(
    (input.plannedBreaks ?? []).map((b) => ({ start: b.start, end: b.end })),
    window,
  );

  const boundaries = new Set<number>([window.start, window.end]);
  for (const i of [...states, ...events, ...breaks]) {
    boundaries.add(i.start);
    boundaries.add(i.end);
  }
  const points = [...boundaries].sort((a, b) => a - b);
  const ms: Record<TimeClass, number> = {
    unknown: 0,
    plannedStop: 0,
    run: 0,
    breakdown: 0,
    setupAdjustment: 0,
    smallStop: 0,
  };
  for (let i = 0; i + 1 < points.length; i++) {
    const from = points[i]!;
    const to = points[i + 1]!;
    // Every boundary is a point, so the class is constant on [from, to): its start decides it.
    ms[classify(from, states, events, breaks)] += to - from;
  }

  let netRunSeconds = 0;
  let fullyProductiveSeconds = 0;
  let startupRejectSeconds = 0;
  let productionRejectSeconds = 0;
  let goodCount = 0;
  let startupRejectCount = 0;
  let productionRejectCount = 0;
  for (const c of input.counts) {
    const ideal = c.idealCycleTimeSeconds;
    netRunSeconds += ideal * (c.good + c.startupRejects + c.productionRejects);
    fullyProductiveSeconds += ideal * c.good;
    startupRejectSeconds += ideal * c.startupRejects;
    productionRejectSeconds += ideal * c.productionRejects;
    goodCount += c.good;
    startupRejectCount += c.startupRejects;
    productionRejectCount += c.productionRejects;
  }

  const seconds = (n: number) => n / 1000;
  const stopMs = ms.breakdown + ms.setupAdjustment + ms.smallStop;
  return {
    start: window.start,
    end: window.end,
    windowSeconds: seconds(window.end - window.start),
    unknownSeconds: seconds(ms.unknown),
    plannedStopSeconds: seconds(ms.plannedStop),
    plannedProductionSeconds: seconds(ms.run + stopMs),
    runSeconds: seconds(ms.run),
    breakdownSeconds: seconds(ms.breakdown),
    setupAdjustmentSeconds: seconds(ms.setupAdjustment),
    smallStopSeconds: seconds(ms.smallStop),
    netRunSeconds,
    fullyProductiveSeconds,
    startupRejectSeconds,
    productionRejectSeconds,
    goodCount,
    startupRejectCount,
    productionRejectCount,
  };
}

function ratio(numerator: number, denominator: number): number {
  return denominator > 0 ? numerator / denominator : 0;
}

/**
 * Ratios, reduced-speed loss and warnings from summed totals. `singleIdealCycleTimeSeconds` is the
 * ideal cycle time to report when nothing was counted (so net run time cannot give it).
 */
export function oeeFromTotals(
  totals: OeeTotals & EpochWindow,
  singleIdealCycleTimeSeconds: number | null = null,
  options: OeeCalculationOptions = {},
): OeeResult {
  const tolerance = options.performanceAboveIdealTolerance ?? OEE_CALCULATION_DEFAULTS.performanceAboveIdealTolerance;
  const rejectCount = totals.startupRejectCount + totals.productionRejectCount;
  const totalCount = totals.goodCount + rejectCount;
  const availability = ratio(totals.runSeconds, totals.plannedProductionSeconds);
  const performance = ratio(totals.netRunSeconds, totals.runSeconds);
  // Ideal-time weighted so that A x P x Q = fully productive / planned even when products differ.
  const quality = ratio(totals.fullyProductiveSeconds, totals.netRunSeconds);
  const warnings: OeeWarning[] = [];
  if (totals.plannedProductionSeconds <= 0) warnings.push("NO_PLANNED_TIME");
  else if (totals.runSeconds <= 0) warnings.push("NO_RUN_TIME");
  if (totalCount > 0 && totals.runSeconds <= 0) warnings.push("COUNT_WITHOUT_RUN_TIME");
  if (performance > 1 + tolerance) warnings.push("PERFORMANCE_ABOVE_IDEAL");
  // Written out rather than spread: copying ~20 fields by spread and adding ten more was the most
  // expensive step of serving 7,300 persisted buckets (reporting's analytics; BENCHMARKS.md "Reporting").
  return {
    start: totals.start,
    end: totals.end,
    windowSeconds: totals.windowSeconds,
    unknownSeconds: totals.unknownSeconds,
    plannedStopSeconds: totals.plannedStopSeconds,
    plannedProductionSeconds: totals.plannedProductionSeconds,
    runSeconds: totals.runSeconds,
    breakdownSeconds: totals.breakdownSeconds,
    setupAdjustmentSeconds: totals.setupAdjustmentSeconds,
    smallStopSeconds: totals.smallStopSeconds,
    netRunSeconds: totals.netRunSeconds,
    fullyProductiveSeconds: totals.fullyProductiveSeconds,
    startupRejectSeconds: totals.startupRejectSeconds,
    productionRejectSeconds: totals.productionRejectSeconds,
    goodCount: totals.goodCount,
    startupRejectCount: totals.startupRejectCount,
    productionRejectCount: totals.productionRejectCount,
    totalCount,
    rejectCount,
    idealCycleTimeSeconds: totalCount > 0 ? totals.netRunSeconds / totalCount : singleIdealCycleTimeSeconds,
    reducedSpeedSeconds: totals.runSeconds - totals.netRunSeconds,
    availability,
    performance,
    quality,
    oee: availability * performance * quality,
    warnings,
  };
}

/** The ideal cycle time shared by every entry, or null when there is none or they differ. */
export function sharedIdealCycleTime(values: ReadonlyArray<number | null>): number | null {
  const first = values[0];
  if (first === undefined || first === null) return null;
  return values.every((v) => v === first) ? first : null;
}

/** OEE of one bucket. */
export function computeOee(input: OeeBucketInput, options: OeeCalculationOptions = {}): OeeResult {
  const single = sharedIdealCycleTime(input.counts.map((c) => c.idealCycleTimeSeconds));
  return oeeFromTotals(bucketTotals(input), single, options);
}
