// Production alerts: threshold rules with hysteresis, evaluated on a timer, notified through the dispatcher.
export * from "./alert-conditions.ts";
export * from "./alert-defaults.ts";
export * from "./alert-evaluator.ts";
export * from "./alert-rules.ts";
