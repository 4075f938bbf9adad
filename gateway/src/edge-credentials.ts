// The credential a caller presents at the gateway, in any of the forms integrators use
// (`Authorization: Bearer <token or key>`, `Authorization: ApiKey <key>`, `X-Api-Key: <key>`, or the
// same in a graphql-ws connection_init), turned into the one form the subgraphs verify:
// `Authorization: Bearer <credential>`. API keys are also verified here, at the edge: a revoked or
// expired key is refused before anything is planned, and the trusted-documents rule needs to know
// that the caller really is a service account.
import type { PrismaClient } from "@ms5/db";
import {
  AuthError,
  identifyRequest,
  identityFromApiKey,
  type RequestIdentity,
  type ServiceIdentity,
  type VerificationKeys,
  type VerifiedAccessTokens,
  verifyApiKey,
} from "@ms5/kit/auth";

/** The header integrators may send an API key in instead of Authorization. */
export const API_KEY_HEADER = "x-api-key";

export type EdgeCredential =
  | { kind: "none" }
  /** An access token (or something unreadable), forwarded as sent: the subgraphs verify it. */
  | { kind: "token"; authorization: string }
  /** An API key (whatever was sent in its place): verified as one, never as an access token. */
  | { kind: "api-key"; key: string; authorization: string };

const SCHEME = /^\s*(\S+)\s+(\S+)\s*$/;

function apiKeyAuthorization(key: string): Extract<EdgeCredential, { kind: "api-key" }> {
  return { kind: "api-key", key: key.trim(), authorization: `Bearer ${key.trim()}` };
}

/**
 * The caller's credential from an Authorization value and an X-Api-Key value. Throws AuthError
 * UNAUTHENTICATED (`malformed`) when both are sent and disagree: which one would be meant is a guess.
 */
export function edgeCredentialOf(authorization: string | undefined, apiKey: string | undefined): EdgeCredential {
  const fromAuthorization = authorizationCredential(authorization);
  if (apiKey === undefined || apiKey.trim() === "") return fromAuthorization;
  const fromHeader = apiKeyAuthorization(apiKey);
  if (fromAuthorization.kind !== "none" && fromAuthorization.authorization !== fromHeader.authorization) {
    throw new AuthError("UNAUTHENTICATED", "malformed", "Send one credential: Authorization or X-Api-Key, not both.");
  }
  return fromHeader;
}

function authorizationCredential(authorization: string | undefined): EdgeCredential {
  if (authorization === undefined || authorization.trim() === "") return { kind: "none" };
  const match = SCHEME.exec(authorization);
  const scheme = match?.[1]?.toLowerCase();
  const value = match?.[2];
  if (value && scheme === "apikey") return apiKeyAuthorization(value);
  if (value && scheme === "bearer" && value.startsWith("ms5_")) return apiKeyAuthorization(value);
  return { kind: "token", authorization };
}

/** The credential of a graphql-ws connection_init payload (`authorization`, `Authorization`, `apiKey`, `x-api-key`). */
export function edgeCredentialOfConnectionParams(params: Readonly<Record<string, unknown>>): EdgeCredential {
  const text = (...names: string[]) => {
    for (const name of names) if (typeof params[name] === "string") return params[name] as string;
    return undefined;
  };
  return edgeCredentialOf(text("authorization", "Authorization"), text("apiKey", API_KEY_HEADER, "X-Api-Key"));
}

export interface EdgeIdentityOptions {
  verificationKeys: VerificationKeys;
  prisma: PrismaClient;
  /** Tokens verified before (made with `verificationKeys`), so a token sent again is not verified again. */
  verifiedAccessTokens?: VerifiedAccessTokens;
}

/**
 * Who an edge credential belongs to (identifyRequest with API keys accepted). Throws AuthError for
 * a credential that fails; `none` is anonymous.
 */
export async function identifyEdgeCredential(
  credential: EdgeCredential,
  options: EdgeIdentityOptions,
): Promise<RequestIdentity> {
  // A token sent where a key belongs (X-Api-Key: <jwt>) is refused as a bad key, not accepted as a token.
  if (credential.kind === "api-key") return identityFromApiKey(await verifyApiKey(options.prisma, credential.key));
  return identifyRequest(credential.kind === "none" ? undefined : credential.authorization, options);
}

/** Whether `identity` may send documents outside the trusted list (a service account, not a person). */
export function isServiceIdentity(identity: RequestIdentity): identity is ServiceIdentity {
  return identity.kind === "service";
}
