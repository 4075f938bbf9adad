// Editing past stops (split, merge, reclassify) with an audit trail, and reading that trail back.
export * from "./downtime-event-history.ts";
export * from "./downtime-history-defaults.ts";
export * from "./downtime-history-errors.ts";
export * from "./manual-stop.ts";
export * from "./merge-downtime-events.ts";
export * from "./reclassify-downtime-event.ts";
export * from "./split-downtime-event.ts";
