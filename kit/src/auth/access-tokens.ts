// Short-lived access tokens (JWT, `typ: at+jwt` as in RFC 9068) for a user or a service account:
// signed by the gateway, verified by every service from the public keys alone.
import { randomUUID } from "node:crypto";
import { isPermission, type Permission, ROLES, type Role } from "@ms5/schema";
import { type CryptoKey, errors, type JWTPayload, jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import { AUTH_DEFAULTS, type AuthSettings } from "./auth-defaults.ts";
import { AuthError, type AuthFailureReason } from "./auth-error.ts";
import { ACCEPTED_TOKEN_ALGORITHMS, type SigningKeyRing, type VerificationKeys } from "./signing-keys.ts";

/** The `typ` header of an access token; a JWT of any other type (an ID token, a test fixture) is refused. */
export const ACCESS_TOKEN_TYPE = "at+jwt";

/** Longer strings are refused unparsed: no real access token comes near it. */
const MAX_TOKEN_LENGTH = 8192;

export type AccessTokenSubject =
  | { kind: "user"; userId: string; name: string; roles: readonly Role[] }
  | { kind: "service"; serviceAccountId: string; name: string; scopes: readonly Permission[] };

/** What a verified access token says. */
export type AccessTokenClaims = AccessTokenSubject & { tokenId: string; issuedAt: Date; expiresAt: Date };

export interface IssuedAccessToken {
  token: string;
  tokenId: string;
  expiresAt: Date;
  /** For the `expiresIn` a login response returns. */
  expiresInSeconds: number;
}

export interface AccessTokenOptions
  extends Partial<Pick<AuthSettings, "issuer" | "audience" | "accessTokenLifetimeSeconds" | "clockToleranceSeconds">> {
  /** The clock; tests move it. @default () => new Date() */
  now?: () => Date;
}

export async function issueAccessToken(
  signingKeys: SigningKeyRing,
  subject: AccessTokenSubject,
  options: AccessTokenOptions = {},
): Promise<IssuedAccessToken> {
  const { issuer, audience, accessTokenLifetimeSeconds } = { ...AUTH_DEFAULTS, ...options };
  const issuedAt = Math.floor((options.now?.() ?? new Date()).getTime() / 1000);
  const expiresAt = issuedAt + accessTokenLifetimeSeconds;
  const tokenId = randomUUID();
  const claims =
    subject.kind === "user"
      ? { kind: subject.kind, name: subject.name, roles: [...subject.roles] }
      : { kind: subject.kind, name: subject.name, scopes: [...subject.scopes] };
  const key = signingKeys.current;
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: ACCESS_TOKEN_TYPE })
    .setIssuer(issuer)
    .setAudience(audience)
    .setSubject(subject.kind === "user" ? subject.userId : subject.serviceAccountId)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .setJti(tokenId)
    .sign(key.privateKey);
  return { token, tokenId, expiresAt: new Date(expiresAt * 1000), expiresInSeconds: accessTokenLifetimeSeconds };
}

const registeredClaims = { sub: z.string().min(1), jti: z.string().min(1), iat: z.number(), exp: z.number() };
const subjectClaims = z.discriminatedUnion("kind", [
  z.object({ ...registeredClaims, kind: z.literal("user"), name: z.string(), roles: z.array(z.enum(ROLES)) }),
  z.object({
    ...registeredClaims,
    kind: z.literal("service"),
    name: z.string(),
    scopes: z.array(z.string().refine(isPermission)),
  }),
]);

const MESSAGES: Partial<Record<AuthFailureReason, string>> = {
  expired: "The access token has expired. Refresh it or sign in again.",
  "wrong-audience": "The access token was issued for another service. Sign in again.",
};

function refused(reason: AuthFailureReason, cause?: unknown): AuthError {
  return new AuthError("UNAUTHENTICATED", reason, MESSAGES[reason] ?? "The access token is not valid. Sign in again.", {
    cause,
  });
}

/** Maps jose's errors to AuthError; anything else (a JWKS fetch that timed out) is not the caller's fault and is rethrown. */
function refusalFor(error: unknown): unknown {
  if (error instanceof AuthError) return error;
  if (error instanceof errors.JWTExpired) return refused("expired", error);
  if (error instanceof errors.JWTClaimValidationFailed) {
    const reasons: Record<string, AuthFailureReason> = {
      aud: "wrong-audience",
      iss: "wrong-issuer",
      typ: "wrong-type",
    };
    return refused(reasons[error.claim] ?? "malformed", error);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return refused("bad-signature", error);
  if (error instanceof errors.JOSEAlgNotAllowed) return refused("disallowed-algorithm", error);
  if (
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JOSENotSupported
  ) {
    return refused("malformed", error);
  }
  return error;
}

/** A verified access token with what its verification depended on besides the token itself. */
export interface VerifiedAccessToken {
  claims: AccessTokenClaims;
  /** The header's kid and alg, and the key they named when the signature was checked. */
  kid: string;
  alg: string;
  key: CryptoKey;
  /** `exp` and (when present) `nbf`, in seconds, as the token carries them. */
  expiresAtSeconds: number;
  notBeforeSeconds: number | undefined;
}

/**
 * Checks signature (key by kid), algorithm, `typ`, issuer, audience and expiry (with a small clock
 * tolerance) and returns the claims. Every refusal is an AuthError UNAUTHENTICATED with its reason.
 */
export async function verifyAccessToken(
  verificationKeys: VerificationKeys,
  token: string,
  options: AccessTokenOptions = {},
): Promise<AccessTokenClaims> {
  return (await verifyAccessTokenInDetail(verificationKeys, token, options)).claims;
}

/** verifyAccessToken, also saying which key verified the token and the times it carries (VerifiedAccessTokens keeps these). */
export async function verifyAccessTokenInDetail(
  verificationKeys: VerificationKeys,
  token: string,
  options: AccessTokenOptions = {},
): Promise<VerifiedAccessToken> {
  const { issuer, audience, clockToleranceSeconds } = { ...AUTH_DEFAULTS, ...options };
  if (typeof token !== "string" || token.length > MAX_TOKEN_LENGTH || token.split(".").length !== 3) {
    throw refused("malformed");
  }
  let payload: JWTPayload;
  let verifiedWith: { kid: string; alg: string; key: CryptoKey } | undefined;
  try {
    ({ payload } = await jwtVerify(
      token,
      async (header) => {
        if (typeof header.kid !== "string" || header.kid === "") throw refused("unknown-kid");
        const named = { kid: header.kid, alg: header.alg };
        const key = await verificationKeys.publicKeyFor(named);
        if (!key) throw refused("unknown-kid");
        verifiedWith = { ...named, key };
        return key;
      },
      {
        algorithms: [...ACCEPTED_TOKEN_ALGORITHMS],
        typ: ACCESS_TOKEN_TYPE,
        issuer,
        audience,
        clockTolerance: clockToleranceSeconds,
        requiredClaims: ["sub", "jti", "iat", "exp"],
        currentDate: options.now?.(),
      },
    ));
  } catch (error) {
    throw refusalFor(error);
  }
  const parsed = subjectClaims.safeParse(payload);
  if (!parsed.success) throw refused("malformed", parsed.error);
  const claims = parsed.data;
  const times = { tokenId: claims.jti, issuedAt: new Date(claims.iat * 1000), expiresAt: new Date(claims.exp * 1000) };
  return {
    claims:
      claims.kind === "user"
        ? { kind: "user", userId: claims.sub, name: claims.name, roles: claims.roles, ...times }
        : {
            kind: "service",
            serviceAccountId: claims.sub,
            name: claims.name,
            scopes: claims.scopes as Permission[],
            ...times,
          },
    // Set: jwtVerify only succeeds after asking for the key.
    ...verifiedWith!,
    expiresAtSeconds: claims.exp,
    notBeforeSeconds: payload.nbf,
  };
}
