// Access tokens a service has verified already, kept until they expire, so a caller's token costs one
// signature check per lifetime instead of one per request (an Ed25519 check through WebCrypto, with
// its thread-pool round trip, was one of the larger costs of a subgraph request: BENCHMARKS.md).
//
// What is accepted does not change. An access token cannot be revoked before it expires (which is
// why it lives minutes): sign-out, rotation reuse and password changes revoke refresh tokens, and
// API keys are checked in the database on every use; neither is kept here. Every hit checks `exp`
// (and `nbf`) again against the same clock and tolerance as a full verification, and is taken only
// while the token's kid still names the very key that verified it, so a key dropped from the ring or
// the remote JWKS stops its tokens at once. A refused token is never kept: it is checked in full
// each time it is sent.
import {
  type AccessTokenClaims,
  type AccessTokenOptions,
  type VerifiedAccessToken,
  verifyAccessTokenInDetail,
} from "./access-tokens.ts";
import { AUTH_DEFAULTS } from "./auth-defaults.ts";
import type { VerificationKeys } from "./signing-keys.ts";

export interface VerifiedAccessTokensOptions {
  /**
   * Tokens kept at most; the oldest kept is dropped for a new one. A kept token is its string and
   * claims, well under 2 KB. @default 10_000
   */
  maxTokens?: number;
}

/** verifyAccessToken for one service's keys and options, remembering the tokens that passed. */
export class VerifiedAccessTokens {
  private readonly verified = new Map<string, VerifiedAccessToken>();
  private readonly maxTokens: number;
  /** jose's tolerance, from the options exactly as verification reads them. */
  private readonly toleranceSeconds: number;

  constructor(
    private readonly verificationKeys: VerificationKeys,
    private readonly options: AccessTokenOptions = {},
    { maxTokens = 10_000 }: VerifiedAccessTokensOptions = {},
  ) {
    if (!(maxTokens >= 1)) throw new Error("maxTokens must be at least 1");
    this.maxTokens = maxTokens;
    this.toleranceSeconds = { ...AUTH_DEFAULTS, ...options }.clockToleranceSeconds ?? 0;
  }

  /** Tokens kept now. */
  get size(): number {
    return this.verified.size;
  }

  /** As verifyAccessToken(verificationKeys, token, options): the same claims, the same refusals. */
  async verify(token: string): Promise<AccessTokenClaims> {
    const kept = this.verified.get(token);
    if (kept) {
      if (this.withinLifetime(kept) && (await this.keyStillNamed(kept))) return kept.claims;
      this.verified.delete(token);
    }
    const verified = await verifyAccessTokenInDetail(this.verificationKeys, token, this.options);
    this.keep(token, verified);
    return verified.claims;
  }

  /** jose's time checks, as verification would make them now. */
  private withinLifetime(token: VerifiedAccessToken): boolean {
    const tolerance = this.toleranceSeconds;
    const now = Math.floor((this.options.now?.() ?? new Date()).getTime() / 1000);
    const started = token.notBeforeSeconds === undefined || token.notBeforeSeconds <= now + tolerance;
    return started && token.expiresAtSeconds > now - tolerance;
  }

  private async keyStillNamed(token: VerifiedAccessToken): Promise<boolean> {
    try {
      return (await this.verificationKeys.publicKeyFor({ kid: token.kid, alg: token.alg })) === token.key;
    } catch {
      // Verifying in full says why (or throws what the key lookup throws).
      return false;
    }
  }

  private keep(token: string, verified: VerifiedAccessToken) {
    // Shared by every request that sends this token: nothing may change it.
    const { claims } = verified;
    Object.freeze(claims.kind === "user" ? claims.roles : claims.scopes);
    Object.freeze(claims);
    this.verified.delete(token);
    while (this.verified.size >= this.maxTokens) {
      const oldest = this.verified.keys().next().value as string;
      this.verified.delete(oldest);
    }
    this.verified.set(token, verified);
  }
}
