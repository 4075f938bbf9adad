// Keys that MAC electronic signatures of records (release checks, and the same scheme as checklist
// signatures): held by the signing service only, never by the database, so a row changed in the
// database alone no longer verifies. The first key signs; every listed key still verifies, so a key
// can rotate without old records failing. Also the canonical JSON the MAC and hash are taken over.
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";

export interface RecordSigningKey {
  /** Stored beside each MAC, so the verifier knows which key to use. */
  id: string;
  secret: Buffer;
}

export interface RecordSigningKeys {
  /** Signs new signatures: the first key listed. */
  current: RecordSigningKey;
  byId: ReadonlyMap<string, RecordSigningKey>;
}

/** Key ids: short, and free of the list's separators. */
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
/** The shortest secret accepted: 32 characters (32 random bytes base64url are 43). */
export const MIN_RECORD_SIGNING_SECRET_LENGTH = 32;

export class RecordSigningKeysInvalid extends Error {
  override name = "RecordSigningKeysInvalid";
}

/** `<id>:<secret>[,<id>:<secret>...]`, newest first. */
export function parseRecordSigningKeys(text: string): RecordSigningKeys {
  const byId = new Map<string, RecordSigningKey>();
  const keys = text
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map((entry) => {
      const colon = entry.indexOf(":");
      const id = colon > 0 ? entry.slice(0, colon) : "";
      const secret = colon > 0 ? entry.slice(colon + 1) : "";
      if (!KEY_ID.test(id)) {
        throw new RecordSigningKeysInvalid("each key is <id>:<secret>, the id of letters, digits, '.', '_' or '-'");
      }
      if (secret.length < MIN_RECORD_SIGNING_SECRET_LENGTH) {
        throw new RecordSigningKeysInvalid(
          `the secret of key ${id} must be at least ${MIN_RECORD_SIGNING_SECRET_LENGTH} characters`,
        );
      }
      if (byId.has(id)) throw new RecordSigningKeysInvalid(`key id ${id} is listed twice`);
      const key = { id, secret: Buffer.from(secret, "utf8") };
      byId.set(id, key);
      return key;
    });
  const [current] = keys;
  if (!current) throw new RecordSigningKeysInvalid("at least one key is required");
  return { current, byId };
}

/** The zod field for a keys variable (kit's parseConfig names the variable on failure). */
export function recordSigningKeysVariable() {
  return z.string({ error: "is required: <id>:<secret> (see .env.example)" }).transform((text, context) => {
    try {
      return parseRecordSigningKeys(text);
    } catch (error) {
      context.addIssue({ code: "custom", message: (error as Error).message });
      return z.NEVER;
    }
  });
}

/** A new `<id>:<secret>` entry: the id says what signs and when it was made; 32 random bytes of secret. */
export function generateRecordSigningKey(idPrefix: string, now = new Date()): string {
  const made = now.toISOString().slice(0, 10).replaceAll("-", "");
  return `${idPrefix}-${made}-${randomBytes(3).toString("hex")}:${randomBytes(32).toString("base64url")}`;
}

/** JSON with every object's keys sorted (by UTF-16 code unit) and no whitespace. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(",")}}`;
}

/** "sha256:" + lowercase hex SHA-256 of the UTF-8 text. */
export function contentHashOf(canonical: string): string {
  return `sha256:${createHash("sha256").update(canonical, "utf8").digest("hex")}`;
}

/** "hmac-sha256:" + lowercase hex HMAC-SHA256 of the UTF-8 text under the key. */
export function signatureMacOf(canonical: string, key: RecordSigningKey): string {
  return `hmac-sha256:${createHmac("sha256", key.secret).update(canonical, "utf8").digest("hex")}`;
}

/** Equal texts, compared in constant time. */
export function sameSignatureText(a: string, b: string): boolean {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  return left.length === right.length && timingSafeEqual(left, right);
}
