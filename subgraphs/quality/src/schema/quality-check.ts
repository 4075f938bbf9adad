// Quality checks and their measurements: due and overdue checks per line, recording at the tablet
// with each value judged at once, corrections that supersede (audited), release checks signed by the
// inspector. Recording and signing need quality:perform.
import type { Measurement, QualityCheck, QualityCheckTemplate } from "@ms5/db";
import { defineLoader } from "@ms5/kit/subgraph";
import { builder, uuidArgument } from "../builder.ts";
import { userActorOf } from "../checks/actor.ts";
import { requestQualityAndonOrLog } from "../checks/quality-andon-requests.ts";
import {
  correctMeasurement,
  OPEN_CHECK_STATUSES,
  openQualityCheck,
  recordMeasurements,
  signReleaseCheck,
} from "../checks/quality-checks.ts";
import { type ReleaseSignatureCheck, verifyReleaseCheckSignature } from "../checks/release-check-signatures.ts";
import { qualityRuntimeOf } from "../quality-runtime.ts";
import { CharacteristicRef, characteristicById, InspectionPlanRef } from "./inspection-plan.ts";
import { EquipmentRef, equipmentRefOf, LineRef, lineRefOf } from "./plant-refs.ts";
import { CHANGE_ERRORS, QualitySignatureRejected, RECORDING_ERRORS } from "./quality-errors.ts";

const ReleaseSignatureStatusEnum = builder.enumType("ReleaseSignatureStatus", {
  values: {
    VALID: { description: "The HMAC and hash match the check and its measurements as stored now." },
    TAMPERED: { description: "They do not, or part of the signature is missing: changed outside the application." },
    UNKNOWN_KEY: { description: "Signed with a key this subgraph does not hold (rotated out, or made at a start)." },
    UNSIGNED: { description: "Not signed: nothing to verify." },
  } as const,
});

const ReleaseSignatureCheckRef = builder.objectRef<ReleaseSignatureCheck>("ReleaseSignatureCheck").implement({
  description: "What a release check's stored electronic signature proves, checked now against the stored record.",
  fields: (t) => ({
    checkId: t.exposeID("checkId"),
    status: t.field({ type: ReleaseSignatureStatusEnum, resolve: (check) => check.status }),
    keyId: t.exposeString("keyId", { nullable: true, description: "The signing key the MAC names." }),
    signerId: t.exposeID("signerId", { nullable: true }),
    signedAt: t.expose("signedAt", { type: "DateTime", nullable: true }),
  }),
});

export const QualityCheckStatusEnum = builder.enumType("QualityCheckStatus", {
  values: ["DUE", "IN_PROGRESS", "PASSED", "FAILED", "MISSED"] as const,
});
export const QualityCheckTriggerEnum = builder.enumType("QualityCheckTrigger", {
  description: "What made the check fall due: good units, run time, a job's first-off, a shift, or by hand.",
  values: ["GOOD_UNITS", "RUN_TIME", "FIRST_OFF", "SHIFT", "MANUAL"] as const,
});

export const measurementsOfCheck = defineLoader<string, Measurement[]>(async (checkIds, { prisma }) => {
  const rows = await prisma.measurement.findMany({
    where: { checkId: { in: [...checkIds] } },
    orderBy: [{ characteristicId: "asc" }, { sampleIndex: "asc" }, { measuredAt: "asc" }],
  });
  return checkIds.map((id) => rows.filter((row) => row.checkId === id));
});

export const checkById = defineLoader<string, QualityCheck | null>(async (ids, { prisma }) => {
  const rows = await prisma.qualityCheck.findMany({ where: { id: { in: [...ids] } } });
  return ids.map((id) => rows.find((row) => row.id === id) ?? null);
});

const planById = defineLoader<string, QualityCheckTemplate | null>(async (ids, { prisma }) => {
  const rows = await prisma.qualityCheckTemplate.findMany({ where: { id: { in: [...ids] } } });
  return ids.map((id) => rows.find((row) => row.id === id) ?? null);
});

export const MeasurementRef = builder.prismaObject("Measurement", {
  description: "One sample of one characteristic in a check, judged against the spec limits when recorded.",
  authScopes: { permission: "quality:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    checkId: t.exposeID("checkId"),
    characteristic: t.field({
      type: CharacteristicRef,
      resolve: async (m, _args, context) => (await context.loaders.of(characteristicById).load(m.characteristicId))!,
    }),
    sampleIndex: t.exposeInt("sampleIndex"),
    value: t.exposeFloat("value", { nullable: true }),
    conforming: t.exposeBoolean("conforming", { nullable: true }),
    defectCount: t.exposeInt("defectCount", { nullable: true }),
    withinSpec: t.exposeBoolean("withinSpec", {
      description: "Within the spec limits (variables) or conforming (attributes).",
    }),
    measuredAt: t.expose("measuredAt", { type: "DateTime" }),
    recordedById: t.exposeID("recordedById", { nullable: true }),
    supersededById: t.exposeID("supersededById", {
      nullable: true,
      description: "The correction that replaced this value; null for the current value.",
    }),
    correctionReason: t.exposeString("correctionReason", { nullable: true }),
  }),
});

export const QualityCheckRef = builder.prismaObject("QualityCheck", {
  description: "A check of a plan on a line: due, in progress, passed or failed.",
  authScopes: { permission: "quality:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    plan: t.field({
      type: InspectionPlanRef,
      resolve: async (check, _args, context) => (await context.loaders.of(planById).load(check.templateId))!,
    }),
    line: t.field({ type: LineRef, resolve: (check) => lineRefOf(check.lineId) }),
    equipment: t.field({ type: EquipmentRef, nullable: true, resolve: (check) => equipmentRefOf(check.equipmentId) }),
    workOrderId: t.exposeID("workOrderId", { nullable: true }),
    jobId: t.exposeID("jobId", { nullable: true }),
    status: t.expose("status", { type: QualityCheckStatusEnum }),
    trigger: t.expose("trigger", { type: QualityCheckTriggerEnum }),
    dueAt: t.expose("dueAt", { type: "DateTime" }),
    overdueAt: t.expose("overdueAt", { type: "DateTime", nullable: true }),
    overdue: t.boolean({
      description: "Still open after its overdue time.",
      resolve: (check, _args, context) =>
        (OPEN_CHECK_STATUSES as readonly string[]).includes(check.status) &&
        check.overdueAt !== null &&
        check.overdueAt.getTime() <= qualityRuntimeOf(context).now().getTime(),
    }),
    performedAt: t.expose("performedAt", { type: "DateTime", nullable: true }),
    inspectorId: t.exposeID("inspectorId", { nullable: true }),
    note: t.exposeString("note", { nullable: true }),
    signedById: t.exposeID("signedById", { nullable: true }),
    signedAt: t.expose("signedAt", { type: "DateTime", nullable: true }),
    signatureMeaning: t.exposeString("signatureMeaning", { nullable: true }),
    signatureHash: t.exposeString("signatureHash", { nullable: true, description: "SHA-256 of the signed content." }),
    signatureKeyId: t.exposeString("signatureKeyId", {
      nullable: true,
      description:
        "The signing key whose HMAC of the signed content is stored (verifyReleaseCheckSignature checks it).",
    }),
    measurements: t.field({
      type: [MeasurementRef],
      listSize: { assumedSize: 25 },
      args: { includeSuperseded: t.arg.boolean({ defaultValue: false }) },
      resolve: async (check, args, context) => {
        const rows = await context.loaders.of(measurementsOfCheck).load(check.id);
        return args.includeSuperseded ? rows : rows.filter((m) => m.supersededById === null);
      },
    }),
  }),
});

const MeasurementInput = builder.inputType("MeasurementInput", {
  fields: (t) => ({
    characteristicId: t.id({ required: true }),
    sampleIndex: t.int({ required: true, description: "0-based sample of the check." }),
    value: t.float({ description: "Variables: the value measured (a finite number)." }),
    conforming: t.boolean({ description: "Attributes: conforming or not." }),
    defectCount: t.int({ description: "Attributes counted: defects in the sample." }),
  }),
});

const openChecksOfLine = defineLoader<string, QualityCheck[]>(async (lineIds, { prisma }) => {
  const rows = await prisma.qualityCheck.findMany({
    where: { lineId: { in: [...lineIds] }, status: { in: [...OPEN_CHECK_STATUSES] } },
    orderBy: { dueAt: "asc" },
  });
  return lineIds.map((id) => rows.filter((row) => row.lineId === id));
});

builder.objectFields(LineRef, (t) => ({
  dueQualityChecks: t.field({
    type: [QualityCheckRef],
    listSize: { assumedSize: 20 },
    description: "Checks of this line due or in progress, the most overdue first.",
    authScopes: { permission: "quality:read" },
    resolve: (line, _args, context) => context.loaders.of(openChecksOfLine).load(line.id),
  }),
}));

builder.queryFields((t) => ({
  verifyReleaseCheckSignature: t.field({
    type: ReleaseSignatureCheckRef,
    description: "Checks a release check's electronic signature against the check and its measurements as stored now.",
    authScopes: { permission: "quality:read" },
    errors: { types: CHANGE_ERRORS },
    args: { checkId: t.arg.id({ required: true }) },
    resolve: (_root, args, context) =>
      verifyReleaseCheckSignature(context.prisma, uuidArgument(args.checkId, "checkId")),
  }),
  qualityChecks: t.prismaField({
    type: [QualityCheckRef],
    listSize: { slicingArguments: ["first"], assumedSize: 50, requireOneSlicingArgument: false },
    description: "Checks of a line, newest due first; filtered by status.",
    authScopes: { permission: "quality:read" },
    args: {
      lineId: t.arg.id({ required: true }),
      statuses: t.arg({ type: [QualityCheckStatusEnum] }),
      first: t.arg.int({ defaultValue: 50 }),
    },
    resolve: (query, _root, args, context) =>
      context.prisma.qualityCheck.findMany({
        ...query,
        where: {
          lineId: uuidArgument(args.lineId, "lineId"),
          ...(args.statuses?.length ? { status: { in: args.statuses } } : {}),
        },
        orderBy: { dueAt: "desc" },
        take: Math.min(Math.max(args.first ?? 50, 1), 500),
      }),
  }),
  qualityCheck: t.field({
    type: QualityCheckRef,
    nullable: true,
    authScopes: { permission: "quality:read" },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => context.loaders.of(checkById).load(uuidArgument(args.id, "id")),
  }),
}));

builder.mutationFields((t) => ({
  openQualityCheck: t.field({
    type: QualityCheckRef,
    description: "Opens a check of an active plan by hand.",
    authScopes: { permission: "quality:perform" },
    errors: { types: RECORDING_ERRORS },
    args: { planId: t.arg.id({ required: true }), lineId: t.arg.id(), workOrderId: t.arg.id(), jobId: t.arg.id() },
    resolve: async (_root, args, context) => {
      const runtime = qualityRuntimeOf(context);
      const check = await openQualityCheck(
        context.prisma,
        userActorOf(context),
        {
          planId: uuidArgument(args.planId, "planId"),
          lineId: args.lineId ? uuidArgument(args.lineId, "lineId") : null,
          workOrderId: args.workOrderId ? uuidArgument(args.workOrderId, "workOrderId") : null,
          jobId: args.jobId ? uuidArgument(args.jobId, "jobId") : null,
        },
        runtime.now(),
      );
      await runtime.publish([{ kind: "check-due", checkId: check.id, lineId: check.lineId }]);
      return check;
    },
  }),
  recordMeasurements: t.field({
    type: QualityCheckRef,
    description:
      "Records measurements of an open check, each judged against its spec limits at once; with complete, the check is judged PASSED or FAILED and its chart subgroups form.",
    authScopes: { permission: "quality:perform" },
    errors: { types: RECORDING_ERRORS },
    args: {
      checkId: t.arg.id({ required: true }),
      measurements: t.arg({ type: [MeasurementInput], required: true }),
      note: t.arg.string(),
      complete: t.arg.boolean({ defaultValue: false }),
    },
    resolve: async (_root, args, context) => {
      const runtime = qualityRuntimeOf(context);
      const result = await recordMeasurements(
        context.prisma,
        userActorOf(context),
        {
          checkId: uuidArgument(args.checkId, "checkId"),
          measurements: args.measurements.map((m) => ({
            ...m,
            characteristicId: uuidArgument(m.characteristicId, "characteristicId"),
          })),
          note: args.note ?? null,
          complete: args.complete ?? false,
        },
        runtime.now(),
      );
      for (const { measurement, characteristic } of result.outOfSpecForAndon) {
        await requestQualityAndonOrLog(
          runtime.redis,
          runtime.keyPrefix,
          {
            reason: "out-of-spec",
            lineId: result.check.lineId,
            equipmentId: result.check.equipmentId,
            priority: "HIGH",
            subjectId: measurement.id,
            note: `${characteristic.name} ${measurement.value ?? (measurement.conforming ? "conforming" : "not conforming")} is outside its spec limits.`,
            at: runtime.now(),
          },
          context.logger,
        );
      }
      await runtime.publish(
        result.violations.map((v) => ({
          kind: "spc-violation" as const,
          violationId: v.id,
          lineId: result.check.lineId,
          characteristicId: v.characteristicId,
        })),
      );
      return result.check;
    },
  }),
  correctMeasurement: t.field({
    type: MeasurementRef,
    description: "Corrects a measurement: a new one supersedes it (the old is kept), with the reason, audited.",
    authScopes: { permission: "quality:perform" },
    errors: { types: RECORDING_ERRORS },
    args: {
      measurementId: t.arg.id({ required: true }),
      value: t.arg.float(),
      conforming: t.arg.boolean(),
      defectCount: t.arg.int(),
      reason: t.arg.string({ required: true }),
    },
    resolve: async (_root, args, context) => {
      const runtime = qualityRuntimeOf(context);
      const { measurement } = await correctMeasurement(
        context.prisma,
        userActorOf(context),
        { ...args, measurementId: uuidArgument(args.measurementId, "measurementId") },
        runtime.now(),
      );
      return measurement;
    },
  }),
  signReleaseCheck: t.field({
    type: QualityCheckRef,
    description: "Completes a release check with the inspector's e-signature (password or PIN re-entered).",
    authScopes: { permission: "quality:perform" },
    errors: { types: [...RECORDING_ERRORS, QualitySignatureRejected] },
    args: { checkId: t.arg.id({ required: true }), secret: t.arg.string({ required: true }), meaning: t.arg.string() },
    resolve: (_root, args, context) =>
      signReleaseCheck(
        context.prisma,
        userActorOf(context),
        { checkId: uuidArgument(args.checkId, "checkId"), secret: args.secret, meaning: args.meaning ?? null },
        qualityRuntimeOf(context).now(),
      ),
  }),
}));
