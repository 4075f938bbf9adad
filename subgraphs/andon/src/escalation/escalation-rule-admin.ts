// Editing escalation rules: a rule is saved whole (its levels and recipients replaced together) after
// every part is checked, in one transaction, so a refused edit leaves the old rule in force. Rules
// are never deleted (escalations point at them); they are deactivated. Running escalations read the
// rule when their next level falls due, so an edit applies from then on.

import type { AndonPriority, AndonType, EscalationKind, NotificationChannel, RecipientKind, Role } from "@ms5/db";
import { InputInvalid, NotFound } from "@ms5/kit/subgraph";
import { ROLES } from "@ms5/schema";
import type { AndonRuntime } from "../andons/andon-runtime.ts";
import type { RuleWithLevels } from "./escalation-timers.ts";

/** @default 10 levels per kind, 20 recipients per level: beyond that a rule is a mistake. */
export const ESCALATION_RULE_LIMITS = {
  maxLevelsPerKind: 10,
  maxRecipientsPerLevel: 20,
  maxDelaySeconds: 7 * 24 * 3600,
};

export interface EscalationRecipientInput {
  kind: RecipientKind;
  role?: Role | null;
  userId?: string | null;
  shiftId?: string | null;
}

export interface EscalationLevelInput {
  level: number;
  kind: EscalationKind;
  delaySeconds: number;
  channels: NotificationChannel[];
  recipients: EscalationRecipientInput[];
}

export interface EscalationRuleInput {
  name: string;
  priority: AndonPriority;
  lineId?: string | null;
  andonType?: AndonType | null;
  acknowledgeTimeoutSeconds: number;
  resolveTimeoutSeconds: number;
  reminderIntervalSeconds?: number | null;
  requireAcknowledgeBeforeResolve?: boolean | null;
  active?: boolean | null;
  levels: EscalationLevelInput[];
}

function positiveSeconds(value: number, field: string, allowZero = false) {
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1) || value > ESCALATION_RULE_LIMITS.maxDelaySeconds) {
    throw new InputInvalid(
      field,
      `${field} must be a whole number of seconds from ${allowZero ? 0 : 1} to ${ESCALATION_RULE_LIMITS.maxDelaySeconds}.`,
    );
  }
}

async function checkRule(runtime: AndonRuntime, input: EscalationRuleInput): Promise<void> {
  const { prisma } = runtime;
  const name = input.name.trim();
  if (name.length === 0 || name.length > 200) throw new InputInvalid("name", "A rule's name is 1 to 200 characters.");
  positiveSeconds(input.acknowledgeTimeoutSeconds, "acknowledgeTimeoutSeconds");
  positiveSeconds(input.resolveTimeoutSeconds, "resolveTimeoutSeconds");
  if (input.reminderIntervalSeconds !== null && input.reminderIntervalSeconds !== undefined) {
    positiveSeconds(input.reminderIntervalSeconds, "reminderIntervalSeconds");
  }
  if (input.lineId && !(await prisma.line.findUnique({ where: { id: input.lineId }, select: { id: true } }))) {
    throw new NotFound("line", input.lineId);
  }
  if (input.levels.length === 0) throw new InputInvalid("levels", "A rule needs at least one level.");
  for (const kind of ["ACKNOWLEDGE", "RESOLVE"] as const) {
    const levels = input.levels.filter((l) => l.kind === kind).sort((a, b) => a.level - b.level);
    if (levels.length > ESCALATION_RULE_LIMITS.maxLevelsPerKind) {
      throw new InputInvalid("levels", `A rule has at most ${ESCALATION_RULE_LIMITS.maxLevelsPerKind} ${kind} levels.`);
    }
    levels.forEach((level, index) => {
      if (level.level !== index + 1) {
        throw new InputInvalid("levels", `${kind} levels must be numbered 1, 2, 3... without gaps or repeats.`);
      }
      positiveSeconds(level.delaySeconds, `levels[${kind} ${level.level}].delaySeconds`, true);
      const previous = levels[index - 1];
      if (previous && level.delaySeconds <= previous.delaySeconds) {
        throw new InputInvalid("levels", `${kind} level ${level.level} must fire after level ${previous.level}.`);
      }
      if (level.channels.length === 0) {
        throw new InputInvalid("levels", `${kind} level ${level.level} needs at least one channel.`);
      }
      if (level.recipients.length === 0 || level.recipients.length > ESCALATION_RULE_LIMITS.maxRecipientsPerLevel) {
        throw new InputInvalid(
          "levels",
          `${kind} level ${level.level} needs 1 to ${ESCALATION_RULE_LIMITS.maxRecipientsPerLevel} recipients.`,
        );
      }
    });
  }
  const recipients = input.levels.flatMap((l) => l.recipients);
  for (const recipient of recipients) {
    const named =
      recipient.kind === "ROLE"
        ? recipient.role && (ROLES as readonly string[]).includes(recipient.role)
        : recipient.kind === "USER"
          ? recipient.userId
          : recipient.shiftId;
    if (!named) {
      throw new InputInvalid("levels", `A ${recipient.kind} recipient must name its ${recipient.kind.toLowerCase()}.`);
    }
  }
  const userIds = [...new Set(recipients.flatMap((r) => (r.kind === "USER" && r.userId ? [r.userId] : [])))];
  const shiftIds = [...new Set(recipients.flatMap((r) => (r.kind === "SHIFT" && r.shiftId ? [r.shiftId] : [])))];
  const users = await prisma.user.findMany({ where: { id: { in: userIds } }, select: { id: true } });
  const missingUser = userIds.find((id) => !users.some((u) => u.id === id));
  if (missingUser) throw new NotFound("user", missingUser);
  const shifts = await prisma.shift.findMany({ where: { id: { in: shiftIds } }, select: { id: true } });
  const missingShift = shiftIds.find((id) => !shifts.some((s) => s.id === id));
  if (missingShift) throw new NotFound("shift", missingShift);
}

/** Who edits escalation rules, for the audit trail; null when the plant's own setup code does it. */
export interface RuleEditor {
  userId: string;
  correlationId?: string | null;
}

/** The rule as the audit trail keeps it: what decides who is told and when, without timestamps. */
function auditViewOfRule(rule: object | null): object | undefined {
  if (!rule) return undefined;
  const { createdAt: _createdAt, updatedAt: _updatedAt, ...fields } = rule as Record<string, unknown>;
  return JSON.parse(JSON.stringify(fields)) as object;
}

/** Creates a rule (no id) or replaces one in full, audited; returns it with its levels. */
export async function saveEscalationRule(
  runtime: AndonRuntime,
  id: string | null,
  input: EscalationRuleInput,
  editor: RuleEditor | null = null,
): Promise<RuleWithLevels> {
  await checkRule(runtime, input);
  const fields = {
    name: input.name.trim(),
    priority: input.priority,
    lineId: input.lineId ?? null,
    andonType: input.andonType ?? null,
    acknowledgeTimeoutSeconds: input.acknowledgeTimeoutSeconds,
    resolveTimeoutSeconds: input.resolveTimeoutSeconds,
    reminderIntervalSeconds: input.reminderIntervalSeconds ?? null,
    requireAcknowledgeBeforeResolve: input.requireAcknowledgeBeforeResolve ?? true,
    active: input.active ?? true,
  };
  const levels = {
    create: input.levels.map((level) => ({
      level: level.level,
      kind: level.kind,
      delaySeconds: level.delaySeconds,
      channels: [...new Set(level.channels)],
      recipients: {
        create: level.recipients.map((r) => ({
          kind: r.kind,
          role: r.kind === "ROLE" ? (r.role ?? null) : null,
          userId: r.kind === "USER" ? (r.userId ?? null) : null,
          shiftId: r.kind === "SHIFT" ? (r.shiftId ?? null) : null,
        })),
      },
    })),
  };
  try {
    return await runtime.prisma.$transaction(async (tx) => {
      let before: RuleWithLevels | null = null;
      let saved: RuleWithLevels;
      if (id === null) {
        saved = await tx.escalationRule.create({ data: { ...fields, levels }, include: { levels: true } });
      } else {
        before = await tx.escalationRule.findUnique({ where: { id }, include: { levels: true } });
        if (!before) throw new NotFound("escalation rule", id);
        await tx.escalationLevel.deleteMany({ where: { ruleId: id } });
        saved = await tx.escalationRule.update({
          where: { id },
          data: { ...fields, levels },
          include: { levels: true },
        });
      }
      await tx.auditLog.create({
        data: {
          actorUserId: editor?.userId ?? null,
          action: id === null ? "escalation-rule.created" : "escalation-rule.updated",
          entityType: "EscalationRule",
          entityId: saved.id,
          before: auditViewOfRule(before),
          after: auditViewOfRule({ ...saved, levels: input.levels }),
          correlationId: editor?.correlationId ?? null,
        },
      });
      return saved;
    });
  } catch (error) {
    if (typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002") {
      throw new InputInvalid("name", `An escalation rule named "${fields.name}" exists already.`);
    }
    throw error;
  }
}

export async function setEscalationRuleActive(
  runtime: AndonRuntime,
  id: string,
  active: boolean,
  editor: RuleEditor | null = null,
) {
  return runtime.prisma.$transaction(async (tx) => {
    const updated = await tx.escalationRule.updateMany({ where: { id, active: !active }, data: { active } });
    const rule = await tx.escalationRule.findUnique({ where: { id }, include: { levels: true } });
    if (!rule) throw new NotFound("escalation rule", id);
    // Switching a rule to the state it is in changes nothing and writes nothing.
    if (updated.count === 1) {
      await tx.auditLog.create({
        data: {
          actorUserId: editor?.userId ?? null,
          action: active ? "escalation-rule.activated" : "escalation-rule.deactivated",
          entityType: "EscalationRule",
          entityId: id,
          before: { active: !active },
          after: { active },
          correlationId: editor?.correlationId ?? null,
        },
      });
    }
    return rule;
  });
}
