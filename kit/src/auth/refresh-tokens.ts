// Opaque refresh tokens that rotate on every use. Only their SHA-256 is stored; each sign-in starts a
// family, and a token presented after it was already rotated means it was copied: the family dies.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { AuthDatabase } from "./auth-database.ts";
import { AUTH_DEFAULTS, type AuthSettings } from "./auth-defaults.ts";
import { AuthError, type AuthFailureReason } from "./auth-error.ts";
import {
  AUTHENTICATED_USER_COLUMNS,
  type AuthenticatedUser,
  floorSessionOf,
  toAuthenticatedUser,
} from "./authenticated-user.ts";

/** Marks the string as an MS5 refresh token, so secret scanners and people recognise a leaked one. */
export const REFRESH_TOKEN_PREFIX = "ms5rt_";
const REFRESH_TOKEN_PATTERN = /^ms5rt_[A-Za-z0-9_-]{43}$/;

export interface RefreshTokenMeta {
  userAgent?: string | null;
  ipAddress?: string | null;
  /**
   * A PIN sign-in's family: every refresh hands out the user's floor roles only (FLOOR_ROLES), so a
   * refresh never turns a tablet session into the user's full roles. Kept by rotation. @default false
   */
  floorRolesOnly?: boolean;
}

export interface IssuedRefreshToken {
  /** The token itself: give it to the client once; only its hash is kept. */
  token: string;
  id: string;
  familyId: string;
  userId: string;
  expiresAt: Date;
}

export interface RotatedRefreshToken extends IssuedRefreshToken {
  /**
   * The token's user as they are now (roles may have changed since sign-in), for the new access
   * token; only their floor roles when the family began with a PIN.
   */
  user: AuthenticatedUser;
}

export type RefreshTokenSettings = Partial<Pick<AuthSettings, "refreshTokenLifetimeSeconds">>;

export function hashRefreshToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

function newRefreshToken(): string {
  return REFRESH_TOKEN_PREFIX + randomBytes(32).toString("base64url");
}

const MESSAGES: Partial<Record<AuthFailureReason, string>> = {
  "refresh-token-reused":
    "This session was already renewed from another place, so every session started with that sign-in has been ended for safety. Sign in again.",
  "account-inactive": "This account is deactivated. Ask a manager or an administrator.",
};

function refused(reason: AuthFailureReason): AuthError {
  return new AuthError("UNAUTHENTICATED", reason, MESSAGES[reason] ?? "Your session has ended. Sign in again.");
}

function expiryFrom(now: Date, settings: RefreshTokenSettings): Date {
  const lifetime = settings.refreshTokenLifetimeSeconds ?? AUTH_DEFAULTS.refreshTokenLifetimeSeconds;
  return new Date(now.getTime() + lifetime * 1000);
}

/** Starts a new family for a sign-in and returns its first token. */
export async function issueRefreshToken(
  prisma: AuthDatabase,
  userId: string,
  meta: RefreshTokenMeta = {},
  settings: RefreshTokenSettings = {},
): Promise<IssuedRefreshToken> {
  const token = newRefreshToken();
  const row = await prisma.refreshToken.create({
    data: {
      userId,
      familyId: randomUUID(),
      tokenHash: hashRefreshToken(token),
      expiresAt: expiryFrom(new Date(), settings),
      userAgent: meta.userAgent ?? null,
      ipAddress: meta.ipAddress ?? null,
      floorRolesOnly: meta.floorRolesOnly ?? false,
    },
  });
  return { token, id: row.id, familyId: row.familyId, userId, expiresAt: row.expiresAt };
}

/** Thrown inside the rotation transaction when another rotation claimed the token first. */
class RotationRaceLost extends Error {}

/**
 * Marks `token` used and returns its replacement in the same family, in one transaction whose
 * conditional update (`usedAt IS NULL`) lets exactly one of two concurrent rotations win. A token
 * that was already used is treated as stolen: its whole family is revoked and the call refused.
 * Clients must therefore send one refresh at a time (one in-flight refresh shared by all tabs).
 */
export async function rotateRefreshToken(
  prisma: AuthDatabase,
  token: string,
  meta: RefreshTokenMeta = {},
  settings: RefreshTokenSettings = {},
): Promise<RotatedRefreshToken> {
  if (typeof token !== "string" || !REFRESH_TOKEN_PATTERN.test(token)) throw refused("refresh-token-unknown");
  const now = new Date();
  const presented = await prisma.refreshToken.findUnique({
    where: { tokenHash: hashRefreshToken(token) },
    include: { user: { select: { ...AUTHENTICATED_USER_COLUMNS, active: true } } },
  });
  if (!presented) throw refused("refresh-token-unknown");
  if (presented.revokedAt) throw refused("refresh-token-revoked");
  if (presented.usedAt) {
    await revokeFamily(prisma, presented.familyId);
    throw refused("refresh-token-reused");
  }
  if (presented.expiresAt.getTime() <= now.getTime()) throw refused("refresh-token-expired");
  if (!presented.user.active) {
    await revokeFamily(prisma, presented.familyId);
    throw refused("account-inactive");
  }

  const replacement = newRefreshToken();
  const replacementId = randomUUID();
  const expiresAt = expiryFrom(now, settings);
  try {
    await prisma.$transaction(async (tx) => {
      // The row lock makes a concurrent rotation wait here, then see usedAt set and claim nothing.
      const claimed = await tx.refreshToken.updateMany({
        where: { id: presented.id, usedAt: null, revokedAt: null },
        data: { usedAt: now, replacedById: replacementId },
      });
      if (claimed.count !== 1) throw new RotationRaceLost();
      await tx.refreshToken.create({
        data: {
          id: replacementId,
          userId: presented.userId,
          familyId: presented.familyId,
          tokenHash: hashRefreshToken(replacement),
          expiresAt,
          userAgent: meta.userAgent ?? presented.userAgent,
          ipAddress: meta.ipAddress ?? presented.ipAddress,
          floorRolesOnly: presented.floorRolesOnly,
        },
      });
    });
  } catch (error) {
    if (!(error instanceof RotationRaceLost)) throw error;
    // Two presentations of one token at once: one of them may be a thief, and we cannot tell which.
    await revokeFamily(prisma, presented.familyId);
    throw refused("refresh-token-reused");
  }
  return {
    token: replacement,
    id: replacementId,
    familyId: presented.familyId,
    userId: presented.userId,
    expiresAt,
    user: presented.floorRolesOnly
      ? floorSessionOf(toAuthenticatedUser(presented.user))
      : toAuthenticatedUser(presented.user),
  };
}

/** Revokes every live token of a family (one sign-in on one device); returns how many. */
export async function revokeFamily(prisma: AuthDatabase, familyId: string): Promise<number> {
  const { count } = await prisma.refreshToken.updateMany({
    where: { familyId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  return count;
}

/** Sign out on this device: revokes the family of `token`. False when the token is not known. */
export async function revokeRefreshToken(prisma: AuthDatabase, token: string): Promise<boolean> {
  if (typeof token !== "string" || !REFRESH_TOKEN_PATTERN.test(token)) return false;
  const row = await prisma.refreshToken.findUnique({
    where: { tokenHash: hashRefreshToken(token) },
    select: { familyId: true },
  });
  if (!row) return false;
  await revokeFamily(prisma, row.familyId);
  return true;
}

/** Sign out everywhere (also after a password change or deactivation); returns how many tokens died. */
export async function revokeAllForUser(prisma: Pick<AuthDatabase, "refreshToken">, userId: string): Promise<number> {
  const { count } = await prisma.refreshToken.updateMany({
    where: { userId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  return count;
}
