// Escalation: the rules (who hears about an unanswered andon, and when), each andon's running
// escalations with their full history, manual escalation, and the rule-editing mutations.
import type { Escalation, EscalationHistory, EscalationLevel, EscalationRecipient } from "@ms5/db";
import { defineLoader, InputInvalid, NotFound } from "@ms5/kit/subgraph";
import { ROLES } from "@ms5/schema";
import { InvalidAndonTransition } from "../andons/andon-errors.ts";
import { andonRuntimeOf } from "../andons/andon-runtime.ts";
import { builder, uuidArgument } from "../builder.ts";
import {
  ESCALATION_RULE_LIMITS,
  saveEscalationRule,
  setEscalationRuleActive,
} from "../escalation/escalation-rule-admin.ts";
import { escalateAndonManually } from "../escalation/manual-escalation.ts";
import { AndonEventRef, AndonPriorityEnum, AndonTypeEnum, userActorOf } from "./andon.ts";
import { LineRef } from "./plant-refs.ts";

const EscalationKindEnum = builder.enumType("EscalationKind", {
  description:
    "ACKNOWLEDGE counts from the raise until someone acknowledges; RESOLVE from the acknowledgement until resolved.",
  values: ["ACKNOWLEDGE", "RESOLVE"] as const,
});
const EscalationStatusEnum = builder.enumType("EscalationStatus", {
  values: ["ACTIVE", "STOPPED", "EXHAUSTED"] as const,
});
const EscalationActionEnum = builder.enumType("EscalationAction", {
  values: ["STARTED", "FIRED", "REMINDER", "MANUAL", "STOPPED", "EXHAUSTED"] as const,
});
const NotificationChannelEnum = builder.enumType("EscalationChannel", {
  description: "A way a level reaches its recipients.",
  values: ["IN_APP", "EMAIL", "SMS"] as const,
});
const RecipientKindEnum = builder.enumType("EscalationRecipientKind", { values: ["ROLE", "USER", "SHIFT"] as const });
const RoleEnum = builder.enumType("EscalationRecipientRole", { values: ROLES });

const escalationsOfAndon = defineLoader<string, Escalation[]>(async (andonIds, { prisma }) => {
  const rows = await prisma.escalation.findMany({
    where: { andonId: { in: [...andonIds] } },
    orderBy: { createdAt: "asc" },
  });
  return andonIds.map((id) => rows.filter((row) => row.andonId === id));
});

const historyOfEscalation = defineLoader<string, EscalationHistory[]>(async (ids, { prisma }) => {
  const rows = await prisma.escalationHistory.findMany({
    where: { escalationId: { in: [...ids] } },
    orderBy: [{ firedAt: "asc" }, { id: "asc" }],
  });
  return ids.map((id) => rows.filter((row) => row.escalationId === id));
});

const levelsOfRule = defineLoader<string, EscalationLevel[]>(async (ruleIds, { prisma }) => {
  const rows = await prisma.escalationLevel.findMany({
    where: { ruleId: { in: [...ruleIds] } },
    orderBy: [{ kind: "asc" }, { level: "asc" }],
  });
  return ruleIds.map((id) => rows.filter((row) => row.ruleId === id));
});

const recipientsOfLevel = defineLoader<string, EscalationRecipient[]>(async (levelIds, { prisma }) => {
  const rows = await prisma.escalationRecipient.findMany({ where: { levelId: { in: [...levelIds] } } });
  return levelIds.map((id) => rows.filter((row) => row.levelId === id));
});

const EscalationHistoryEntryRef = builder.prismaObject("EscalationHistory", {
  name: "EscalationHistoryEntry",
  description: "One step of an escalation: started, a level fired, a reminder, escalated by hand, stopped, exhausted.",
  authScopes: { permission: "andon:read" },
  fields: (t) => ({
    id: t.field({ type: "ID", resolve: (entry) => entry.id.toString() }),
    level: t.exposeInt("level"),
    action: t.field({ type: EscalationActionEnum, resolve: (entry) => entry.action }),
    dueAt: t.expose("dueAt", { type: "DateTime", nullable: true, description: "When the step was scheduled." }),
    firedAt: t.expose("firedAt", { type: "DateTime", description: "When it happened." }),
    actorId: t.exposeID("actorId", { nullable: true }),
    note: t.exposeString("note", { nullable: true }),
    recipientUserIds: t.idList({
      description: "Who was notified.",
      resolve: (entry) => {
        const value = entry.recipients as { userIds?: unknown } | null;
        return Array.isArray(value?.userIds) ? value.userIds.map(String) : [];
      },
    }),
  }),
});

export const EscalationRef = builder.prismaObject("Escalation", {
  description: "An andon's escalation timer of one kind: the level reached and when the next one fires.",
  authScopes: { permission: "andon:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    andonId: t.exposeID("andonId"),
    ruleId: t.exposeID("ruleId"),
    kind: t.field({ type: EscalationKindEnum, resolve: (e) => e.kind }),
    status: t.field({ type: EscalationStatusEnum, resolve: (e) => e.status }),
    currentLevel: t.exposeInt("currentLevel", { description: "0 until the first level fires." }),
    nextDueAt: t.expose("nextDueAt", { type: "DateTime", nullable: true }),
    stoppedAt: t.expose("stoppedAt", { type: "DateTime", nullable: true }),
    stoppedReason: t.exposeString("stoppedReason", { nullable: true }),
    history: t.field({
      type: [EscalationHistoryEntryRef],
      description: "Every step, oldest first.",
      resolve: (e, _args, context) => context.loaders.of(historyOfEscalation).load(e.id),
    }),
  }),
});

builder.objectField(AndonEventRef, "escalations", (t) =>
  t.field({
    type: [EscalationRef],
    description: "The andon's escalations (acknowledge, then resolve).",
    resolve: (andon, _args, context) => context.loaders.of(escalationsOfAndon).load(andon.id),
  }),
);

const EscalationRecipientRef = builder.prismaObject("EscalationRecipient", {
  authScopes: { permission: "andon:read" },
  fields: (t) => ({
    kind: t.field({ type: RecipientKindEnum, resolve: (r) => r.kind }),
    role: t.field({ type: RoleEnum, nullable: true, resolve: (r) => r.role }),
    userId: t.exposeID("userId", { nullable: true }),
    shiftId: t.exposeID("shiftId", { nullable: true }),
  }),
});

const EscalationLevelRef = builder.prismaObject("EscalationLevel", {
  authScopes: { permission: "andon:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    level: t.exposeInt("level"),
    kind: t.field({ type: EscalationKindEnum, resolve: (l) => l.kind }),
    delaySeconds: t.exposeInt("delaySeconds", {
      description: "Seconds after the raise (ACKNOWLEDGE) or the acknowledgement (RESOLVE) this level fires.",
    }),
    channels: t.field({ type: [NotificationChannelEnum], resolve: (l) => l.channels }),
    recipients: t.field({
      listSize: { assumedSize: ESCALATION_RULE_LIMITS.maxRecipientsPerLevel },
      type: [EscalationRecipientRef],
      resolve: (l, _args, context) => context.loaders.of(recipientsOfLevel).load(l.id),
    }),
  }),
});

const EscalationRuleRef = builder.prismaObject("EscalationRule", {
  description: "Which andons a rule governs (priority, optionally one line and one type), its timeouts and levels.",
  authScopes: { permission: "andon:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    priority: t.field({ type: AndonPriorityEnum, resolve: (r) => r.priority }),
    line: t.field({ type: LineRef, nullable: true, resolve: (r) => (r.lineId ? { id: r.lineId } : null) }),
    andonType: t.field({ type: AndonTypeEnum, nullable: true, resolve: (r) => r.andonType }),
    acknowledgeTimeoutSeconds: t.exposeInt("acknowledgeTimeoutSeconds"),
    resolveTimeoutSeconds: t.exposeInt("resolveTimeoutSeconds"),
    reminderIntervalSeconds: t.exposeInt("reminderIntervalSeconds", {
      nullable: true,
      description: "After the last level fired, it is repeated this often until the andon is answered.",
    }),
    requireAcknowledgeBeforeResolve: t.exposeBoolean("requireAcknowledgeBeforeResolve"),
    active: t.exposeBoolean("active"),
    levels: t.field({
      listSize: { assumedSize: 2 * ESCALATION_RULE_LIMITS.maxLevelsPerKind },
      type: [EscalationLevelRef],
      resolve: (r, _args, context) => context.loaders.of(levelsOfRule).load(r.id),
    }),
  }),
});

builder.queryFields((t) => ({
  escalationRules: t.prismaField({
    type: [EscalationRuleRef],
    description: "Every escalation rule, by priority then name.",
    authScopes: { permission: "andon:read" },
    args: { activeOnly: t.arg.boolean({ required: false }) },
    resolve: (query, _root, args, context) =>
      context.prisma.escalationRule.findMany({
        ...query,
        where: args.activeOnly ? { active: true } : {},
        orderBy: [{ priority: "asc" }, { name: "asc" }],
      }),
  }),
}));

const RecipientInput = builder.inputType("EscalationRecipientInput", {
  fields: (t) => ({
    kind: t.field({ type: RecipientKindEnum, required: true }),
    role: t.field({ type: RoleEnum }),
    userId: t.id(),
    shiftId: t.id(),
  }),
});

const LevelInput = builder.inputType("EscalationLevelInput", {
  fields: (t) => ({
    level: t.int({ required: true }),
    kind: t.field({ type: EscalationKindEnum, required: true }),
    delaySeconds: t.int({ required: true }),
    channels: t.field({ type: [NotificationChannelEnum], required: true }),
    recipients: t.field({ type: [RecipientInput], required: true }),
  }),
});

const RuleInput = builder.inputType("EscalationRuleInput", {
  description: "A whole rule: saving it replaces its levels and recipients together.",
  fields: (t) => ({
    name: t.string({ required: true }),
    priority: t.field({ type: AndonPriorityEnum, required: true }),
    lineId: t.id(),
    andonType: t.field({ type: AndonTypeEnum }),
    acknowledgeTimeoutSeconds: t.int({ required: true }),
    resolveTimeoutSeconds: t.int({ required: true }),
    reminderIntervalSeconds: t.int(),
    requireAcknowledgeBeforeResolve: t.boolean(),
    active: t.boolean(),
    levels: t.field({ type: [LevelInput], required: true }),
  }),
});

type RuleInputValue = typeof RuleInput.$inferInput;

function ruleInputOf(input: RuleInputValue) {
  return {
    ...input,
    lineId: input.lineId ? uuidArgument(input.lineId, "lineId") : null,
    levels: input.levels.map((level) => ({
      ...level,
      recipients: level.recipients.map((r) => ({
        kind: r.kind,
        role: r.role ?? null,
        userId: r.userId ? uuidArgument(r.userId, "userId") : null,
        shiftId: r.shiftId ? uuidArgument(r.shiftId, "shiftId") : null,
      })),
    })),
  };
}

builder.mutationFields((t) => ({
  escalateAndon: t.field({
    type: EscalationRef,
    description:
      "Escalates an unresolved andon by hand to a level of its rule, with a note; that level is notified now.",
    authScopes: { permission: "escalation:trigger" },
    errors: { types: [NotFound, InputInvalid, InvalidAndonTransition] },
    args: {
      andonId: t.arg.id({ required: true }),
      level: t.arg.int({ required: true }),
      note: t.arg.string({ required: true }),
    },
    resolve: (_root, args, context) =>
      escalateAndonManually(andonRuntimeOf(context), userActorOf(context), {
        andonId: uuidArgument(args.andonId, "andonId"),
        level: args.level,
        note: args.note,
      }),
  }),
  createEscalationRule: t.field({
    type: EscalationRuleRef,
    description: "Adds an escalation rule.",
    authScopes: { permission: "escalation:manage" },
    errors: { types: [NotFound, InputInvalid] },
    args: { input: t.arg({ type: RuleInput, required: true }) },
    resolve: (_root, { input }, context) => {
      const editor = { ...userActorOf(context), correlationId: context.correlationId };
      return saveEscalationRule(andonRuntimeOf(context), null, ruleInputOf(input), editor);
    },
  }),
  updateEscalationRule: t.field({
    type: EscalationRuleRef,
    description: "Replaces an escalation rule in full; running escalations follow it from their next level.",
    authScopes: { permission: "escalation:manage" },
    errors: { types: [NotFound, InputInvalid] },
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: RuleInput, required: true }) },
    resolve: (_root, args, context) => {
      const editor = { ...userActorOf(context), correlationId: context.correlationId };
      return saveEscalationRule(andonRuntimeOf(context), uuidArgument(args.id, "id"), ruleInputOf(args.input), editor);
    },
  }),
  setEscalationRuleActive: t.field({
    type: EscalationRuleRef,
    description: "Switches a rule on or off (rules are never deleted: escalations point at them).",
    authScopes: { permission: "escalation:manage" },
    errors: { types: [NotFound] },
    args: { id: t.arg.id({ required: true }), active: t.arg.boolean({ required: true }) },
    resolve: (_root, args, context) => {
      const editor = { ...userActorOf(context), correlationId: context.correlationId };
      return setEscalationRuleActive(andonRuntimeOf(context), uuidArgument(args.id, "id"), args.active, editor);
    },
  }),
}));
