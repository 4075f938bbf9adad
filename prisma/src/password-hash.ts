// Password and PIN hashing with scrypt from node:crypto (no native addon to build). The stored
// form names its parameters, so they can be raised later without invalidating existing hashes.
// It lives with the data model because it is the format of users.passwordHash / pinHash, written by
// the seed and by the kit's sign-in code alike (`@ms5/db/password-hash`).
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
  keyLength: number;
}

/** scrypt cost parameters (OWASP minimum for scrypt: N=2^17, r=8, p=1). */
export const PASSWORD_HASH_DEFAULTS: Readonly<ScryptParams> = {
  /** CPU/memory cost. @default 131072 */
  N: 131_072,
  /** Block size. @default 8 */
  r: 8,
  /** Parallelism. @default 1 */
  p: 1,
  /** Derived key length in bytes. @default 32 */
  keyLength: 32,
};

function derive(secret: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      secret.normalize("NFKC"),
      salt,
      keyLength,
      { ...options, maxmem: 256 * options.N! * options.r! },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

/** Returns `scrypt$N$r$p$<salt b64>$<key b64>`. */
export async function hashSecret(
  secret: string,
  params: Readonly<ScryptParams> = PASSWORD_HASH_DEFAULTS,
): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(secret, salt, params.keyLength, { N: params.N, r: params.r, p: params.p });
  return ["scrypt", params.N, params.r, params.p, salt.toString("base64"), key.toString("base64")].join("$");
}

/** True when `secret` matches `stored`; false for a wrong secret or a malformed hash. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [, n, r, p, saltB64, keyB64] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(keyB64, "base64");
  const actual = await derive(secret, Buffer.from(saltB64, "base64"), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
