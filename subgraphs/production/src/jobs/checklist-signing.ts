// The electronic signature of a checklist (21 CFR Part 11 style): the signer re-enters their
// password or PIN, every required item must be answered, and the record keeps the signer, the
// meaning of the signature, the time and a SHA-256 hash of the signed content. After that the
// database refuses any change to the completion or its answers (trigger in the plant rules).
import { createHash } from "node:crypto";
import type { ChecklistCompletion, PrismaClient } from "@ms5/db";
import { verifySecret } from "@ms5/kit";
import { checklistPassed } from "./checklist-answers.ts";
import type { ChecklistActor } from "./checklist-completion.ts";
import { lockChecklistCompletion } from "./checklist-completion.ts";
import { ChecklistAlreadySigned, ChecklistIncomplete, InvalidInput, SignatureRejected } from "./job-errors.ts";

/** The longest signature meaning kept. @default 200 characters */
export const MAX_SIGNATURE_MEANING_LENGTH = 200;

/** Version of the canonical form below; a new form gets a new number, old hashes stay checkable. */
export const CHECKLIST_CONTENT_HASH_VERSION = 1;

export interface SignedChecklistContent {
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
 * contentHash = "sha256:" + lowercase hex SHA-256 of those bytes.
 */
export function canonicalChecklistContent(content: SignedChecklistContent): string {
  return canonicalJson({
    v: CHECKLIST_CONTENT_HASH_VERSION,
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

export function checklistContentHash(content: SignedChecklistContent): string {
  return `sha256:${createHash("sha256").update(canonicalChecklistContent(content), "utf8").digest("hex")}`;
}

/** The signed content of a completion as stored now (for signing, and for re-checking a stored hash). */
async function storedContent(
  prisma: Pick<PrismaClient, "checklistResponse">,
  completion: Pick<ChecklistCompletion, "id" | "templateId" | "templateVersion" | "equipmentId" | "jobId">,
  signature: { signerId: string; meaning: string; signedAt: Date },
): Promise<SignedChecklistContent> {
  const responses = await prisma.checklistResponse.findMany({
    where: { completionId: completion.id },
    include: { item: { select: { position: true, type: true } } },
  });
  return {
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

/** True when a signed completion's stored hash still matches its stored content (tamper check). */
export async function checklistHashMatches(prisma: PrismaClient, completionId: string): Promise<boolean> {
  const completion = await prisma.checklistCompletion.findUniqueOrThrow({ where: { id: completionId } });
  if (completion.status !== "SIGNED" || !completion.signerId || !completion.signatureMeaning || !completion.signedAt) {
    return false;
  }
  const content = await storedContent(prisma, completion, {
    signerId: completion.signerId,
    meaning: completion.signatureMeaning,
    signedAt: completion.signedAt,
  });
  return checklistContentHash(content) === completion.contentHash;
}

/** Whether `secret` is the user's PIN or password; false for an inactive or locked user. */
async function signerSecretMatches(prisma: PrismaClient, userId: string, secret: string, now: Date): Promise<boolean> {
  const user = await prisma.user.findUnique({
    where: { id: userId },
    select: { active: true, lockedUntil: true, passwordHash: true, pinHash: true },
  });
  if (!user?.active || (user.lockedUntil && user.lockedUntil > now) || secret.length === 0) return false;
  if (user.pinHash && (await verifySecret(secret, user.pinHash))) return true;
  return verifySecret(secret, user.passwordHash);
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
    throw new InvalidInput("meaning", `A signature meaning takes at most ${MAX_SIGNATURE_MEANING_LENGTH} characters.`);
  }
  // Before the transaction: scrypt is slow on purpose and must not hold the completion's row lock.
  if (!(await signerSecretMatches(prisma, actor.userId, input.secret, new Date()))) throw new SignatureRejected();
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
    const content = await storedContent(tx, completion, { signerId: actor.userId, meaning, signedAt });
    const responses = await tx.checklistResponse.findMany({
      where: { completionId: completion.id },
      select: { valueBoolean: true, withinLimits: true, item: { select: { type: true } } },
    });
    return tx.checklistCompletion.update({
      where: { id: completion.id },
      data: {
        status: "SIGNED",
        signerId: actor.userId,
        signatureMeaning: meaning,
        signedAt,
        contentHash: checklistContentHash(content),
        passed: checklistPassed(responses),
      },
    });
  });
}
