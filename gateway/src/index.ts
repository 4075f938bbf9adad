// @ms5/gateway: the one public endpoint (createGateway), offline composition, and the auth endpoints.
export * from "./auth-endpoints.ts";
export * from "./gateway.ts";
export * from "./gateway-defaults.ts";
export * from "./gateway-environment.ts";
export * from "./signed-subgraph-data-source.ts";
export * from "./subscriptions/index.ts";
export * from "./supergraph-composition.ts";
