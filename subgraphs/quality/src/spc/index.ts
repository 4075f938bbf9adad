// The SPC maths, pure: constants, subgroup statistics, control limits, run rules, capability, charts.
export * from "./control-chart.ts";
export * from "./control-chart-constants.ts";
export * from "./control-limits.ts";
export * from "./process-capability.ts";
export * from "./run-rules.ts";
export * from "./subgroup-statistics.ts";
