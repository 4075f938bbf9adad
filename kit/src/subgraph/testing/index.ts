// @ms5/kit/subgraph/testing: pieces of the test subgraphs the kit's and the gateway's tests run —
// the plant rows, the Line entity and a Redis-fed subscription source. Free of vitest, so a bench
// script can use them too.

export * from "./collected-subscription.ts";
export * from "./redis-channel-messages.ts";
export * from "./test-line-entity.ts";
export * from "./test-lines.ts";
