// Every tunable of the auth library in one place. Functions take a partial override of these;
// services that need other values pass them from their parsed configuration.

export interface SlidingWindowLimit {
  /** Failed attempts allowed inside the window; the next one is refused. */
  maxAttempts: number;
  windowSeconds: number;
}

export interface AuthSettings {
  /** `iss` of every access token. @default "ms5-floor" */
  issuer: string;
  /** `aud` of every access token: the federated API behind the gateway. @default "ms5-floor-api" */
  audience: string;
  /** Lifetime of an access token; short, because a token cannot be revoked before it expires. @default 600 */
  accessTokenLifetimeSeconds: number;
  /** Leeway for clocks that disagree between the gateway and a subgraph when checking `exp`. @default 30 */
  clockToleranceSeconds: number;
  /** Lifetime of a refresh token, counted again from every rotation. @default 1209600 (14 days) */
  refreshTokenLifetimeSeconds: number;
  /**
   * The consecutive wrong password that locks the account, or wrong PIN that locks the PIN (the 6th
   * locks it). The two are counted apart, at sign-in and at re-entry for a signature. @default 6
   */
  lockAfterConsecutiveFailures: number;
  /**
   * How long a locked account refuses every sign-in, even with the right password, and a locked PIN
   * is refused (a password sign-in lifts a PIN lock sooner). @default 900
   */
  lockoutSeconds: number;
  /** An API key's `lastUsedAt` is written at most this often, so busy integrations don't write per request. @default 60 */
  apiKeyLastUsedResolutionSeconds: number;
  /**
   * Failed sign-ins per login name (known or not) in Redis, so probing unknown names is limited too;
   * password and PIN attempts have a window each, so PIN guesses never block the password.
   * @default { maxAttempts: 10, windowSeconds: 900 }
   */
  loginAttemptsPerAccount: SlidingWindowLimit;
  /**
   * Failed sign-ins per client address. Generous, because a shared floor tablet is one address for a
   * whole shift's operators. @default { maxAttempts: 100, windowSeconds: 900 }
   */
  loginAttemptsPerAddress: SlidingWindowLimit;
  /** Longer passwords or PINs are refused before hashing, so a request cannot buy CPU time. @default 1024 */
  maxSecretLength: number;
  /**
   * How long a sign-in waits for the login limiter's Redis before it is refused (503): a stalled
   * Redis must not hold sign-ins until the client gives up, nor let them through unlimited. @default 2000
   */
  loginLimiterTimeoutMs: number;
}

export const AUTH_DEFAULTS: Readonly<AuthSettings> = Object.freeze({
  issuer: "ms5-floor",
  audience: "ms5-floor-api",
  accessTokenLifetimeSeconds: 600,
  clockToleranceSeconds: 30,
  refreshTokenLifetimeSeconds: 14 * 24 * 60 * 60,
  lockAfterConsecutiveFailures: 6,
  lockoutSeconds: 15 * 60,
  apiKeyLastUsedResolutionSeconds: 60,
  loginAttemptsPerAccount: Object.freeze({ maxAttempts: 10, windowSeconds: 15 * 60 }),
  loginAttemptsPerAddress: Object.freeze({ maxAttempts: 100, windowSeconds: 15 * 60 }),
  maxSecretLength: 1024,
  loginLimiterTimeoutMs: 2000,
});
