// Test fixtures of the gateway, for its own tests and the subscriptions' tests.
export * from "./federated-test-plant.ts";
export * from "./gateway-over-subgraph.ts";
export * from "./gateway-test-environment.ts";
