// The OEE calculation: pure functions from states, downtime, breaks and counts to OEE and the six big losses.

export * from "./oee-aggregation.ts";
export * from "./oee-calculation.ts";
export * from "./time-window.ts";
