export * from "./equipment-diagnostics.ts";
export * from "./error-codes.ts";
export * from "./http-headers.ts";
export * from "./permissions.ts";
export * from "./plc-connection-test.ts";
export * from "./streams.ts";
