// Sign-in with a password (desktop) or a PIN (shared floor tablet), by username or employee id:
// verified with scrypt, consecutive failures counted on the user and the account locked for a while.
import { randomBytes } from "node:crypto";
import { PASSWORD_HASH_DEFAULTS, verifySecret } from "../password-hash.ts";
import type { AuthDatabase } from "./auth-database.ts";
import { AUTH_DEFAULTS, type AuthSettings } from "./auth-defaults.ts";
import { AuthError, badUserInput, rateLimited } from "./auth-error.ts";
import { AUTHENTICATED_USER_COLUMNS, type AuthenticatedUser, toAuthenticatedUser } from "./authenticated-user.ts";

export interface PasswordSignIn {
  /** Username or employee id. */
  login: string;
  password: string;
}

export interface PinSignIn {
  /** Username or employee id (a tablet usually asks for the employee id or reads a badge). */
  login: string;
  pin: string;
}

export type CredentialSettings = Partial<
  Pick<AuthSettings, "lockAfterConsecutiveFailures" | "lockoutSeconds" | "maxSecretLength">
>;

const MAX_LOGIN_LENGTH = 200;

/**
 * Verified when the login names nobody (or a user without a PIN), so that such an attempt costs the
 * same scrypt time as a real one and names cannot be probed by timing. It matches no secret.
 */
export const UNKNOWN_USER_HASH = [
  "scrypt",
  PASSWORD_HASH_DEFAULTS.N,
  PASSWORD_HASH_DEFAULTS.r,
  PASSWORD_HASH_DEFAULTS.p,
  randomBytes(16).toString("base64"),
  randomBytes(PASSWORD_HASH_DEFAULTS.keyLength).toString("base64"),
].join("$");

const credentialColumns = {
  ...AUTHENTICATED_USER_COLUMNS,
  active: true,
  passwordHash: true,
  pinHash: true,
  lockedUntil: true,
} as const;

/** Returns the user if `password` is theirs; throws AuthError otherwise (see `authenticate`). */
export function authenticatePassword(
  prisma: AuthDatabase,
  { login, password }: PasswordSignIn,
  settings: CredentialSettings = {},
): Promise<AuthenticatedUser> {
  return authenticate(prisma, login, password, "password", settings);
}

/** Returns the user if `pin` is their tablet PIN; a user without a PIN cannot sign in this way. */
export function authenticatePin(
  prisma: AuthDatabase,
  { login, pin }: PinSignIn,
  settings: CredentialSettings = {},
): Promise<AuthenticatedUser> {
  return authenticate(prisma, login, pin, "PIN", settings);
}

function invalidCredentials(secretName: "password" | "PIN"): AuthError {
  // One message for an unknown login and a wrong secret, so the answer does not say which names exist.
  return new AuthError(
    "UNAUTHENTICATED",
    "invalid-credentials",
    `The username or employee id and ${secretName} do not match.`,
  );
}

function accountLocked(lockedUntil: Date, now: Date): AuthError {
  return rateLimited(
    "account-locked",
    (lockedUntil.getTime() - now.getTime()) / 1000,
    "This account is locked after too many wrong attempts.",
  );
}

/**
 * Throws AuthError: UNAUTHENTICATED `invalid-credentials` (unknown login or wrong secret),
 * `account-inactive` (right secret, deactivated user); RATE_LIMITED `account-locked` with
 * retryAfterSeconds (locked now, or by this failure); BAD_USER_INPUT for an empty or oversized login
 * or secret.
 */
async function authenticate(
  prisma: AuthDatabase,
  login: string,
  secret: string,
  secretName: "password" | "PIN",
  settings: CredentialSettings,
): Promise<AuthenticatedUser> {
  const { lockAfterConsecutiveFailures, lockoutSeconds, maxSecretLength } = { ...AUTH_DEFAULTS, ...settings };
  const name = typeof login === "string" ? login.trim() : "";
  if (name === "" || name.length > MAX_LOGIN_LENGTH) throw badUserInput("Enter your username or employee id.");
  if (typeof secret !== "string" || secret.length > maxSecretLength) {
    throw badUserInput(`The ${secretName} is longer than ${maxSecretLength} characters.`);
  }

  // A username may look like another person's employee id; the username wins then.
  const candidates = await prisma.user.findMany({
    where: { OR: [{ username: name }, { employeeId: name }] },
    select: credentialColumns,
    take: 2,
  });
  const user = candidates.find((candidate) => candidate.username === name) ?? candidates[0];
  if (!user) {
    await verifySecret(secret, UNKNOWN_USER_HASH);
    throw invalidCredentials(secretName);
  }

  const now = new Date();
  if (user.lockedUntil && user.lockedUntil > now) throw accountLocked(user.lockedUntil, now);

  const storedHash = secretName === "password" ? user.passwordHash : user.pinHash;
  const matches = (await verifySecret(secret, storedHash ?? UNKNOWN_USER_HASH)) && storedHash !== null;
  if (!matches) {
    // Incremented in the database, so concurrent wrong attempts are all counted.
    const { failedLoginCount } = await prisma.user.update({
      where: { id: user.id },
      data: { failedLoginCount: { increment: 1 } },
      select: { failedLoginCount: true },
    });
    if (failedLoginCount >= lockAfterConsecutiveFailures) {
      const lockedUntil = new Date(now.getTime() + lockoutSeconds * 1000);
      // The count starts again, so the lock's end gives a fresh set of attempts.
      await prisma.user.update({ where: { id: user.id }, data: { lockedUntil, failedLoginCount: 0 } });
      throw accountLocked(lockedUntil, now);
    }
    throw invalidCredentials(secretName);
  }

  if (!user.active) {
    throw new AuthError(
      "UNAUTHENTICATED",
      "account-inactive",
      "This account is deactivated. Ask a manager or an administrator.",
    );
  }

  // Conditional, so a right guess that raced a burst of wrong ones which locked the account is refused.
  const reset = await prisma.user.updateMany({
    where: { id: user.id, OR: [{ lockedUntil: null }, { lockedUntil: { lte: now } }] },
    data: { failedLoginCount: 0, lockedUntil: null, lastLoginAt: now },
  });
  if (reset.count === 0) {
    const current = await prisma.user.findUnique({ where: { id: user.id }, select: { lockedUntil: true } });
    throw accountLocked(current?.lockedUntil ?? new Date(now.getTime() + lockoutSeconds * 1000), now);
  }
  return toAuthenticatedUser(user);
}
