// The electronic signature of a release check, as checklists are signed (production's
// checklist-signing.ts): the record keeps signer, meaning, time, the SHA-256 of the signed content
// and an HMAC-SHA256 of it under a key only this subgraph holds (QUALITY_SIGNING_KEYS), with the
// key's id. Whoever changes a signed check or its measurements in the database alone (a DBA, a
// restored backup edited by hand) is caught by verifyReleaseCheckSignature.
import type { DbClient, PrismaClient, QualityCheck } from "@ms5/db";
import {
  canonicalJson,
  contentHashOf,
  generateRecordSigningKey,
  parseRecordSigningKeys,
  type RecordSigningKey,
  type RecordSigningKeys,
  sameSignatureText,
  signatureMacOf,
} from "@ms5/kit";
import { NotFound } from "@ms5/kit/subgraph";

export interface SignedReleaseContent {
  checkId: string;
  templateId: string;
  lineId: string;
  passed: boolean;
  measurements: readonly {
    id: string;
    characteristicId: string;
    sampleIndex: number;
    value: number | null;
    conforming: boolean | null;
    defectCount: number | null;
    withinSpec: boolean;
    recordedById: string | null;
  }[];
  signerId: string;
  meaning: string;
  signedAt: Date;
}

/**
 * The canonical form hash and MAC are taken over: UTF-8 JSON with keys sorted, no whitespace, the
 * current measurements sorted by characteristic then sample, the time as ISO 8601 UTC:
 *
 *   {"checkId":"<uuid>","lineId":"<uuid>","meaning":"<text>","measurements":[{"characteristicId":...,
 *    "conforming":<bool>|null,"defectCount":<int>|null,"id":"<uuid>","recordedById":"<uuid>",
 *    "sampleIndex":<int>,"value":<number>|null,"withinSpec":<bool>}, ...],"passed":<bool>,
 *    "signedAt":"2026-12-07T08:00:00.000Z","signerId":"<uuid>","templateId":"<uuid>","v":1}
 */
export function canonicalReleaseContent(content: SignedReleaseContent): string {
  return canonicalJson({
    v: 1,
    checkId: content.checkId,
    templateId: content.templateId,
    lineId: content.lineId,
    passed: content.passed,
    measurements: [...content.measurements]
      .sort((a, b) =>
        a.characteristicId === b.characteristicId
          ? a.sampleIndex - b.sampleIndex
          : a.characteristicId < b.characteristicId
            ? -1
            : 1,
      )
      .map((m) => ({
        id: m.id,
        characteristicId: m.characteristicId,
        sampleIndex: m.sampleIndex,
        value: m.value,
        conforming: m.conforming,
        defectCount: m.defectCount,
        withinSpec: m.withinSpec,
        recordedById: m.recordedById,
      })),
    signerId: content.signerId,
    meaning: content.meaning,
    signedAt: content.signedAt.toISOString(),
  });
}

/** The hash and MAC a signature stores, and the key's id. */
export function releaseSignatureOf(content: SignedReleaseContent, key: RecordSigningKey) {
  const canonical = canonicalReleaseContent(content);
  return {
    signatureHash: contentHashOf(canonical),
    signatureMac: signatureMacOf(canonical, key),
    signatureKeyId: key.id,
  };
}

/** The signed content of a check as stored now (for signing, and for re-checking a stored signature). */
export async function storedReleaseContent(
  db: DbClient,
  check: Pick<QualityCheck, "id" | "templateId" | "lineId">,
  signature: { passed: boolean; signerId: string; meaning: string; signedAt: Date },
): Promise<SignedReleaseContent> {
  const measurements = await db.measurement.findMany({ where: { checkId: check.id, supersededById: null } });
  return { checkId: check.id, templateId: check.templateId, lineId: check.lineId, measurements, ...signature };
}

/**
 * VALID: MAC and hash match the stored content. TAMPERED: they do not, or a part of the signature is
 * missing or the outcome is no longer PASSED/FAILED. UNKNOWN_KEY: made with a key this subgraph does
 * not hold. UNSIGNED: nothing to verify.
 */
export type ReleaseSignatureStatus = "VALID" | "TAMPERED" | "UNKNOWN_KEY" | "UNSIGNED";

export interface ReleaseSignatureCheck {
  checkId: string;
  status: ReleaseSignatureStatus;
  keyId: string | null;
  signerId: string | null;
  signedAt: Date | null;
}

export async function verifyReleaseCheckSignature(
  prisma: PrismaClient,
  checkId: string,
): Promise<ReleaseSignatureCheck> {
  const check = await prisma.qualityCheck.findUnique({ where: { id: checkId } });
  if (!check) throw new NotFound("quality check", checkId);
  const result = (status: ReleaseSignatureStatus): ReleaseSignatureCheck => ({
    checkId,
    status,
    keyId: check.signatureKeyId,
    signerId: check.signedById,
    signedAt: check.signedAt,
  });
  const anyPart = check.signedAt ?? check.signedById ?? check.signatureHash ?? check.signatureMac;
  if (anyPart === null) return result("UNSIGNED");
  if (
    !check.signedAt ||
    !check.signedById ||
    !check.signatureMeaning ||
    !check.signatureHash ||
    !check.signatureMac ||
    !check.signatureKeyId ||
    (check.status !== "PASSED" && check.status !== "FAILED")
  ) {
    return result("TAMPERED");
  }
  const key = qualitySigningKeysOf(prisma).byId.get(check.signatureKeyId);
  if (!key) return result("UNKNOWN_KEY");
  const content = await storedReleaseContent(prisma, check, {
    passed: check.status === "PASSED",
    signerId: check.signedById,
    meaning: check.signatureMeaning,
    signedAt: check.signedAt,
  });
  const expected = releaseSignatureOf(content, key);
  const intact =
    sameSignatureText(expected.signatureMac, check.signatureMac) &&
    sameSignatureText(expected.signatureHash, check.signatureHash);
  return result(intact ? "VALID" : "TAMPERED");
}

// Resolvers reach the keys of the subgraph they run in through context.prisma: the schema is one
// module-level value for every instance.
const keysOfClient = new WeakMap<PrismaClient, RecordSigningKeys>();

export function registerQualitySigningKeys(prisma: PrismaClient, keys: RecordSigningKeys): void {
  keysOfClient.set(prisma, keys);
}

export function hasQualitySigningKeys(prisma: PrismaClient): boolean {
  return keysOfClient.has(prisma);
}

/** The keys registered for this client; an unexpected error when none were (a wiring mistake). */
export function qualitySigningKeysOf(prisma: PrismaClient): RecordSigningKeys {
  const keys = keysOfClient.get(prisma);
  if (!keys) throw new Error("no quality signing keys are registered for this database client");
  return keys;
}

/** A key for a process started without QUALITY_SIGNING_KEYS (tests, a first local start). */
export function ephemeralQualitySigningKeys(): RecordSigningKeys {
  return parseRecordSigningKeys(generateRecordSigningKey("qk"));
}
