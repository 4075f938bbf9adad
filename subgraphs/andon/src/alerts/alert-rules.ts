// AlertRule administration: validated so a rule can always be evaluated (a scope that exists,
// thresholds in range, the hysteresis band the right way round), each change audited.
import type { AlertKind, AlertRule, AndonPriority, Prisma, PrismaClient, ProductionAlert } from "@ms5/db";
import { ExpectedError, InputInvalid, NotFound } from "@ms5/kit/subgraph";
import { ALERT_KINDS } from "./alert-conditions.ts";
import { ALERT_DEFAULTS } from "./alert-defaults.ts";

export class ProductionAlertNotActive extends ExpectedError {
  override name = "ProductionAlertNotActive";
  constructor(
    readonly alertId: string,
    readonly status: string,
  ) {
    super("INVALID_STATE_TRANSITION", `Alert ${alertId} is ${status}: only an ACTIVE alert can be acknowledged.`);
  }
}

export interface AlertRuleInput {
  name: string;
  kind: AlertKind;
  lineId?: string | null;
  equipmentId?: string | null;
  threshold: number;
  /** @default threshold (no band) */
  clearThreshold?: number | null;
  durationSeconds?: number | null;
  severity?: AndonPriority | null;
  active?: boolean | null;
}

export interface AlertActor {
  userId?: string;
  serviceAccountId?: string;
}

type Transaction = Prisma.TransactionClient;

async function validated(tx: Transaction, input: AlertRuleInput) {
  const name = input.name.trim();
  if (!name || name.length > 100) throw new InputInvalid("name", "name must be 1 to 100 characters.");
  const kind = ALERT_KINDS[input.kind];
  if (!kind) throw new InputInvalid("kind", `Unknown alert kind ${input.kind}.`);
  const inRange = (value: number) => Number.isFinite(value) && value >= kind.min && value <= kind.max;
  if (!inRange(input.threshold)) {
    throw new InputInvalid("threshold", `threshold must be from ${kind.min} to ${kind.max} (${kind.describe}).`);
  }
  const clearThreshold = input.clearThreshold ?? input.threshold;
  if (!inRange(clearThreshold)) {
    throw new InputInvalid("clearThreshold", `clearThreshold must be from ${kind.min} to ${kind.max}.`);
  }
  if (kind.direction === "below" ? clearThreshold < input.threshold : clearThreshold > input.threshold) {
    throw new InputInvalid(
      "clearThreshold",
      `For ${input.kind} the alert clears ${kind.direction === "below" ? "at or above" : "at or below"} its threshold: clearThreshold must be on that side.`,
    );
  }
  const durationSeconds = input.durationSeconds ?? 0;
  if (
    !Number.isInteger(durationSeconds) ||
    durationSeconds < 0 ||
    durationSeconds > ALERT_DEFAULTS.maxDurationSeconds
  ) {
    throw new InputInvalid(
      "durationSeconds",
      `durationSeconds must be a whole number from 0 to ${ALERT_DEFAULTS.maxDurationSeconds}.`,
    );
  }
  if (!input.lineId && !input.equipmentId) throw new InputInvalid("lineId", "Name a line or equipment.");
  let lineId = input.lineId ?? null;
  if (input.equipmentId) {
    const equipment = await tx.equipment.findUnique({ where: { id: input.equipmentId }, select: { lineId: true } });
    if (!equipment) throw new NotFound("equipment", input.equipmentId);
    if (lineId && equipment.lineId !== lineId)
      throw new InputInvalid("equipmentId", "The equipment is on another line.");
    lineId = equipment.lineId;
  } else if (lineId && !(await tx.line.findUnique({ where: { id: lineId }, select: { id: true } }))) {
    throw new NotFound("line", lineId);
  }
  return {
    name,
    kind: input.kind,
    lineId,
    equipmentId: input.equipmentId ?? null,
    threshold: input.threshold,
    clearThreshold,
    durationSeconds,
    severity: input.severity ?? "MEDIUM",
    active: input.active ?? true,
  };
}

async function audit(tx: Transaction, actor: AlertActor, action: string, rule: AlertRule, at: Date) {
  await tx.auditLog.create({
    data: {
      at,
      action,
      entityType: "AlertRule",
      entityId: rule.id,
      after: JSON.parse(JSON.stringify(rule)) as Prisma.InputJsonValue,
      ...(actor.userId ? { actorUserId: actor.userId } : {}),
      ...(actor.serviceAccountId ? { actorServiceAccountId: actor.serviceAccountId } : {}),
    },
  });
}

export async function createAlertRule(
  prisma: PrismaClient,
  input: AlertRuleInput,
  actor: AlertActor,
  now: Date,
): Promise<AlertRule> {
  return prisma.$transaction(async (tx) => {
    const rule = await tx.alertRule.create({ data: await validated(tx, input) });
    await audit(tx, actor, "alert-rule.create", rule, now);
    return rule;
  });
}

/**
 * Replaces a rule's settings. Its condition clock starts again (the old one measured other
 * thresholds); a rule switched off clears its active alert, which nothing would clear otherwise.
 */
export async function updateAlertRule(
  prisma: PrismaClient,
  ruleId: string,
  input: AlertRuleInput,
  actor: AlertActor,
  now: Date,
): Promise<AlertRule> {
  return prisma.$transaction(async (tx) => {
    const existing = await tx.alertRule.findUnique({ where: { id: ruleId } });
    if (!existing) throw new NotFound("alert rule", ruleId);
    const rule = await tx.alertRule.update({
      where: { id: ruleId },
      data: { ...(await validated(tx, input)), conditionSince: null },
    });
    if (!rule.active) {
      await tx.productionAlert.updateMany({
        where: { ruleId, status: { not: "CLEARED" } },
        data: { status: "CLEARED", clearedAt: now },
      });
    }
    await audit(tx, actor, "alert-rule.update", rule, now);
    return rule;
  });
}

/** Deletes a rule; its past alerts stay (their rule link becomes null), an active one is cleared first. */
export async function deleteAlertRule(
  prisma: PrismaClient,
  ruleId: string,
  actor: AlertActor,
  now: Date,
): Promise<AlertRule> {
  return prisma.$transaction(async (tx) => {
    const existing = await tx.alertRule.findUnique({ where: { id: ruleId } });
    if (!existing) throw new NotFound("alert rule", ruleId);
    await tx.productionAlert.updateMany({
      where: { ruleId, status: { not: "CLEARED" } },
      data: { status: "CLEARED", clearedAt: now },
    });
    await tx.alertRule.delete({ where: { id: ruleId } });
    await audit(tx, actor, "alert-rule.delete", existing, now);
    return existing;
  });
}

/** Someone has seen it: ACTIVE -> ACKNOWLEDGED; it still clears by itself when the value recovers. */
export async function acknowledgeProductionAlert(
  prisma: PrismaClient,
  alertId: string,
  userId: string,
  now: Date,
): Promise<ProductionAlert> {
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.productionAlert.updateMany({
      where: { id: alertId, status: "ACTIVE" },
      data: { status: "ACKNOWLEDGED", acknowledgedById: userId, acknowledgedAt: now },
    });
    const alert = await tx.productionAlert.findUnique({ where: { id: alertId } });
    if (!alert) throw new NotFound("production alert", alertId);
    if (count === 0) throw new ProductionAlertNotActive(alertId, alert.status);
    return alert;
  });
}
