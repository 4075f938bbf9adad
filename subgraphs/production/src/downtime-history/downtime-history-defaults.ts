// Tunables of editing past stops.

/** Limits of split, merge and reclassify. */
export const DOWNTIME_HISTORY_DEFAULTS = {
  /**
   * @default 300 s: the longest run between two stops a merge may turn into downtime. A failed restart
   * (the machine ran a minute and jammed again) is one stop to the people fixing it; a longer run
   * produced real output and is two stops.
   */
  maxMergeGapSeconds: 300,
  /** @default 30 s: an edit recomputes OEE buckets inside its transaction. */
  transactionTimeoutMs: 30_000,
} as const;
