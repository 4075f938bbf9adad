// Maintenance work orders: the workflow, the andon hook and reliability figures.
export * from "./maintenance-errors.ts";
export * from "./maintenance-reliability.ts";
export * from "./maintenance-workflow.ts";
