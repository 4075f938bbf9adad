// The electronic signature of a checklist (21 CFR Part 11 style): the signer re-enters their
// password or PIN, every required item must be answered, and the record keeps the signer, the
// meaning of the signature, the time, a SHA-256 hash of the signed content and an HMAC-SHA256 of it
// with a key the database does not hold (checklist-signing-keys.ts). After that the database refuses
// any change to the completion or its answers (trigger in the plant rules), and whoever changes one
// anyway (a DBA, a restored backup edited by hand) is caught by verifyChecklistSignature.

import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { ChecklistCompletion, PrismaClient } from "@ms5/db";
import { AUTH_DEFAULTS, AuthError, checkUserSecret, isPinShaped, SECRET_CHECK_COLUMNS } from "@ms5/kit/auth";
import { InputInvalid, NotFound } from "@ms5/kit/subgraph";
import { checklistPassed } from "./checklist-answers.ts";
import type { ChecklistActor } from "./checklist-completion.ts";
import { lockChecklistCompletion } from "./checklist-completion.ts";
import { type ChecklistSigningKey, checklistSigningKeysOf } from "./checklist-signing-keys.ts";
import { ChecklistAlreadySigned, ChecklistIncomplete, SignatureLocked, SignatureRejected } from "./job-errors.ts";

/** The longest signature meaning kept. @default 200 characters */
export const MAX_SIGNATURE_MEANING_LENGTH = 200;

/**
 * Version of the canonical form below; a new form gets a new number, old hashes stay checkable.
 * 1: hash only (completions signed before the MAC). 2: adds the completion's id and its pass/fail,
 * and is what the MAC covers.
 */
export type ChecklistContentVersion = 1 | 2;
export const CHECKLIST_CONTENT_HASH_VERSION: ChecklistContentVersion = 2;

/**
 * The migration that added the MAC: a completion signed after it finished without a MAC had its MAC
 * removed, so it is tampered, not legacy.
 */
export const CHECKLIST_MAC_MIGRATION = "20261206200611_checklist_signature_mac";

export interface SignedChecklistContent {
  /** Version 2 on: binds the signature to this record, so it cannot be moved to a twin. */
  completionId?: string;
  /** Version 2 on: the recorded outcome, so a failed check cannot be turned into a pass. */
  passed?: boolean | null;
  templateId: string;
  templateVersion: number;
  equipmentId: string;
  jobId: string | null;
  responses: readonly {
    position: number;
    itemId: string;
    type: string;
    valueBoolean: boolean | null;
    valueNumber: number | null;
    valueText: string | null;
    withinLimits: boolean | null;
    answeredById: string;
  }[];
  signerId: string;
  meaning: string;
  signedAt: Date;
}

/** JSON with every object's keys sorted (by UTF-16 code unit) and no whitespace. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(",")}}`;
}

/**
 * The canonical form the hash is taken over: UTF-8 bytes of JSON with keys sorted, no whitespace,
 * numbers in ECMAScript's shortest round-trip form, the time as ISO 8601 UTC with milliseconds:
 *
 *   {"equipmentId":"<uuid>","jobId":"<uuid>"|null,"meaning":"<text>",
 *    "responses":[{"answeredById":"<uuid>","itemId":"<uuid>","position":<int>,"type":"<item type>",
 *                  "valueBoolean":<bool>|null,"valueNumber":<number>|null,"valueText":"<text>"|null,
 *                  "withinLimits":<bool>|null}, ...],           (sorted by item position)
 *    "signedAt":"2026-11-27T08:00:00.000Z","signerId":"<uuid>",
 *    "template":{"id":"<uuid>","version":<int>},"v":1}
 *
 * contentHash = "sha256:" + lowercase hex SHA-256 of those bytes. Version 2 adds
 * "completionId":"<uuid>" and "passed":<bool>|null, and "v":2;
 * signatureMac = "hmac-sha256:" + lowercase hex HMAC-SHA256 of the same bytes under the signing key.
 */
export function canonicalChecklistContent(
  content: SignedChecklistContent,
  version: ChecklistContentVersion = CHECKLIST_CONTENT_HASH_VERSION,
): string {
  const bound =
    version === 1 ? {} : { completionId: requiredForV2(content.completionId), passed: content.passed ?? null };
  return canonicalJson({
    v: version,
    ...bound,
    template: { id: content.templateId, version: content.templateVersion },
    equipmentId: content.equipmentId,
    jobId: content.jobId,
    responses: [...content.responses]
      .sort((a, b) => a.position - b.position)
      .map((r) => ({
        position: r.position,
        itemId: r.itemId,
        type: r.type,
        valueBoolean: r.valueBoolean,
        valueNumber: r.valueNumber,
        valueText: r.valueText,
        withinLimits: r.withinLimits,
        answeredById: r.answeredById,
      })),
    signerId: content.signerId,
    meaning: content.meaning,
    signedAt: content.signedAt.toISOString(),
  });
}

function requiredForV2(completionId: string | undefined): string {
  if (completionId === undefined) throw new Error("version 2 of the signed content names the completion");
  return completionId;
}

export function checklistContentHash(
  content: SignedChecklistContent,
  version: ChecklistContentVersion = CHECKLIST_CONTENT_HASH_VERSION,
): string {
  return `sha256:${createHash("sha256").update(canonicalChecklistContent(content, version), "utf8").digest("hex")}`;
}

/** The MAC of the current canonical form under `key`. */
export function checklistSignatureMac(content: SignedChecklistContent, key: ChecklistSigningKey): string {
  return `hmac-sha256:${createHmac("sha256", key.secret).update(canonicalChecklistContent(content), "utf8").digest("hex")}`;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The signed content of a completion as stored now (for signing, and for re-checking a stored hash). */
export async function storedChecklistContent(
  prisma: Pick<PrismaClient, "checklistResponse">,
  completion: Pick<ChecklistCompletion, "id" | "templateId" | "templateVersion" | "equipmentId" | "jobId">,
  signature: { signerId: string; meaning: string; signedAt: Date; passed: boolean | null },
): Promise<SignedChecklistContent> {
  const responses = await prisma.checklistResponse.findMany({
    where: { completionId: completion.id },
    include: { item: { select: { position: true, type: true } } },
  });
  return {
    completionId: completion.id,
    templateId: completion.templateId,
    templateVersion: completion.templateVersion,
    equipmentId: completion.equipmentId,
    jobId: completion.jobId,
    responses: responses.map((r) => ({
      position: r.item.position,
      itemId: r.itemId,
      type: r.item.type,
      valueBoolean: r.valueBoolean,
      valueNumber: r.valueNumber,
      valueText: r.valueText,
      withinLimits: r.withinLimits,
      answeredById: r.answeredById,
    })),
    ...signature,
  };
}

/**
 * What a stored signature proves. VALID: the MAC and hash match the stored content. TAMPERED: they do
 * not, or a completion signed after the MAC existed has none. LEGACY_HASH_ONLY: signed before the
 * MAC existed and its SHA-256 still matches (which anyone able to write the row could recompute).
 * UNKNOWN_KEY: made with a key this subgraph no longer (or never) held. UNSIGNED: nothing to verify.
 */
export type ChecklistSignatureStatus = "VALID" | "TAMPERED" | "LEGACY_HASH_ONLY" | "UNKNOWN_KEY" | "UNSIGNED";

export interface ChecklistSignatureCheck {
  completionId: string;
  status: ChecklistSignatureStatus;
  /** The key the MAC names; null for legacy and unsigned completions. */
  keyId: string | null;
  signerId: string | null;
  signedAt: Date | null;
}

/** Checks a completion's stored signature against its stored content; NotFound for an unknown id. */
export async function verifyChecklistSignature(
  prisma: PrismaClient,
  completionId: string,
): Promise<ChecklistSignatureCheck> {
  const completion = await prisma.checklistCompletion.findUnique({ where: { id: completionId } });
  if (!completion) throw new NotFound("checklist completion", completionId);
  const check = (status: ChecklistSignatureStatus): ChecklistSignatureCheck => ({
    completionId,
    status,
    keyId: completion.signatureKeyId,
    signerId: completion.signerId,
    signedAt: completion.signedAt,
  });
  if (completion.status !== "SIGNED") return check("UNSIGNED");
  if (!completion.signerId || !completion.signatureMeaning || !completion.signedAt || !completion.contentHash) {
    return check("TAMPERED");
  }
  const content = await storedChecklistContent(prisma, completion, {
    signerId: completion.signerId,
    meaning: completion.signatureMeaning,
    signedAt: completion.signedAt,
    passed: completion.passed,
  });
  if (completion.signatureMac === null || completion.signatureKeyId === null) {
    const macSince = await macRequiredSince(prisma);
    const legacy = macSince !== null && completion.signedAt < macSince;
    return check(
      legacy && sameText(checklistContentHash(content, 1), completion.contentHash) ? "LEGACY_HASH_ONLY" : "TAMPERED",
    );
  }
  const key = checklistSigningKeysOf(prisma).byId.get(completion.signatureKeyId);
  if (!key) return check("UNKNOWN_KEY");
  const intact =
    sameText(checklistSignatureMac(content, key), completion.signatureMac) &&
    sameText(checklistContentHash(content), completion.contentHash);
  return check(intact ? "VALID" : "TAMPERED");
}

/** When the MAC migration finished; null when it is not recorded (then no completion is legacy). */
async function macRequiredSince(prisma: PrismaClient): Promise<Date | null> {
  const rows = await prisma.$queryRaw<{ finished_at: Date | null }[]>`
    SELECT finished_at FROM "_prisma_migrations"
    WHERE migration_name = ${CHECKLIST_MAC_MIGRATION} AND rolled_back_at IS NULL AND finished_at IS NOT NULL
    ORDER BY finished_at LIMIT 1`;
  return rows[0]?.finished_at ?? null;
}

/**
 * Re-authenticates the signer with sign-in's counters and limits (kit's checkUserSecret), so a
 * tablet left signed in is no guessing oracle: a PIN-shaped secret of a user with a PIN counts on the
 * PIN counter, any other on the password counter. SignatureRejected for a wrong secret or an inactive
 * user, SignatureLocked past the limit.
 */
async function reauthenticateSigner(prisma: PrismaClient, userId: string, secret: string): Promise<void> {
  if (secret.length > AUTH_DEFAULTS.maxSecretLength) {
    throw new InputInvalid("secret", `A password or PIN has at most ${AUTH_DEFAULTS.maxSecretLength} characters.`);
  }
  const user = await prisma.user.findUnique({ where: { id: userId }, select: SECRET_CHECK_COLUMNS });
  if (!user || secret.length === 0) throw new SignatureRejected();
  const secretName = user.pinHash !== null && isPinShaped(secret) ? "PIN" : "password";
  try {
    await checkUserSecret(prisma, user, secret, secretName);
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    if (error.reason === "account-locked") throw new SignatureLocked("password", error.retryAfterSeconds ?? 1);
    if (error.reason === "pin-locked") throw new SignatureLocked("PIN", error.retryAfterSeconds ?? 1);
    throw new SignatureRejected();
  }
}

export interface SignChecklistInput {
  completionId: string;
  /** The signer's password or PIN, re-entered for this signature. */
  secret: string;
  /** What the signature means; the template's default when omitted. */
  meaning?: string | null;
}

/** Signs a completion as the actor: SignatureRejected, ChecklistIncomplete or ChecklistAlreadySigned otherwise. */
export async function signChecklist(
  prisma: PrismaClient,
  actor: ChecklistActor,
  input: SignChecklistInput,
): Promise<ChecklistCompletion> {
  const meaningGiven = input.meaning?.trim();
  if (meaningGiven !== undefined && meaningGiven.length > MAX_SIGNATURE_MEANING_LENGTH) {
    throw new InputInvalid("meaning", `A signature meaning takes at most ${MAX_SIGNATURE_MEANING_LENGTH} characters.`);
  }
  // Looked up first: a subgraph wired without keys must not get as far as checking the secret.
  const signingKey = checklistSigningKeysOf(prisma).current;
  // Before the transaction: scrypt is slow on purpose and must not hold the completion's row lock.
  await reauthenticateSigner(prisma, actor.userId, input.secret);
  return prisma.$transaction(async (tx) => {
    const completion = await lockChecklistCompletion(tx, input.completionId);
    if (completion.status === "SIGNED") throw new ChecklistAlreadySigned(completion.id);
    const template = await tx.checklistTemplate.findUniqueOrThrow({
      where: { id: completion.templateId },
      include: { items: { select: { id: true, required: true } } },
    });
    const answered = new Set(
      (await tx.checklistResponse.findMany({ where: { completionId: completion.id }, select: { itemId: true } })).map(
        (r) => r.itemId,
      ),
    );
    const missing = template.items.filter((item) => item.required && !answered.has(item.id)).map((item) => item.id);
    if (missing.length > 0) throw new ChecklistIncomplete(completion.id, missing);

    // A JS Date has millisecond precision, as the timestamptz(3) column: the stored time hashes the same.
    const signedAt = new Date();
    const meaning = meaningGiven || template.defaultSignatureMeaning;
    const responses = await tx.checklistResponse.findMany({
      where: { completionId: completion.id },
      select: { valueBoolean: true, withinLimits: true, item: { select: { type: true } } },
    });
    const passed = checklistPassed(responses);
    const content = await storedChecklistContent(tx, completion, { signerId: actor.userId, meaning, signedAt, passed });
    return tx.checklistCompletion.update({
      where: { id: completion.id },
      data: {
        status: "SIGNED",
        signerId: actor.userId,
        signatureMeaning: meaning,
        signedAt,
        contentHash: checklistContentHash(content),
        signatureMac: checklistSignatureMac(content, signingKey),
        signatureKeyId: signingKey.id,
        passed,
      },
    });
  });
}
