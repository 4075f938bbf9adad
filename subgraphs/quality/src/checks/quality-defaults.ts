// Every tunable of the quality subgraph in one place.
export const QUALITY_DEFAULTS = {
  /** Longest note or reason kept. @default 2000 characters */
  maxNoteLength: 2_000,
  /** Measurements accepted in one recording. @default 200 */
  maxMeasurementsPerRecording: 200,
  /** How often the due-check scheduler looks for checks falling due or overdue. @default 30000 ms */
  dueCheckIntervalMs: 30_000,
  /** Subgroups a chart returns at most. @default 2000 */
  maxChartSubgroups: 2_000,
  /** Subgroups a chart returns when the caller does not say. @default 100 */
  defaultChartSubgroups: 100,
} as const;
