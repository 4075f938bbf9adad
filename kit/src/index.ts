export * from "./config.ts";
export * from "./logger.ts";
export * from "./ops-endpoints.ts";
export * from "./password-hash.ts";
export * from "./redis-client.ts";
export * from "./redis-server-process.ts";
export * from "./settle-within.ts";
export * from "./stream-consumer.ts";
