// Sign-in with a password (desktop) or a PIN (shared floor tablet), by username or employee id:
// verified with scrypt, consecutive failures counted on the user and the account locked for a while.
import { randomBytes } from "node:crypto";
import type { Prisma } from "@ms5/db";
import { PASSWORD_HASH_DEFAULTS, verifySecret } from "@ms5/db/password-hash";
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
  pinLockedUntil: true,
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

/**
 * One answer for an unknown login, a wrong secret and (at the gateway) a locked account or PIN, so
 * the answer does not say which names exist; the message names the lock as a possibility for people.
 */
export function invalidCredentials(secretName: "password" | "PIN"): AuthError {
  return new AuthError(
    "UNAUTHENTICATED",
    "invalid-credentials",
    `The username or employee id and ${secretName} do not match, or too many wrong attempts locked the ${secretName === "PIN" ? "PIN" : "account"} for a while.`,
  );
}

function accountLocked(lockedUntil: Date, now: Date): AuthError {
  return rateLimited(
    "account-locked",
    (lockedUntil.getTime() - now.getTime()) / 1000,
    "This account is locked after too many wrong attempts.",
  );
}

function pinLocked(pinLockedUntil: Date, now: Date): AuthError {
  return rateLimited(
    "pin-locked",
    (pinLockedUntil.getTime() - now.getTime()) / 1000,
    "This PIN is locked after too many wrong attempts; sign in with your password to lift it.",
  );
}

/** The columns `checkUserSecret` reads: the hashes and both counters' locks. */
export const SECRET_CHECK_COLUMNS = {
  id: true,
  active: true,
  passwordHash: true,
  pinHash: true,
  lockedUntil: true,
  pinLockedUntil: true,
} as const;

export type SecretCheckSubject = {
  id: string;
  active: boolean;
  passwordHash: string;
  pinHash: string | null;
  lockedUntil: Date | null;
  pinLockedUntil: Date | null;
};

/**
 * Checks a known user's password or PIN and keeps the counters, for sign-in and for re-entering a
 * secret to sign a record. Wrong passwords and wrong PINs are counted apart: a PIN has few digits,
 * so its guesses lock only the PIN (until `lockoutSeconds` pass or a password sign-in), while wrong
 * passwords lock the whole account. Resolves on a match; throws AuthError otherwise:
 * UNAUTHENTICATED `invalid-credentials`, RATE_LIMITED `account-locked` (wrong passwords, every
 * secret refused) or `pin-locked` (wrong PINs, the password still works), UNAUTHENTICATED
 * `account-inactive` for a right secret of a deactivated user.
 */
export async function checkUserSecret(
  prisma: AuthDatabase,
  user: SecretCheckSubject,
  secret: string,
  secretName: "password" | "PIN",
  settings: CredentialSettings = {},
): Promise<void> {
  const { lockAfterConsecutiveFailures, lockoutSeconds } = { ...AUTH_DEFAULTS, ...settings };
  const isPin = secretName === "PIN";
  const now = new Date();
  const lock =
    user.lockedUntil && user.lockedUntil > now
      ? accountLocked(user.lockedUntil, now)
      : isPin && user.pinLockedUntil && user.pinLockedUntil > now
        ? pinLocked(user.pinLockedUntil, now)
        : null;
  if (lock) {
    // The same scrypt time as a real check, so a lock cannot be told apart by timing.
    await verifySecret(secret, UNKNOWN_USER_HASH);
    throw lock;
  }

  const storedHash = isPin ? user.pinHash : user.passwordHash;
  const matches = (await verifySecret(secret, storedHash ?? UNKNOWN_USER_HASH)) && storedHash !== null;
  if (!matches) {
    // Incremented in the database, so concurrent wrong attempts are all counted.
    const counted = await prisma.user.update({
      where: { id: user.id },
      data: isPin ? { failedPinCount: { increment: 1 } } : { failedLoginCount: { increment: 1 } },
      select: { failedLoginCount: true, failedPinCount: true },
    });
    const failures = isPin ? counted.failedPinCount : counted.failedLoginCount;
    if (failures >= lockAfterConsecutiveFailures) {
      const until = new Date(now.getTime() + lockoutSeconds * 1000);
      // The count starts again, so the lock's end gives a fresh set of attempts.
      await prisma.user.update({
        where: { id: user.id },
        data: isPin ? { pinLockedUntil: until, failedPinCount: 0 } : { lockedUntil: until, failedLoginCount: 0 },
      });
      throw isPin ? pinLocked(until, now) : accountLocked(until, now);
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

  // Conditional, so a right guess that raced a burst of wrong ones which locked the account is
  // refused. A right password also lifts a PIN lock: whoever knows the password may use their PIN again.
  const unlocked: Prisma.UserWhereInput[] = [{ OR: [{ lockedUntil: null }, { lockedUntil: { lte: now } }] }];
  if (isPin) unlocked.push({ OR: [{ pinLockedUntil: null }, { pinLockedUntil: { lte: now } }] });
  const reset = await prisma.user.updateMany({
    where: { id: user.id, AND: unlocked },
    data: isPin
      ? { failedPinCount: 0, pinLockedUntil: null }
      : { failedLoginCount: 0, lockedUntil: null, failedPinCount: 0, pinLockedUntil: null },
  });
  if (reset.count === 0) {
    const current = await prisma.user.findUnique({
      where: { id: user.id },
      select: { lockedUntil: true, pinLockedUntil: true },
    });
    const fallback = new Date(now.getTime() + lockoutSeconds * 1000);
    if (current?.lockedUntil && current.lockedUntil > now) throw accountLocked(current.lockedUntil, now);
    throw pinLocked(current?.pinLockedUntil ?? fallback, now);
  }
}

/**
 * Throws AuthError as `checkUserSecret` does, and UNAUTHENTICATED `invalid-credentials` for an
 * unknown login; BAD_USER_INPUT for an empty or oversized login or secret.
 */
async function authenticate(
  prisma: AuthDatabase,
  login: string,
  secret: string,
  secretName: "password" | "PIN",
  settings: CredentialSettings,
): Promise<AuthenticatedUser> {
  const { maxSecretLength } = { ...AUTH_DEFAULTS, ...settings };
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
  await checkUserSecret(prisma, user, secret, secretName, settings);
  await prisma.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
  return toAuthenticatedUser(user);
}
