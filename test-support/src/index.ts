// @ms5/test-support: shared by the integration tests of every package (never imported by a service).
export * from "./subscription-client.ts";
export * from "./subscription-collector.ts";
export * from "./wait.ts";
