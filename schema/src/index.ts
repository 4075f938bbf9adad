export * from "./error-codes.ts";
export * from "./permissions.ts";
