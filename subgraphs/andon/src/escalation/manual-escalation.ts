// Escalating an andon by hand to a chosen level, with a note: the level's recipients are notified
// now, the history records who did it and why, and the timer continues from that level (a later
// automatic level still fires; the ones up to the chosen level do not fire again).

import type { Escalation } from "@ms5/db";
import { InputInvalid, NotFound } from "@ms5/kit/subgraph";
import { ANDON_DEFAULTS } from "../andon-defaults.ts";
import { InvalidAndonTransition } from "../andons/andon-errors.ts";
import type { AndonRuntime } from "../andons/andon-runtime.ts";
import { recipientUserIds } from "./escalation-recipients.ts";
import { messageFor } from "./escalation-scheduler.ts";
import { levelsOfKind, nextDueAfter, ruleForAndon, startEscalation } from "./escalation-timers.ts";

export async function escalateAndonManually(
  runtime: AndonRuntime,
  actor: { userId: string },
  input: { andonId: string; level: number; note: string },
): Promise<Escalation> {
  const note = input.note.trim();
  if (note.length === 0 || note.length > ANDON_DEFAULTS.maxNoteLength) {
    throw new InputInvalid(
      "note",
      `A manual escalation needs a note of 1 to ${ANDON_DEFAULTS.maxNoteLength} characters.`,
    );
  }
  const at = runtime.clock.now();
  const { escalation, andon, recipients, channels } = await runtime.prisma.$transaction(async (tx) => {
    const andon = await tx.andonEvent.findUnique({ where: { id: input.andonId } });
    if (!andon) throw new NotFound("andon", input.andonId);
    if (andon.status === "RESOLVED" || andon.status === "CLOSED") {
      throw new InvalidAndonTransition(andon.id, andon.status, andon.status);
    }
    const rule = await ruleForAndon(tx, andon);
    if (!rule) throw new InputInvalid("andonId", `No escalation rule governs andon ${andon.id}.`);
    const kind = andon.status === "OPEN" ? "ACKNOWLEDGE" : "RESOLVE";
    const level = levelsOfKind(rule, kind).find((l) => l.level === input.level);
    if (!level) {
      throw new InputInvalid("level", `The rule "${rule.name}" has no ${kind.toLowerCase()} level ${input.level}.`);
    }
    let escalation = await tx.escalation.findUnique({ where: { andonId_kind: { andonId: andon.id, kind } } });
    if (!escalation || escalation.status === "STOPPED") {
      const base = kind === "ACKNOWLEDGE" ? andon.raisedAt : (andon.acknowledgedAt ?? at);
      const id = await startEscalation(tx, andon.id, rule, kind, base, actor.userId);
      escalation = id ? await tx.escalation.findUniqueOrThrow({ where: { id } }) : null;
    }
    if (!escalation) throw new InputInvalid("level", `The rule "${rule.name}" has no ${kind.toLowerCase()} levels.`);
    const started = await tx.escalationHistory.findFirst({
      where: { escalationId: escalation.id, action: "STARTED" },
      orderBy: { id: "desc" },
      select: { firedAt: true },
    });
    const base = started?.firedAt ?? andon.raisedAt;
    const newLevel = Math.max(escalation.currentLevel, level.level);
    const nextDueAt = nextDueAfter(rule, kind, base, newLevel, at);
    const recipientRows = await tx.escalationRecipient.findMany({ where: { levelId: level.id } });
    const recipients = await recipientUserIds(tx, recipientRows, andon, at);
    // The row lock orders this against a scheduler fire of the same escalation.
    const updated = await tx.escalation.update({
      where: { id: escalation.id },
      data: {
        currentLevel: newLevel,
        status: nextDueAt ? "ACTIVE" : "EXHAUSTED",
        nextDueAt,
        leaseOwner: null,
        leaseExpiresAt: null,
      },
    });
    await tx.escalationHistory.create({
      data: {
        escalationId: escalation.id,
        level: level.level,
        action: "MANUAL",
        firedAt: at,
        actorId: actor.userId,
        note,
        recipients: { userIds: recipients, channels: level.channels },
      },
    });
    return { escalation: updated, andon, recipients, channels: level.channels };
  });
  await runtime.dispatcher.dispatch({
    recipientUserIds: recipients,
    channels: [...channels],
    ...messageFor(andon, escalation.kind, input.level, false),
    andonEventId: andon.id,
    escalationId: escalation.id,
    level: input.level,
    dedupeKey: `escalation:${escalation.id}:manual:${input.level}:${at.toISOString()}`,
  });
  runtime.escalationsChanged();
  await runtime.publish([
    { kind: "escalation-updated", andonId: andon.id, lineId: andon.lineId, escalationId: escalation.id },
  ]);
  return escalation;
}
