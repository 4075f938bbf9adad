// Quality checks at the line: opened by hand or by the sampling rules (check-scheduler.ts), recorded
// at the tablet with every measurement judged against its spec limits at once, corrected by a new
// measurement that supersedes the old (audited; the old row is kept and never changed), completed as
// PASSED or FAILED, and, for release checks, e-signed by the inspector re-entering their secret.
// A completed check's variables and attribute samples become subgroups of their control charts.
import { randomUUID } from "node:crypto";
import type { Measurement, Prisma, PrismaClient, QualityCharacteristic, QualityCheck, SpcViolation } from "@ms5/db";
import { AUTH_DEFAULTS, AuthError, checkUserSecret, isPinShaped, SECRET_CHECK_COLUMNS } from "@ms5/kit/auth";
import { InputInvalid, NotFound } from "@ms5/kit/subgraph";
import { type NewSubgroup, recordSubgroups } from "../live-spc/spc-subgroups.ts";
import { InspectionPlanInactive, QualitySignatureRejected, QualityStateConflict } from "../quality-errors.ts";
import { subgroupStatistics } from "../spc/subgroup-statistics.ts";
import type { QualityActor } from "./actor.ts";
import { auditQualityChange, checkedNote } from "./inspection-plans.ts";
import { QUALITY_DEFAULTS } from "./quality-defaults.ts";
import { qualitySigningKeysOf, releaseSignatureOf, storedReleaseContent } from "./release-check-signatures.ts";

type Tx = Prisma.TransactionClient;

export const OPEN_CHECK_STATUSES = ["DUE", "IN_PROGRESS"] as const;

export interface MeasurementInput {
  characteristicId: string;
  /** 0-based sample of the check (a plan with sample size 5 takes samples 0 to 4). */
  sampleIndex: number;
  /** Variables: the value measured. */
  value?: number | null;
  /** Attributes: conforming or not. */
  conforming?: boolean | null;
  /** Attributes counted: defects found in the sample. */
  defectCount?: number | null;
}

/** Is a value within the spec limits (bounds included)? */
export function withinSpec(value: number, lowerSpec: number | null, upperSpec: number | null): boolean {
  return (lowerSpec === null || value >= lowerSpec) && (upperSpec === null || value <= upperSpec);
}

/** The judgement of one measurement against its characteristic; throws InputInvalid for a bad value. */
export function judgeMeasurement(characteristic: QualityCharacteristic, input: MeasurementInput, field: string) {
  if (characteristic.type === "VARIABLE") {
    const value = input.value;
    if (value === null || value === undefined || typeof value !== "number" || !Number.isFinite(value)) {
      throw new InputInvalid(`${field}.value`, `${characteristic.name} needs a finite number, not ${String(value)}.`);
    }
    return {
      value,
      conforming: null,
      defectCount: null,
      withinSpec: withinSpec(value, characteristic.lowerSpec, characteristic.upperSpec),
    };
  }
  const defectCount = input.defectCount ?? null;
  if (defectCount !== null && (!Number.isInteger(defectCount) || defectCount < 0)) {
    throw new InputInvalid(`${field}.defectCount`, "A defect count is a whole number, 0 or more.");
  }
  const conforming = input.conforming ?? (defectCount === null ? null : defectCount === 0);
  if (conforming === null) {
    throw new InputInvalid(
      `${field}.conforming`,
      `${characteristic.name} needs conforming (true/false) or a defect count.`,
    );
  }
  return { value: null, conforming, defectCount, withinSpec: conforming };
}

async function lockCheck(tx: Tx, checkId: string): Promise<QualityCheck> {
  const rows = await tx.$queryRaw<
    { id: string }[]
  >`SELECT id FROM quality_check WHERE id = ${checkId}::uuid FOR UPDATE`;
  if (rows.length === 0) throw new NotFound("quality check", checkId);
  return tx.qualityCheck.findUniqueOrThrow({ where: { id: checkId } });
}

/** Opens a check by hand (quality:perform) against an active plan. */
export async function openQualityCheck(
  prisma: PrismaClient,
  actor: QualityActor,
  input: { planId: string; lineId?: string | null; workOrderId?: string | null; jobId?: string | null },
  now: Date,
): Promise<QualityCheck> {
  const plan = await prisma.qualityCheckTemplate.findUnique({ where: { id: input.planId } });
  if (!plan) throw new NotFound("inspection plan", input.planId);
  if (!plan.active) throw new InspectionPlanInactive(plan.id);
  const lineId = input.lineId ?? plan.lineId;
  if (!lineId) throw new InputInvalid("lineId", "The plan names no line: say which line is checked.");
  if (plan.lineId && plan.lineId !== lineId) throw new InputInvalid("lineId", "The plan is for another line.");
  const line = await prisma.line.findUnique({ where: { id: lineId }, select: { id: true } });
  if (!line) throw new NotFound("line", lineId);
  if (input.workOrderId) {
    const order = await prisma.workOrder.findUnique({ where: { id: input.workOrderId }, select: { lineId: true } });
    if (!order) throw new NotFound("work order", input.workOrderId);
    if (order.lineId !== lineId) throw new InputInvalid("workOrderId", "The work order is for another line.");
  }
  return prisma.qualityCheck.create({
    data: {
      templateId: plan.id,
      lineId,
      equipmentId: plan.equipmentId,
      workOrderId: input.workOrderId ?? null,
      jobId: input.jobId ?? null,
      inspectorId: actor.userId,
      status: "IN_PROGRESS",
      trigger: "MANUAL",
      dueAt: now,
      overdueAt: new Date(now.getTime() + plan.overdueAfterMinutes * 60_000),
    },
  });
}

export interface RecordingResult {
  check: QualityCheck;
  measurements: Measurement[];
  /** Recorded values outside their spec limits whose characteristic asks for an andon. */
  outOfSpecForAndon: { measurement: Measurement; characteristic: QualityCharacteristic }[];
  /** Control-chart subgroups formed when the check completed, and the run rules they broke. */
  subgroupIds: bigint[];
  violations: SpcViolation[];
}

/**
 * Records measurements of an open check, judged at once. With `complete`, every sample of every
 * active characteristic must be there; the check becomes PASSED (all within spec) or FAILED and its
 * subgroups are formed, unless it is a release check, which completes only by signing.
 */
export async function recordMeasurements(
  prisma: PrismaClient,
  actor: QualityActor,
  input: {
    checkId: string;
    measurements: readonly MeasurementInput[];
    note?: string | null;
    complete?: boolean | null;
  },
  now: Date,
): Promise<RecordingResult> {
  if (input.measurements.length > QUALITY_DEFAULTS.maxMeasurementsPerRecording) {
    throw new InputInvalid(
      "measurements",
      `At most ${QUALITY_DEFAULTS.maxMeasurementsPerRecording} measurements at once.`,
    );
  }
  const note = checkedNote(input.note);
  const check = await prisma.qualityCheck.findUnique({
    where: { id: input.checkId },
    include: { template: { include: { characteristics: true } } },
  });
  if (!check) throw new NotFound("quality check", input.checkId);
  if (!check.template.active) throw new InspectionPlanInactive(check.templateId);
  const characteristics = new Map(check.template.characteristics.map((c) => [c.id, c]));
  const seen = new Set<string>();
  const judged = input.measurements.map((m, i) => {
    const field = `measurements.${i}`;
    const characteristic = characteristics.get(m.characteristicId);
    if (!characteristic)
      throw new InputInvalid(`${field}.characteristicId`, "The characteristic is not in this check's plan.");
    if (!characteristic.active) throw new InspectionPlanInactive(check.templateId);
    if (!Number.isInteger(m.sampleIndex) || m.sampleIndex < 0 || m.sampleIndex >= check.template.sampleSize) {
      throw new InputInvalid(`${field}.sampleIndex`, `The plan takes samples 0 to ${check.template.sampleSize - 1}.`);
    }
    const key = `${m.characteristicId}/${m.sampleIndex}`;
    if (seen.has(key)) throw new InputInvalid(`${field}.sampleIndex`, "The same sample is given twice.");
    seen.add(key);
    return { characteristic, sampleIndex: m.sampleIndex, ...judgeMeasurement(characteristic, m, field) };
  });
  if (input.complete && check.template.requiresSignature) {
    throw new QualityStateConflict("quality check", check.id, check.status, "A release check completes by signing it.");
  }

  return prisma.$transaction(async (tx) => {
    const locked = await lockCheck(tx, check.id);
    if (!(OPEN_CHECK_STATUSES as readonly string[]).includes(locked.status)) {
      throw new QualityStateConflict(
        "quality check",
        check.id,
        locked.status,
        `Check ${check.id} is ${locked.status}: record a correction instead.`,
      );
    }
    const existing = await tx.measurement.findMany({ where: { checkId: check.id, supersededById: null } });
    const taken = new Set(existing.map((m) => `${m.characteristicId}/${m.sampleIndex}`));
    for (const m of judged) {
      if (taken.has(`${m.characteristic.id}/${m.sampleIndex}`)) {
        throw new QualityStateConflict(
          "measurement",
          check.id,
          "RECORDED",
          `Sample ${m.sampleIndex} of ${m.characteristic.name} is recorded already: correct it instead.`,
        );
      }
    }
    const measurements: Measurement[] = [];
    for (const m of judged) {
      measurements.push(
        await tx.measurement.create({
          data: {
            checkId: check.id,
            characteristicId: m.characteristic.id,
            sampleIndex: m.sampleIndex,
            value: m.value,
            conforming: m.conforming,
            defectCount: m.defectCount,
            withinSpec: m.withinSpec,
            recordedById: actor.userId,
            measuredAt: now,
          },
        }),
      );
    }
    let updated = await tx.qualityCheck.update({
      where: { id: check.id },
      data: { status: "IN_PROGRESS", inspectorId: actor.userId, ...(note ? { note } : {}) },
    });
    let subgroupIds: bigint[] = [];
    let violations: SpcViolation[] = [];
    if (input.complete) {
      const completed = await completeCheck(tx, updated, now);
      updated = completed.check;
      subgroupIds = completed.subgroupIds;
      violations = completed.violations;
    }
    const outOfSpecForAndon = measurements
      .map((measurement) => ({ measurement, characteristic: characteristics.get(measurement.characteristicId)! }))
      .filter(({ measurement, characteristic }) => !measurement.withinSpec && characteristic.andonOnOutOfSpec);
    return { check: updated, measurements, outOfSpecForAndon, subgroupIds, violations };
  });
}

/** Marks a fully recorded check PASSED or FAILED and forms its subgroups; throws if a sample is missing. */
async function completeCheck(tx: Tx, check: QualityCheck, now: Date) {
  const characteristics = await tx.qualityCharacteristic.findMany({
    where: { templateId: check.templateId, active: true },
  });
  const template = await tx.qualityCheckTemplate.findUniqueOrThrow({ where: { id: check.templateId } });
  const current = await tx.measurement.findMany({ where: { checkId: check.id, supersededById: null } });
  const missing: string[] = [];
  for (const c of characteristics) {
    for (let sample = 0; sample < template.sampleSize; sample++) {
      if (!current.some((m) => m.characteristicId === c.id && m.sampleIndex === sample))
        missing.push(`${c.name} #${sample + 1}`);
    }
  }
  if (missing.length > 0) {
    throw new InputInvalid(
      "complete",
      `The check is incomplete: ${missing.slice(0, 5).join(", ")}${missing.length > 5 ? "..." : ""} not recorded.`,
    );
  }
  const passed = current.every((m) => m.withinSpec);
  const updated = await tx.qualityCheck.update({
    where: { id: check.id },
    data: { status: passed ? "PASSED" : "FAILED", performedAt: now },
  });
  const subgroupIds: bigint[] = [];
  const violations: SpcViolation[] = [];
  const recordSubgroup = async (subgroup: NewSubgroup) => {
    const recorded = await recordSubgroups(tx, subgroup.characteristicId, [subgroup]);
    violations.push(...recorded.violations);
    return recorded.ids[0]!;
  };
  for (const c of characteristics) {
    if (c.chartType === null || c.liveSignal !== null) continue;
    const samples = current.filter((m) => m.characteristicId === c.id).sort((a, b) => a.sampleIndex - b.sampleIndex);
    if (c.type === "VARIABLE") {
      const values = samples.map((m) => m.value!).slice(0, c.subgroupSize);
      if (values.length !== c.subgroupSize) {
        throw new InputInvalid(
          "complete",
          `${c.name} charts subgroups of ${c.subgroupSize}; the check has ${values.length} values.`,
        );
      }
      const stats = subgroupStatistics(values);
      subgroupIds.push(
        await recordSubgroup({
          characteristicId: c.id,
          lineId: check.lineId,
          equipmentId: check.equipmentId,
          source: "MANUAL",
          checkId: check.id,
          size: values.length,
          values,
          mean: stats.mean,
          range: stats.range,
          stdDev: stats.stdDev,
          nonconforming: null,
          inspected: null,
          firstAt: now,
          lastAt: now,
        }),
      );
    } else {
      const nonconforming =
        c.chartType === "C" || c.chartType === "U"
          ? samples.reduce((sum, m) => sum + (m.defectCount ?? (m.conforming ? 0 : 1)), 0)
          : samples.filter((m) => !m.conforming).length;
      subgroupIds.push(
        await recordSubgroup({
          characteristicId: c.id,
          lineId: check.lineId,
          equipmentId: check.equipmentId,
          source: "MANUAL",
          checkId: check.id,
          size: samples.length,
          values: [],
          mean: null,
          range: null,
          stdDev: null,
          nonconforming,
          inspected: samples.length,
          firstAt: now,
          lastAt: now,
        }),
      );
    }
  }
  return { check: updated, subgroupIds, violations };
}

/**
 * A correction: a new measurement of the same sample supersedes the old one, which is kept unchanged
 * but for the link (the database refuses any other change). Audited with before and after; a
 * completed check is judged again.
 */
export async function correctMeasurement(
  prisma: PrismaClient,
  actor: QualityActor,
  input: {
    measurementId: string;
    value?: number | null;
    conforming?: boolean | null;
    defectCount?: number | null;
    reason: string;
  },
  now: Date,
): Promise<{ measurement: Measurement; check: QualityCheck }> {
  const reason = checkedNote(input.reason, "reason");
  if (!reason) throw new InputInvalid("reason", "A correction says why.");
  const old = await prisma.measurement.findUnique({
    where: { id: input.measurementId },
    include: { characteristic: true, check: true },
  });
  if (!old) throw new NotFound("measurement", input.measurementId);
  if (old.check.signedAt) {
    throw new QualityStateConflict(
      "quality check",
      old.checkId,
      old.check.status,
      "The check is signed: it cannot be corrected.",
    );
  }
  const judged = judgeMeasurement(
    old.characteristic,
    { ...input, characteristicId: old.characteristicId, sampleIndex: old.sampleIndex },
    "measurement",
  );
  return prisma.$transaction(async (tx) => {
    const check = await lockCheck(tx, old.checkId);
    const still = await tx.measurement.findUniqueOrThrow({ where: { id: old.id } });
    if (still.supersededById) {
      throw new QualityStateConflict(
        "measurement",
        old.id,
        "SUPERSEDED",
        "This measurement was corrected already: correct the current one.",
      );
    }
    // One current value per sample: the old row stops being current before its correction is
    // inserted (the link to it is checked at commit).
    const replacementId = randomUUID();
    await tx.measurement.update({ where: { id: old.id }, data: { supersededById: replacementId } });
    const measurement = await tx.measurement.create({
      data: {
        id: replacementId,
        checkId: old.checkId,
        characteristicId: old.characteristicId,
        sampleIndex: old.sampleIndex,
        value: judged.value,
        conforming: judged.conforming,
        defectCount: judged.defectCount,
        withinSpec: judged.withinSpec,
        recordedById: actor.userId,
        measuredAt: now,
        correctionReason: reason,
      },
    });
    let updatedCheck = check;
    if (check.status === "PASSED" || check.status === "FAILED") {
      const current = await tx.measurement.findMany({ where: { checkId: check.id, supersededById: null } });
      updatedCheck = await tx.qualityCheck.update({
        where: { id: check.id },
        data: { status: current.every((m) => m.withinSpec) ? "PASSED" : "FAILED" },
      });
    }
    await auditQualityChange(tx, actor, "measurement.correct", "Measurement", old.id, still, measurement);
    return { measurement, check: updatedCheck };
  });
}

async function reauthenticateSigner(prisma: PrismaClient, userId: string, secret: string): Promise<void> {
  if (secret.length > AUTH_DEFAULTS.maxSecretLength) {
    throw new InputInvalid("secret", `A password or PIN has at most ${AUTH_DEFAULTS.maxSecretLength} characters.`);
  }
  const user = await prisma.user.findUnique({ where: { id: userId }, select: SECRET_CHECK_COLUMNS });
  if (!user || secret.length === 0) throw new QualitySignatureRejected();
  const secretName = user.pinHash !== null && isPinShaped(secret) ? "PIN" : "password";
  try {
    await checkUserSecret(prisma, user, secret, secretName);
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    if (error.reason === "account-locked" || error.reason === "pin-locked") {
      throw new QualitySignatureRejected(
        `Too many wrong attempts: signing is locked for ${error.retryAfterSeconds ?? 1} s.`,
      );
    }
    throw new QualitySignatureRejected();
  }
}

/**
 * Signs a release check (the way production signs checklists: the signer re-enters their password or
 * PIN, every sample must be recorded, and the record keeps signer, meaning, time, the SHA-256 of the
 * signed content and its HMAC under the subgraph's signing key: release-check-signatures.ts). The check becomes PASSED or FAILED and can no longer be corrected.
 */
export async function signReleaseCheck(
  prisma: PrismaClient,
  actor: QualityActor,
  input: { checkId: string; secret: string; meaning?: string | null },
  now: Date,
): Promise<QualityCheck> {
  const meaning = checkedNote(input.meaning, "meaning") ?? "Released: the checks were performed as recorded.";
  const check = await prisma.qualityCheck.findUnique({ where: { id: input.checkId }, include: { template: true } });
  if (!check) throw new NotFound("quality check", input.checkId);
  if (!check.template.requiresSignature) {
    throw new QualityStateConflict(
      "quality check",
      check.id,
      check.status,
      "This check is not a release check: complete it instead.",
    );
  }
  // Looked up first: a subgraph wired without keys must not get as far as checking the secret.
  const signingKey = qualitySigningKeysOf(prisma).current;
  // Before the transaction: scrypt is slow on purpose and must not hold the check's row lock.
  await reauthenticateSigner(prisma, actor.userId, input.secret);
  return prisma.$transaction(async (tx) => {
    const locked = await lockCheck(tx, check.id);
    if (locked.signedAt)
      throw new QualityStateConflict("quality check", check.id, locked.status, "The check is signed already.");
    const completed = await completeCheck(tx, locked, now);
    // Stored at millisecond precision (timestamptz(3)), as a JS Date holds it: it hashes the same later.
    const content = await storedReleaseContent(tx, locked, {
      passed: completed.check.status === "PASSED",
      signerId: actor.userId,
      meaning,
      signedAt: now,
    });
    return tx.qualityCheck.update({
      where: { id: check.id },
      data: {
        signedById: actor.userId,
        signedAt: now,
        signatureMeaning: meaning,
        ...releaseSignatureOf(content, signingKey),
        inspectorId: actor.userId,
      },
    });
  });
}
