// API keys of service accounts (MES, ERP, BI tools): `ms5_<prefix>_<secret>`, shown once at issue;
// the prefix finds the row, and only a SHA-256 of the whole key is stored.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { isPermission, type Permission } from "@ms5/schema";
import type { AuthDatabase } from "./auth-database.ts";
import { AUTH_DEFAULTS, type AuthSettings } from "./auth-defaults.ts";
import { AuthError, type AuthFailureReason, badUserInput } from "./auth-error.ts";

/** Every API key matches this; the prefix (group 1) is stored in clear to find the key. */
export const API_KEY_PATTERN = /^ms5_([0-9a-f]{12})_([0-9a-f]{64})$/;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface IssueApiKeyInput {
  serviceAccountId: string;
  /** Permissions from the matrix in @ms5/schema; the key grants exactly these. */
  scopes: readonly string[];
  /** When the key stops working; never when omitted. */
  expiresAt?: Date | null;
}

export interface IssuedApiKey {
  /** The key in plain text: returned only here, never stored. */
  key: string;
  apiKeyId: string;
  prefix: string;
  serviceAccountId: string;
  scopes: Permission[];
  expiresAt: Date | null;
}

export interface VerifiedApiKey {
  apiKeyId: string;
  serviceAccountId: string;
  /** The service account's name. */
  name: string;
  scopes: Permission[];
}

export type ApiKeySettings = Partial<Pick<AuthSettings, "apiKeyLastUsedResolutionSeconds">>;

function hashApiKey(key: string): Buffer {
  return createHash("sha256").update(key).digest();
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

/**
 * Creates a key for an active service account. Throws AuthError BAD_USER_INPUT for an unknown or
 * inactive account, no scopes, a scope that is not a permission, or an expiry in the past.
 */
export async function issueApiKey(
  // Only these two tables, so a caller can issue inside its own transaction.
  prisma: Pick<AuthDatabase, "serviceAccount" | "apiKey">,
  { serviceAccountId, scopes, expiresAt = null }: IssueApiKeyInput,
): Promise<IssuedApiKey> {
  const unknownScopes = scopes.filter((scope) => !isPermission(scope));
  if (unknownScopes.length > 0) {
    throw badUserInput(`These scopes are not permissions: ${unknownScopes.join(", ")}.`);
  }
  const grantedScopes = [...new Set(scopes as readonly Permission[])];
  if (grantedScopes.length === 0) throw badUserInput("An API key needs at least one scope.");
  if (expiresAt && expiresAt.getTime() <= Date.now())
    throw badUserInput("The expiry date of an API key must be in the future.");
  if (!UUID_PATTERN.test(serviceAccountId)) throw badUserInput("There is no service account with this id.");
  const account = await prisma.serviceAccount.findUnique({ where: { id: serviceAccountId }, select: { active: true } });
  if (!account) throw badUserInput("There is no service account with this id.");
  if (!account.active) throw badUserInput("This service account is deactivated; activate it before issuing keys.");

  // 48 random bits of prefix rarely collide; when they do, draw again.
  for (let attempt = 1; ; attempt++) {
    const prefix = randomBytes(6).toString("hex");
    const key = `ms5_${prefix}_${randomBytes(32).toString("hex")}`;
    try {
      const row = await prisma.apiKey.create({
        data: {
          serviceAccountId,
          prefix,
          keyHash: hashApiKey(key).toString("hex"),
          scopes: grantedScopes,
          expiresAt,
        },
      });
      return { key, apiKeyId: row.id, prefix, serviceAccountId, scopes: grantedScopes, expiresAt: row.expiresAt };
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= 3) throw error;
    }
  }
}

const MESSAGES: Partial<Record<AuthFailureReason, string>> = {
  "api-key-revoked": "This API key has been revoked. Ask an administrator for a new one.",
  "api-key-expired": "This API key has expired. Ask an administrator for a new one.",
  "account-inactive": "The service account of this API key is deactivated.",
};

function refused(reason: AuthFailureReason): AuthError {
  return new AuthError("UNAUTHENTICATED", reason, MESSAGES[reason] ?? "The API key is not valid.");
}

/**
 * The service account and scopes of `key`. Throws AuthError UNAUTHENTICATED: `api-key-invalid`
 * (malformed, unknown or wrong secret), `api-key-revoked`, `api-key-expired`, `account-inactive`.
 * The state of a key is only told to a caller that holds the whole key.
 */
export async function verifyApiKey(
  prisma: AuthDatabase,
  key: string,
  settings: ApiKeySettings = {},
): Promise<VerifiedApiKey> {
  const parsed = typeof key === "string" ? API_KEY_PATTERN.exec(key) : null;
  if (!parsed) throw refused("api-key-invalid");
  const row = await prisma.apiKey.findUnique({
    where: { prefix: parsed[1]! },
    include: { serviceAccount: { select: { name: true, active: true } } },
  });
  const presentedHash = hashApiKey(key);
  const storedHash = Buffer.from(row?.keyHash ?? "", "hex");
  if (!row || storedHash.length !== presentedHash.length || !timingSafeEqual(storedHash, presentedHash)) {
    throw refused("api-key-invalid");
  }
  const now = new Date();
  if (row.revokedAt) throw refused("api-key-revoked");
  if (row.expiresAt && row.expiresAt <= now) throw refused("api-key-expired");
  if (!row.serviceAccount.active) throw refused("account-inactive");

  // Conditional, so a busy integration writes the row at most once per resolution period.
  const resolutionMs =
    (settings.apiKeyLastUsedResolutionSeconds ?? AUTH_DEFAULTS.apiKeyLastUsedResolutionSeconds) * 1000;
  await prisma.apiKey.updateMany({
    where: {
      id: row.id,
      OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - resolutionMs) } }],
    },
    data: { lastUsedAt: now },
  });
  return {
    apiKeyId: row.id,
    serviceAccountId: row.serviceAccountId,
    name: row.serviceAccount.name,
    // A permission dropped from the matrix since the key was issued simply stops being granted.
    scopes: row.scopes.filter(isPermission),
  };
}

/** Revokes a key for good; false when it does not exist or was already revoked. */
export async function revokeApiKey(prisma: AuthDatabase, apiKeyId: string): Promise<boolean> {
  if (!UUID_PATTERN.test(apiKeyId)) return false;
  const { count } = await prisma.apiKey.updateMany({
    where: { id: apiKeyId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  return count === 1;
}
