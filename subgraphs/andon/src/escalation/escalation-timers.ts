// Durable escalation timers: an Escalation row per andon and kind (ACKNOWLEDGE from the raise,
// RESOLVE from the acknowledgement) whose `nextDueAt` says when its next level or reminder fires.
// Written in the same transaction as the andon change that starts or stops it, so a timer never
// outlives, or misses, the state it watches.
import type { AndonEvent, EscalationKind, EscalationLevel, EscalationRule, Prisma } from "@ms5/db";

type Tx = Prisma.TransactionClient;

export type RuleWithLevels = EscalationRule & { levels: EscalationLevel[] };

/**
 * The active rule that governs an andon: the most specific match of its priority (line and type
 * both named beats line, beats type, beats neither); null when no rule applies.
 */
export async function ruleForAndon(
  tx: Tx,
  andon: Pick<AndonEvent, "priority" | "lineId" | "type">,
): Promise<RuleWithLevels | null> {
  const candidates = await tx.escalationRule.findMany({
    where: {
      active: true,
      priority: andon.priority,
      OR: [{ lineId: null }, { lineId: andon.lineId }],
      AND: [{ OR: [{ andonType: null }, { andonType: andon.type }] }],
    },
    include: { levels: { orderBy: { level: "asc" } } },
    orderBy: { createdAt: "asc" },
  });
  const specificity = (rule: EscalationRule) => (rule.lineId ? 2 : 0) + (rule.andonType ? 1 : 0);
  return candidates.sort((a, b) => specificity(b) - specificity(a))[0] ?? null;
}

export function levelsOfKind(rule: RuleWithLevels, kind: EscalationKind): EscalationLevel[] {
  return rule.levels.filter((level) => level.kind === kind).sort((a, b) => a.level - b.level);
}

/**
 * What fires next after `currentLevel` fired at `firedDueAt`: the next level at its own delay from
 * `base`, or a reminder of the current level `reminderIntervalSeconds` later if that comes first;
 * null when nothing is left (no further level, no reminders). A reminder is counted from the due
 * time, so reminders keep their rhythm; but one that would already be due by `now` (the step fired
 * late, after the scheduler was down) is counted from `now` instead: the late step was the one
 * catch-up notice, and the missed reminders are not sent in a burst.
 */
export function nextDueAfter(
  rule: RuleWithLevels,
  kind: EscalationKind,
  base: Date,
  currentLevel: number,
  firedDueAt: Date | null,
  now: Date | null = firedDueAt,
): Date | null {
  const next = levelsOfKind(rule, kind).find((level) => level.level > currentLevel);
  const levelDue = next ? new Date(base.getTime() + next.delaySeconds * 1000) : null;
  const intervalMs = (rule.reminderIntervalSeconds ?? 0) * 1000;
  let reminderDue = currentLevel > 0 && firedDueAt && intervalMs > 0 ? firedDueAt.getTime() + intervalMs : null;
  if (reminderDue !== null && now && reminderDue <= now.getTime()) reminderDue = now.getTime() + intervalMs;
  if (levelDue && reminderDue !== null) return new Date(Math.min(levelDue.getTime(), reminderDue));
  return levelDue ?? (reminderDue === null ? null : new Date(reminderDue));
}

/**
 * The level a due escalation fires: the next level once its time has come (by its due time, or by
 * `now` when it fires late: a level that fell due while the scheduler was down is sent rather than
 * a stale reminder before it), else a reminder of the current one. Levels are never skipped.
 */
export function dueStep(
  rule: RuleWithLevels,
  kind: EscalationKind,
  base: Date,
  currentLevel: number,
  dueAt: Date,
  now: Date = dueAt,
): { level: EscalationLevel; reminder: boolean } | null {
  const levels = levelsOfKind(rule, kind);
  const next = levels.find((level) => level.level > currentLevel);
  const reached = Math.max(dueAt.getTime(), now.getTime());
  if (next && base.getTime() + next.delaySeconds * 1000 <= reached) return { level: next, reminder: false };
  const current = levels.find((level) => level.level === currentLevel);
  return current ? { level: current, reminder: true } : null;
}

/**
 * Starts (or, after a reopen, restarts) the andon's escalation of `kind` from `base`, with a STARTED
 * history row. Returns the escalation id, or null when the rule has no level of that kind.
 */
export async function startEscalation(
  tx: Tx,
  andonId: string,
  rule: RuleWithLevels,
  kind: EscalationKind,
  base: Date,
  actorId: string | null,
): Promise<string | null> {
  const nextDueAt = nextDueAfter(rule, kind, base, 0, null);
  if (!nextDueAt) return null;
  const fields = {
    ruleId: rule.id,
    status: "ACTIVE" as const,
    currentLevel: 0,
    nextDueAt,
    leaseOwner: null,
    leaseExpiresAt: null,
    stoppedAt: null,
    stoppedReason: null,
  };
  const escalation = await tx.escalation.upsert({
    where: { andonId_kind: { andonId, kind } },
    create: { andonId, kind, ...fields },
    update: fields,
  });
  await tx.escalationHistory.create({
    data: { escalationId: escalation.id, level: 0, action: "STARTED", dueAt: nextDueAt, actorId, firedAt: base },
  });
  return escalation.id;
}

/** Stops the andon's active escalation of `kind`, if any, with a STOPPED history row; returns its id. */
export async function stopEscalation(
  tx: Tx,
  andonId: string,
  kind: EscalationKind,
  at: Date,
  reason: string,
  actorId: string | null,
): Promise<string | null> {
  const escalation = await tx.escalation.findUnique({ where: { andonId_kind: { andonId, kind } } });
  if (escalation?.status !== "ACTIVE") return null;
  const stopped = await tx.escalation.updateMany({
    where: { id: escalation.id, status: "ACTIVE" },
    data: {
      status: "STOPPED",
      nextDueAt: null,
      stoppedAt: at,
      stoppedReason: reason,
      leaseOwner: null,
      leaseExpiresAt: null,
    },
  });
  if (stopped.count === 0) return null;
  await tx.escalationHistory.create({
    data: {
      escalationId: escalation.id,
      level: escalation.currentLevel,
      action: "STOPPED",
      actorId,
      note: reason,
      firedAt: at,
    },
  });
  return escalation.id;
}
