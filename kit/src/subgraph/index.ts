// @ms5/kit/subgraph: what every subgraph is made of — the Pothos builder, the request context, the
// server (HTTP + graphql-ws, gateway-only), and the signing helper the gateway uses to reach it.
export * from "./api-errors.ts";
export * from "./expected-errors.ts";
export * from "./field-rules.ts";
export * from "./gateway-signature.ts";
export { writeHttpGraphQLResponse } from "./graphql-http-endpoint.ts";
export * from "./live-feed-scope.ts";
export * from "./plant-arguments.ts";
export * from "./relay-connection.ts";
export * from "./subgraph-builder.ts";
export * from "./subgraph-context.ts";
export * from "./subgraph-defaults.ts";
export * from "./subgraph-environment.ts";
export * from "./subgraph-sdl.ts";
export * from "./subgraph-server.ts";
