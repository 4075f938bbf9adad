// The keys checklist signatures are MACed with (CHECKLIST_SIGNING_KEYS): held by the production
// subgraph only, never by the database, so a row changed in the database alone no longer verifies.
// The first key signs; every listed key still verifies, so a key can rotate without old records failing.
import { randomBytes } from "node:crypto";
import type { PrismaClient } from "@ms5/db";
import { z } from "zod";

export interface ChecklistSigningKey {
  /** Stored beside each MAC (signatureKeyId), so the verifier knows which key to use. */
  id: string;
  secret: Buffer;
}

export interface ChecklistSigningKeys {
  /** Signs new signatures: the first key listed. */
  current: ChecklistSigningKey;
  byId: ReadonlyMap<string, ChecklistSigningKey>;
}

/** Key ids: short, and free of the list's separators. */
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
/** The shortest secret accepted: 32 characters (e.g. 32 random bytes base64url are 43). */
export const MIN_CHECKLIST_SIGNING_SECRET_LENGTH = 32;

export class ChecklistSigningKeysInvalid extends Error {
  override name = "ChecklistSigningKeysInvalid";
}

export function checklistSigningKeysOfList(keys: readonly ChecklistSigningKey[]): ChecklistSigningKeys {
  const [current] = keys;
  if (!current) throw new ChecklistSigningKeysInvalid("at least one key is required");
  const byId = new Map<string, ChecklistSigningKey>();
  for (const key of keys) {
    if (byId.has(key.id)) throw new ChecklistSigningKeysInvalid(`key id ${key.id} is listed twice`);
    byId.set(key.id, key);
  }
  return { current, byId };
}

/** `<id>:<secret>[,<id>:<secret>...]`, newest first (the form of CHECKLIST_SIGNING_KEYS). */
export function parseChecklistSigningKeys(text: string): ChecklistSigningKeys {
  const keys = text
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map((entry) => {
      const colon = entry.indexOf(":");
      const id = colon > 0 ? entry.slice(0, colon) : "";
      const secret = colon > 0 ? entry.slice(colon + 1) : "";
      if (!KEY_ID.test(id)) {
        throw new ChecklistSigningKeysInvalid("each key is <id>:<secret>, the id of letters, digits, '.', '_' or '-'");
      }
      if (secret.length < MIN_CHECKLIST_SIGNING_SECRET_LENGTH) {
        throw new ChecklistSigningKeysInvalid(
          `the secret of key ${id} must be at least ${MIN_CHECKLIST_SIGNING_SECRET_LENGTH} characters`,
        );
      }
      return { id, secret: Buffer.from(secret, "utf8") };
    });
  return checklistSigningKeysOfList(keys);
}

/** The zod field for CHECKLIST_SIGNING_KEYS (kit's parseConfig names the variable on failure). */
export function checklistSigningKeysVariable() {
  return z.string({ error: "is required: <id>:<secret> (see .env.example)" }).transform((text, context) => {
    try {
      return parseChecklistSigningKeys(text);
    } catch (error) {
      context.addIssue({ code: "custom", message: (error as Error).message });
      return z.NEVER;
    }
  });
}

/** A new `<id>:<secret>` entry: the id says when it was made, the secret is 32 random bytes. */
export function generateChecklistSigningKey(now = new Date()): string {
  const made = now.toISOString().slice(0, 10).replaceAll("-", "");
  return `ck-${made}-${randomBytes(3).toString("hex")}:${randomBytes(32).toString("base64url")}`;
}

// Resolvers reach the keys of the subgraph they run in through context.prisma, as the live-event
// hub is reached through context.redis: the schema is one module-level value for every instance.
const keysOfClient = new WeakMap<PrismaClient, ChecklistSigningKeys>();

export function registerChecklistSigningKeys(prisma: PrismaClient, keys: ChecklistSigningKeys): void {
  keysOfClient.set(prisma, keys);
}

/** The keys registered for this client; an unexpected error when none were (a wiring mistake). */
export function checklistSigningKeysOf(prisma: PrismaClient): ChecklistSigningKeys {
  const keys = keysOfClient.get(prisma);
  if (!keys) throw new Error("no checklist signing keys are registered for this database client");
  return keys;
}
