// What a new password or tablet PIN must look like, and the one-time secrets an administrator hands
// out on a reset: long enough to resist guessing, made of characters that survive being read aloud.
import { randomInt } from "node:crypto";
import { badUserInput } from "./auth-error.ts";

export const SECRET_POLICY = Object.freeze({
  /** Shortest password a person may choose. @default 10 */
  minPasswordLength: 10,
  /** Longest password (scrypt input is capped anyway). @default 200 */
  maxPasswordLength: 200,
  /** PIN length range for shared tablets. @default 4..8 digits */
  minPinLength: 4,
  maxPinLength: 8,
  /** Length of a generated temporary password. @default 14 */
  temporaryPasswordLength: 14,
  /** Digits of a generated temporary PIN. @default 6 */
  temporaryPinLength: 6,
});

// No 0/O, 1/l/I: a temporary password is often read off a screen or said over the phone.
const TEMPORARY_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

export function generateTemporaryPassword(length: number = SECRET_POLICY.temporaryPasswordLength): string {
  let password = "";
  for (let i = 0; i < length; i++)
    password += TEMPORARY_PASSWORD_ALPHABET[randomInt(TEMPORARY_PASSWORD_ALPHABET.length)];
  return password;
}

export function generateTemporaryPin(length: number = SECRET_POLICY.temporaryPinLength): string {
  for (;;) {
    let pin = "";
    for (let i = 0; i < length; i++) pin += String(randomInt(10));
    if (!isGuessablePin(pin)) return pin;
  }
}

/** All one digit (0000) or a run up or down (1234, 9876): the first PINs anyone tries. */
function isGuessablePin(pin: string): boolean {
  const digits = [...pin].map(Number);
  const steps = new Set(digits.slice(1).map((digit, i) => digit - digits[i]!));
  return steps.size === 1 && [0, 1, -1].includes([...steps][0]!);
}

/** Throws BAD_USER_INPUT saying what is wrong with a password a person chose. */
export function assertAcceptablePassword(password: string, person: { username: string; employeeId: string }): void {
  if (typeof password !== "string" || password.length < SECRET_POLICY.minPasswordLength) {
    throw badUserInput(`A new password needs at least ${SECRET_POLICY.minPasswordLength} characters.`);
  }
  if (password.length > SECRET_POLICY.maxPasswordLength) {
    throw badUserInput(`A new password may have at most ${SECRET_POLICY.maxPasswordLength} characters.`);
  }
  if (password.trim() !== password) throw badUserInput("A new password must not start or end with a space.");
  const lower = password.toLowerCase();
  if (lower.includes(person.username.toLowerCase()) || lower.includes(person.employeeId.toLowerCase())) {
    throw badUserInput("A new password must not contain your username or employee id.");
  }
  if (new Set(password).size < 4) throw badUserInput("A new password needs at least 4 different characters.");
}

/** Throws BAD_USER_INPUT saying what is wrong with a PIN a person chose. */
/**
 * Whether a secret has a PIN's shape (4 to 8 digits). No acceptable password has it (at least 10
 * characters), so a re-entered secret of this shape is counted as a PIN attempt, any other as a password.
 */
export function isPinShaped(secret: string): boolean {
  const { minPinLength, maxPinLength } = SECRET_POLICY;
  return new RegExp(`^[0-9]{${minPinLength},${maxPinLength}}$`).test(secret);
}

export function assertAcceptablePin(pin: string): void {
  const { minPinLength, maxPinLength } = SECRET_POLICY;
  if (typeof pin !== "string" || !new RegExp(`^[0-9]{${minPinLength},${maxPinLength}}$`).test(pin)) {
    throw badUserInput(`A PIN is ${minPinLength} to ${maxPinLength} digits.`);
  }
  if (isGuessablePin(pin)) throw badUserInput("Choose a PIN that is not one digit repeated or a run like 1234.");
}
