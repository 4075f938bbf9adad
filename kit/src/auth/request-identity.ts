// Who is making a request, as every service keeps it in its request context: a user, a service
// account or nobody, with the permissions that follow from their roles or their key's scopes.
import { type Permission, permissionsOf, type Role } from "@ms5/schema";
import { type AccessTokenClaims, type AccessTokenOptions, verifyAccessToken } from "./access-tokens.ts";
import { type ApiKeySettings, type VerifiedApiKey, verifyApiKey } from "./api-keys.ts";
import type { AuthDatabase } from "./auth-database.ts";
import { AuthError } from "./auth-error.ts";
import type { VerificationKeys } from "./signing-keys.ts";
import type { VerifiedAccessTokens } from "./verified-access-tokens.ts";

export interface UserIdentity {
  kind: "user";
  userId: string;
  name: string;
  roles: readonly Role[];
  permissions: ReadonlySet<Permission>;
}

export interface ServiceIdentity {
  kind: "service";
  serviceAccountId: string;
  name: string;
  permissions: ReadonlySet<Permission>;
}

export interface AnonymousIdentity {
  kind: "anonymous";
}

export type RequestIdentity = UserIdentity | ServiceIdentity | AnonymousIdentity;

export const ANONYMOUS_IDENTITY: AnonymousIdentity = Object.freeze({ kind: "anonymous" });

export function identityFromAccessToken(claims: AccessTokenClaims): UserIdentity | ServiceIdentity {
  return claims.kind === "user"
    ? {
        kind: "user",
        userId: claims.userId,
        name: claims.name,
        roles: claims.roles,
        permissions: permissionsOf(claims.roles),
      }
    : {
        kind: "service",
        serviceAccountId: claims.serviceAccountId,
        name: claims.name,
        permissions: new Set(claims.scopes),
      };
}

export function identityFromApiKey(key: VerifiedApiKey): ServiceIdentity {
  return { kind: "service", serviceAccountId: key.serviceAccountId, name: key.name, permissions: new Set(key.scopes) };
}

export function hasPermission(identity: RequestIdentity, permission: Permission): boolean {
  return identity.kind !== "anonymous" && identity.permissions.has(permission);
}

/**
 * Throws AuthError UNAUTHENTICATED for an anonymous caller and FORBIDDEN (`missing-permission`) for
 * a known one without `permission`.
 */
export function requirePermission(
  identity: RequestIdentity,
  permission: Permission,
): asserts identity is UserIdentity | ServiceIdentity {
  if (identity.kind === "anonymous") {
    throw new AuthError("UNAUTHENTICATED", "missing-permission", "Sign in to do this.");
  }
  if (!identity.permissions.has(permission)) {
    throw new AuthError("FORBIDDEN", "missing-permission", `You do not have the permission "${permission}".`);
  }
}

export interface IdentifyRequestOptions {
  verificationKeys: VerificationKeys;
  /** Needed to accept API keys; without it only access tokens are accepted. */
  prisma?: AuthDatabase;
  accessToken?: AccessTokenOptions;
  /**
   * The service's verified tokens, made with the same `verificationKeys` and `accessToken`: a token
   * seen before is not verified again until it expires.
   */
  verifiedAccessTokens?: VerifiedAccessTokens;
  apiKey?: ApiKeySettings;
}

/**
 * The identity of each token VerifiedAccessTokens keeps (its claims are the same frozen object on
 * every request), so its permissions are worked out once per token, like its signature.
 */
const identitiesOfKeptTokens = new WeakMap<AccessTokenClaims, UserIdentity | ServiceIdentity>();

/**
 * The identity behind an Authorization header (or graphql-ws `connection_init` payload value):
 * nothing is anonymous, `Bearer <access token>` a user or service, `Bearer ms5_...` an API key.
 * Credentials that were sent but fail are refused (AuthError), never downgraded to anonymous.
 */
export async function identifyRequest(
  authorization: string | null | undefined,
  options: IdentifyRequestOptions,
): Promise<RequestIdentity> {
  if (authorization === undefined || authorization === null || authorization.trim() === "") return ANONYMOUS_IDENTITY;
  const match = /^Bearer +(\S+)\s*$/i.exec(authorization);
  if (!match) {
    throw new AuthError(
      "UNAUTHENTICATED",
      "malformed",
      'The Authorization header must be "Bearer <access token or API key>".',
    );
  }
  const credential = match[1]!;
  if (credential.startsWith("ms5_")) {
    if (!options.prisma) {
      throw new AuthError(
        "UNAUTHENTICATED",
        "api-key-invalid",
        "API keys are not accepted here; send an access token.",
      );
    }
    return identityFromApiKey(await verifyApiKey(options.prisma, credential, options.apiKey));
  }
  if (!options.verifiedAccessTokens) {
    return identityFromAccessToken(await verifyAccessToken(options.verificationKeys, credential, options.accessToken));
  }
  const claims = await options.verifiedAccessTokens.verify(credential);
  let identity = identitiesOfKeptTokens.get(claims);
  if (!identity) {
    identity = Object.freeze(identityFromAccessToken(claims));
    identitiesOfKeptTokens.set(claims, identity);
  }
  return identity;
}
