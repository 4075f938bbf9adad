// The reporting subgraph's tunables in one place, each with its default.

export const OEE_ROLLUP_DEFAULTS = {
  /**
   * @default 30,000 ms: how often the rollup closes hours, looks for late counts and rolls changed
   * HOUR buckets into SHIFT and DAY buckets. A figure in the API is at most this old.
   */
  intervalMs: 30_000,
  /**
   * @default 48 hours: how far back the first pass (no mark yet) builds HOUR buckets for equipment
   * that has none. Older history is rolled up as soon as its HOUR buckets exist or change.
   */
  initialHistoryHours: 48,
  /**
   * @default 120,000 ms: HOUR buckets computed up to this long before the last mark are looked at
   * again, so a recompute whose transaction committed after a later one is never missed
   * (computedAt is the transaction's time, not its commit's).
   */
  rescanMarginMs: 120_000,
  /** @default 5,000 late production counts looked at per pass; the rest wait for the next one. */
  lateCountBatchSize: 5_000,
} as const;

export type OeeRollupSettings = { -readonly [K in keyof typeof OEE_ROLLUP_DEFAULTS]: number };

export const ANALYTICS_DEFAULTS = {
  /** @default 400 days: the longest range one analytics query may cover (a year and a bit). */
  maxRangeDays: 400,
  /** @default 20 rows when `first` is not given. */
  defaultPageSize: 20,
  /** @default 500 rows: the most one page may ask for (a line × day year of one line is 365). */
  maxPageSize: 500,
} as const;

export const REPORT_SCHEDULER_DEFAULTS = {
  /** @default 30,000 ms: the longest the scheduler sleeps; it wakes earlier for the next fire time. */
  maxSleepMs: 30_000,
  /**
   * @default 60,000 ms: how long a claimed schedule (or a delivery) stays with the instance that
   * claimed it; after a crash another instance takes it over once this has passed.
   */
  leaseMs: 60_000,
  /**
   * @default 6 hours: a fire time missed (every instance down) is still run when it is at most this
   * late; an older one is recorded SKIPPED with the reason, so a long outage sends no burst of stale
   * reports.
   */
  catchUpWindowMs: 6 * 3_600_000,
  /** @default 200 fire times of one schedule handled per pass (the rest at the next). */
  maxFireTimesPerPass: 200,
  /** @default 20 schedules (or deliveries) claimed at once. */
  claimBatchSize: 20,
  /** @default "/reports/runs/": the in-app link to a run is this followed by the run's id. */
  runLinkBase: "/reports/runs/",
} as const;

export type ReportSchedulerSettings = {
  -readonly [K in keyof typeof REPORT_SCHEDULER_DEFAULTS]: (typeof REPORT_SCHEDULER_DEFAULTS)[K] extends string
    ? string
    : number;
};
