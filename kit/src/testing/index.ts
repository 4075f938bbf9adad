export * from "./free-port.ts";
export * from "./interruptible-tcp-proxy.ts";
export * from "./redis-key-prefix.ts";
export * from "./restartable-redis-server.ts";
export * from "./stream-consumer-test-bench.ts";
