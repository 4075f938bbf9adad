export * from "./free-port.ts";
export * from "./redis-key-prefix.ts";
