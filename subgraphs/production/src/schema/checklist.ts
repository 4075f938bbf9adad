// Pre-start checklists: templates with their items, completions with their answers, and the
// mutations that start, answer and sign one (jobs/checklist-*.ts), with typed refusals.
import type { ChecklistResponse, ChecklistTemplateItem } from "@ms5/db";
import { defineLoader, ExpectedError, InputInvalid, NotFound } from "@ms5/kit/subgraph";
import { builder, uuidArgument } from "../builder.ts";
import { answerChecklistItem, startChecklist } from "../jobs/checklist-completion.ts";
import { type ChecklistSignatureCheck, signChecklist, verifyChecklistSignature } from "../jobs/checklist-signing.ts";
import {
  ChecklistAlreadySigned,
  ChecklistIncomplete,
  InvalidChecklistAnswer,
  SignatureLocked,
  SignatureRejected,
  UnknownChecklistItem,
} from "../jobs/job-errors.ts";
import { applicableChecklistTemplates } from "../jobs/pre-start-checklists.ts";
import { userActorOf } from "./job.ts";

const itemsOfTemplate = defineLoader<string, ChecklistTemplateItem[]>(async (templateIds, { prisma }) => {
  const rows = await prisma.checklistTemplateItem.findMany({
    where: { templateId: { in: [...templateIds] } },
    orderBy: { position: "asc" },
  });
  return templateIds.map((id) => rows.filter((row) => row.templateId === id));
});

const responsesOfCompletion = defineLoader<string, ChecklistResponse[]>(async (completionIds, { prisma }) => {
  const rows = await prisma.checklistResponse.findMany({
    where: { completionId: { in: [...completionIds] } },
    orderBy: { answeredAt: "asc" },
  });
  return completionIds.map((id) => rows.filter((row) => row.completionId === id));
});

export const ChecklistKindEnum = builder.enumType("ChecklistKind", {
  values: ["PRE_START", "CHANGEOVER", "SAFETY", "CLEANING"] as const,
});
export const ChecklistItemTypeEnum = builder.enumType("ChecklistItemType", {
  values: ["CHECKBOX", "NUMBER", "TEXT", "SELECT", "SIGNATURE"] as const,
});
export const ChecklistCompletionStatusEnum = builder.enumType("ChecklistCompletionStatus", {
  values: ["IN_PROGRESS", "SIGNED"] as const,
});

export const ChecklistTemplateItemRef = builder.prismaObject("ChecklistTemplateItem", {
  authScopes: { permission: "job:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    position: t.exposeInt("position"),
    label: t.exposeString("label"),
    type: t.field({ type: ChecklistItemTypeEnum, resolve: (item) => item.type }),
    required: t.exposeBoolean("required"),
    minValue: t.exposeFloat("minValue", { nullable: true }),
    maxValue: t.exposeFloat("maxValue", { nullable: true }),
    unit: t.exposeString("unit", { nullable: true }),
    options: t.exposeStringList("options", { description: "The allowed answers of a SELECT item." }),
    helpText: t.exposeString("helpText", { nullable: true }),
  }),
});

export const ChecklistTemplateRef = builder.prismaObject("ChecklistTemplate", {
  authScopes: { permission: "job:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    kind: t.field({ type: ChecklistKindEnum, resolve: (template) => template.kind }),
    version: t.exposeInt("version"),
    equipmentId: t.exposeID("equipmentId", { nullable: true }),
    lineId: t.exposeID("lineId", { nullable: true }),
    requiresSignature: t.exposeBoolean("requiresSignature"),
    defaultSignatureMeaning: t.exposeString("defaultSignatureMeaning"),
    items: t.field({
      // An estimate the gateway prices reads by (gateway/src/list-pricing.ts), not a cap.
      listSize: { assumedSize: 50 },
      type: [ChecklistTemplateItemRef],
      resolve: (template, _args, context) => context.loaders.of(itemsOfTemplate).load(template.id),
    }),
  }),
});

export const ChecklistResponseRef = builder.prismaObject("ChecklistResponse", {
  authScopes: { permission: "job:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    itemId: t.exposeID("itemId"),
    valueBoolean: t.exposeBoolean("valueBoolean", { nullable: true }),
    valueNumber: t.exposeFloat("valueNumber", { nullable: true }),
    valueText: t.exposeString("valueText", { nullable: true }),
    withinLimits: t.exposeBoolean("withinLimits", {
      nullable: true,
      description: "NUMBER items: false when the value lies outside the item's limits.",
    }),
    answeredById: t.exposeID("answeredById"),
    answeredAt: t.expose("answeredAt", { type: "DateTime" }),
  }),
});

export const ChecklistCompletionRef = builder.prismaObject("ChecklistCompletion", {
  authScopes: { permission: "job:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    templateId: t.exposeID("templateId"),
    templateVersion: t.exposeInt("templateVersion"),
    equipmentId: t.exposeID("equipmentId"),
    jobId: t.exposeID("jobId", { nullable: true }),
    status: t.field({ type: ChecklistCompletionStatusEnum, resolve: (completion) => completion.status }),
    passed: t.exposeBoolean("passed", {
      nullable: true,
      description: "Set on signing: every box ticked and every number within limits.",
    }),
    startedAt: t.expose("startedAt", { type: "DateTime" }),
    signerId: t.exposeID("signerId", { nullable: true }),
    signatureMeaning: t.exposeString("signatureMeaning", { nullable: true }),
    signedAt: t.expose("signedAt", { type: "DateTime", nullable: true }),
    contentHash: t.exposeString("contentHash", {
      nullable: true,
      description: "sha256:<hex> over the canonical signed content (jobs/checklist-signing.ts).",
    }),
    responses: t.field({
      type: [ChecklistResponseRef],
      resolve: (completion, _args, context) => context.loaders.of(responsesOfCompletion).load(completion.id),
    }),
  }),
});

export const ChecklistSignatureStatusEnum = builder.enumType("ChecklistSignatureStatus", {
  values: {
    VALID: { description: "The keyed MAC and the hash match the stored answers, signer, meaning and time." },
    TAMPERED: {
      description:
        "The stored record no longer matches its signature (changed in the database), or its MAC was removed.",
    },
    LEGACY_HASH_ONLY: {
      description:
        "Signed before keyed MACs: only the plain SHA-256 could be checked, and it matches. Not proof against " +
        "someone able to write the database.",
    },
    UNKNOWN_KEY: { description: "Signed with a key this plant no longer holds; cannot be checked." },
    UNSIGNED: { description: "The checklist is not signed yet; there is nothing to verify." },
  } as const,
});

const ChecklistSignatureCheckRef = builder.objectRef<ChecklistSignatureCheck>("ChecklistSignatureCheck").implement({
  description: "What a checklist's stored electronic signature proves, checked now against the stored record.",
  fields: (t) => ({
    completionId: t.exposeID("completionId"),
    status: t.field({ type: ChecklistSignatureStatusEnum, resolve: (check) => check.status }),
    keyId: t.exposeString("keyId", { nullable: true, description: "The signing key the MAC names." }),
    signerId: t.exposeID("signerId", { nullable: true }),
    signedAt: t.expose("signedAt", { type: "DateTime", nullable: true }),
  }),
});

builder.objectType(UnknownChecklistItem, {
  name: "UnknownChecklistItem",
  description: "The item is not on the checklist's template.",
  interfaces: [ExpectedError],
  fields: (t) => ({ completionId: t.exposeID("completionId"), itemId: t.exposeID("itemId") }),
});
builder.objectType(InvalidChecklistAnswer, {
  name: "InvalidChecklistAnswer",
  description: "The answer does not fit the item (wrong kind of value, a SELECT value not among the options).",
  interfaces: [ExpectedError],
  fields: (t) => ({ itemId: t.exposeID("itemId") }),
});
builder.objectType(ChecklistIncomplete, {
  name: "ChecklistIncomplete",
  description: "Required items are unanswered; the checklist was not signed.",
  interfaces: [ExpectedError],
  fields: (t) => ({ completionId: t.exposeID("completionId"), missingItemIds: t.exposeIDList("missingItemIds") }),
});
builder.objectType(ChecklistAlreadySigned, {
  name: "ChecklistAlreadySigned",
  description: "A signed checklist is an electronic record and cannot change.",
  interfaces: [ExpectedError],
  fields: (t) => ({ completionId: t.exposeID("completionId") }),
});
builder.objectType(SignatureLocked, {
  name: "SignatureLocked",
  description:
    "Too many wrong secrets: the PIN (or, for passwords, the account) is locked as at sign-in; nothing was signed.",
  interfaces: [ExpectedError],
  fields: (t) => ({
    secret: t.exposeString("secret", { description: "PIN or password: which one is locked." }),
    retryAfterSeconds: t.exposeInt("retryAfterSeconds"),
  }),
});
builder.objectType(SignatureRejected, {
  name: "SignatureRejected",
  description: "The password or PIN did not match the signer's; nothing was signed.",
  interfaces: [ExpectedError],
  fields: () => ({}),
});

builder.queryFields((t) => ({
  verifyChecklistSignature: t.field({
    type: ChecklistSignatureCheckRef,
    description:
      "Checks a checklist's electronic signature against the record as stored now: VALID, TAMPERED, " +
      "LEGACY_HASH_ONLY (signed before keyed MACs) or UNKNOWN_KEY.",
    authScopes: { permission: "job:read" },
    errors: { types: [NotFound, InputInvalid] },
    args: { completionId: t.arg.id({ required: true }) },
    resolve: (_root, args, context) =>
      verifyChecklistSignature(context.prisma, uuidArgument(args.completionId, "completionId")),
  }),
  checklistTemplates: t.prismaField({
    // An estimate the gateway prices reads by (gateway/src/list-pricing.ts), not a cap.
    listSize: { assumedSize: 20 },
    type: [ChecklistTemplateRef],
    description: "The active templates that apply to a piece of equipment (its own and its line's), latest versions.",
    authScopes: { permission: "job:read" },
    args: {
      equipmentId: t.arg.id({ required: true }),
      kind: t.arg({ type: ChecklistKindEnum, required: false }),
    },
    resolve: async (_query, _root, args, context) => {
      const equipmentId = uuidArgument(args.equipmentId, "equipmentId");
      const equipment = await context.prisma.equipment.findUnique({ where: { id: equipmentId } });
      if (!equipment) return [];
      return applicableChecklistTemplates(
        context.prisma,
        { equipmentId, lineId: equipment.lineId },
        args.kind ?? "PRE_START",
      );
    },
  }),
}));

builder.mutationFields((t) => ({
  startChecklist: t.field({
    type: ChecklistCompletionRef,
    description: "Starts filling in a template for a piece of equipment, optionally for the job it clears.",
    authScopes: { permission: "checklist:complete" },
    errors: { types: [NotFound, InputInvalid] },
    args: {
      templateId: t.arg.id({ required: true }),
      equipmentId: t.arg.id({ required: true }),
      jobId: t.arg.id(),
      idempotencyKey: t.arg.string({ description: "A retried start with the same key returns the same checklist." }),
    },
    resolve: (_root, args, context) => {
      userActorOf(context);
      return startChecklist(context.prisma, {
        templateId: uuidArgument(args.templateId, "templateId"),
        equipmentId: uuidArgument(args.equipmentId, "equipmentId"),
        jobId: args.jobId === null || args.jobId === undefined ? null : uuidArgument(args.jobId, "jobId"),
        idempotencyKey: args.idempotencyKey,
      });
    },
  }),
  answerChecklistItem: t.field({
    type: ChecklistResponseRef,
    description:
      "Answers (or re-answers) one item: valueBoolean for CHECKBOX, valueNumber for NUMBER, valueText otherwise.",
    authScopes: { permission: "checklist:complete" },
    errors: { types: [NotFound, UnknownChecklistItem, InvalidChecklistAnswer, ChecklistAlreadySigned] },
    args: {
      completionId: t.arg.id({ required: true }),
      itemId: t.arg.id({ required: true }),
      valueBoolean: t.arg.boolean(),
      valueNumber: t.arg.float(),
      valueText: t.arg.string(),
    },
    resolve: (_root, args, context) =>
      answerChecklistItem(context.prisma, userActorOf(context), {
        completionId: uuidArgument(args.completionId, "completionId"),
        itemId: uuidArgument(args.itemId, "itemId"),
        value: { boolean: args.valueBoolean, number: args.valueNumber, text: args.valueText },
      }),
  }),
  signChecklist: t.field({
    type: ChecklistCompletionRef,
    description: "Signs a checklist as the caller, who re-enters their password or PIN; afterwards it cannot change.",
    authScopes: { permission: "checklist:complete" },
    errors: {
      types: [NotFound, InputInvalid, SignatureRejected, SignatureLocked, ChecklistIncomplete, ChecklistAlreadySigned],
    },
    args: {
      completionId: t.arg.id({ required: true }),
      secret: t.arg.string({ required: true, description: "The caller's password or PIN." }),
      meaning: t.arg.string({ description: "What the signature means; the template's default when omitted." }),
    },
    resolve: (_root, args, context) =>
      signChecklist(context.prisma, userActorOf(context), {
        completionId: uuidArgument(args.completionId, "completionId"),
        secret: args.secret,
        meaning: args.meaning,
      }),
  }),
}));
