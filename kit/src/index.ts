// The hash format of users.passwordHash / pinHash, owned by the data model.
export * from "@ms5/db/password-hash";
export * from "./config.ts";
export * from "./instance-identity.ts";
export * from "./line-stream-consumer.ts";
export * from "./logger.ts";
export * from "./ops-endpoints.ts";
export * from "./plant-change-notices.ts";
export * from "./redis-channel-hub.ts";
export * from "./redis-client.ts";
export * from "./redis-server-process.ts";
export * from "./settle-within.ts";
export * from "./stream-consumer.ts";
export * from "./stream-consumer-health.ts";
export * from "./stream-dead-letters.ts";
export * from "./stream-environment.ts";
export * from "./stream-sequence-audit.ts";
export * from "./transient-error.ts";
