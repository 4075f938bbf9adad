// @ms5/kit/auth: sign-in, tokens, API keys and the request identity, shared by the gateway (which
// issues) and every subgraph (which verifies).
export * from "./access-tokens.ts";
export * from "./api-keys.ts";
export * from "./auth-database.ts";
export * from "./auth-defaults.ts";
export * from "./auth-error.ts";
export * from "./authenticated-user.ts";
export * from "./credentials.ts";
export * from "./login-rate-limiter.ts";
export * from "./refresh-tokens.ts";
export * from "./request-identity.ts";
export * from "./secret-change.ts";
export * from "./secret-policy.ts";
export * from "./signing-keys.ts";
export * from "./verified-access-tokens.ts";
