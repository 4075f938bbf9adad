// A person replaces their own password or tablet PIN, proving the current one (which may be the
// temporary one an administrator gave out). Every other session ends: whoever knew the old secret
// may also hold a refresh token made with it.
import { hashSecret } from "@ms5/db/password-hash";
import type { AuthDatabase } from "./auth-database.ts";
import { badUserInput } from "./auth-error.ts";
import { AUTHENTICATED_USER_COLUMNS, type AuthenticatedUser, toAuthenticatedUser } from "./authenticated-user.ts";
import { authenticatePassword, authenticatePin, type CredentialSettings } from "./credentials.ts";
import { revokeAllForUser } from "./refresh-tokens.ts";
import { assertAcceptablePassword, assertAcceptablePin } from "./secret-policy.ts";

export interface OwnSecretChange {
  /** Username or employee id. */
  login: string;
  /** The password or PIN that works today. */
  current: string;
  next: string;
}

/**
 * Sets a new password after checking the current one (same failure counting and lockout as sign-in).
 * Throws AuthError as `authenticatePassword` does, or BAD_USER_INPUT when the new one breaks the policy
 * or equals the current one. Returns the person with `mustChangePassword` cleared.
 */
export async function changeOwnPassword(
  prisma: AuthDatabase,
  { login, current, next }: OwnSecretChange,
  settings: CredentialSettings = {},
): Promise<AuthenticatedUser> {
  const user = await authenticatePassword(prisma, { login, password: current }, settings);
  if (next === current) throw badUserInput("The new password must differ from the current one.");
  assertAcceptablePassword(next, user);
  const passwordHash = await hashSecret(next);
  return replaceSecret(prisma, user.userId, "user.password-changed", { passwordHash, mustChangePassword: false });
}

/** The PIN counterpart of `changeOwnPassword`; returns the person with `mustChangePin` cleared. */
export async function changeOwnPin(
  prisma: AuthDatabase,
  { login, current, next }: OwnSecretChange,
  settings: CredentialSettings = {},
): Promise<AuthenticatedUser> {
  const user = await authenticatePin(prisma, { login, pin: current }, settings);
  if (next === current) throw badUserInput("The new PIN must differ from the current one.");
  assertAcceptablePin(next);
  const pinHash = await hashSecret(next);
  return replaceSecret(prisma, user.userId, "user.pin-changed", { pinHash, mustChangePin: false });
}

async function replaceSecret(
  prisma: AuthDatabase,
  userId: string,
  action: "user.password-changed" | "user.pin-changed",
  data: { passwordHash: string; mustChangePassword: false } | { pinHash: string; mustChangePin: false },
): Promise<AuthenticatedUser> {
  return prisma.$transaction(async (tx) => {
    const row = await tx.user.update({ where: { id: userId }, data, select: AUTHENTICATED_USER_COLUMNS });
    await revokeAllForUser(tx, userId);
    // The audit trail records that the secret changed, never the secret or its hash.
    await tx.auditLog.create({ data: { actorUserId: userId, action, entityType: "User", entityId: userId } });
    return toAuthenticatedUser(row);
  });
}
