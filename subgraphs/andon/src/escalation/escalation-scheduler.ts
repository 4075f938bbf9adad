// Fires due escalations from their durable timers in PostgreSQL (the kit's DurableTimerScheduler). An
// instance claims due rows with one UPDATE over a `FOR UPDATE SKIP LOCKED` subselect that writes its
// name and a lease expiry, so two instances never claim the same row; it then notifies the level's recipients (with a dedupe key
// stable per level and due time) and commits the step only if its lease still holds. A row whose
// owner died mid-fire is claimed again once its lease expires and fires with the same dedupe key;
// rows that fell due while every instance was down are due at the first scan after start, where
// each level still fires once but the reminders missed meanwhile are one catch-up notice, the next
// reminder counted from then (escalation-timers.ts). The clock is the database's (kit clock.ts), so
// instances with skewed clocks agree on due times and leases.
// Row claims, not advisory locks: a claim outlives the short transaction that writes it, so no
// connection is held while the recipients are notified, and the row shows who fires it until when.
import type {
  AndonEvent,
  EscalationKind,
  EscalationLevel,
  EscalationRecipient,
  EscalationRule,
  PrismaClient,
} from "@ms5/db";
import { type Clock, DurableTimerScheduler, type Logger } from "@ms5/kit";
import { ESCALATION_SCHEDULER_DEFAULTS, type EscalationSchedulerSettings } from "../andon-defaults.ts";
import type { AndonEventMessage } from "../andon-events/andon-event-message.ts";
import { recipientUserIds } from "./escalation-recipients.ts";
import { dueStep, nextDueAfter } from "./escalation-timers.ts";
import type { EscalationDispatcher } from "./notification-dispatch.ts";

export interface EscalationSchedulerOptions {
  prisma: PrismaClient;
  logger: Logger;
  /** Unique per instance: written into the rows it claims. */
  instanceId: string;
  clock: Clock;
  dispatcher: EscalationDispatcher;
  publish: (events: readonly AndonEventMessage[]) => Promise<void>;
  settings?: Partial<EscalationSchedulerSettings>;
  /** Told about every committed fire, e.g. for metrics and benchmarks. */
  onFired?: (fired: FiredEscalation) => void;
}

interface ClaimedEscalation {
  id: string;
  andonId: string;
  ruleId: string;
  kind: EscalationKind;
  currentLevel: number;
  nextDueAt: Date;
}

export interface FiredEscalation {
  escalationId: string;
  andonId: string;
  kind: EscalationKind;
  level: number;
  reminder: boolean;
  dueAt: Date;
  firedAt: Date;
  recipientUserIds: string[];
}

export class EscalationScheduler {
  readonly #options: EscalationSchedulerOptions;
  readonly #settings: EscalationSchedulerSettings;
  /** The kit's durable timers over the escalation rows: the claim, the lease and the loop. */
  readonly #timers: DurableTimerScheduler<ClaimedEscalation>;

  constructor(options: EscalationSchedulerOptions) {
    this.#options = options;
    this.#settings = { ...ESCALATION_SCHEDULER_DEFAULTS, ...options.settings };
    this.#timers = new DurableTimerScheduler<ClaimedEscalation>({
      prisma: options.prisma,
      logger: options.logger,
      name: "escalation",
      instanceId: options.instanceId,
      clock: options.clock,
      timers: {
        table: "escalation",
        dueColumn: "nextDueAt",
        liveWhen: `"status" = 'ACTIVE'`,
        returning: `"id", "andonId", "ruleId", "kind"::text AS "kind", "currentLevel", "nextDueAt"`,
      },
      settings: this.#settings,
      pass: () => this.runDue(),
    });
  }

  /** Starts the loop: a first scan at once (escalations that fell due while down fire now). */
  start(): void {
    this.#timers.start();
  }

  stop(): Promise<void> {
    return this.#timers.stop();
  }

  /** Ends the current sleep: a due time may have come closer. */
  wake(): void {
    this.#timers.wake();
  }

  /** Claims and fires everything due now, batch after batch; returns how many fired. */
  async runDue(): Promise<number> {
    let fired = 0;
    for (;;) {
      const claimed = await this.claimDue();
      if (claimed.length === 0) return fired;
      fired += await this.fireBatch(claimed);
    }
  }

  /** Takes the lease of up to a batch of due escalations no live instance holds. */
  claimDue(): Promise<ClaimedEscalation[]> {
    return this.#timers.claimDue();
  }

  /** Fires one claimed escalation; false when it did not commit (lease lost, nothing left, failure). */
  async fire(claimed: ClaimedEscalation): Promise<boolean> {
    return (await this.fireBatch([claimed])) === 1;
  }

  /**
   * Fires a claimed batch: reads the andons, rules and start times of the whole batch at once,
   * notifies each due level (several at a time), then commits every step whose lease still holds in
   * one statement. Returns how many committed.
   */
  async fireBatch(claimed: readonly ClaimedEscalation[]): Promise<number> {
    const { prisma } = this.#options;
    const ids = claimed.map((c) => c.id);
    const [andons, rules, starts] = await Promise.all([
      prisma.andonEvent.findMany({ where: { id: { in: [...new Set(claimed.map((c) => c.andonId))] } } }),
      prisma.escalationRule.findMany({
        where: { id: { in: [...new Set(claimed.map((c) => c.ruleId))] } },
        include: { levels: { include: { recipients: true }, orderBy: { level: "asc" } } },
      }),
      prisma.$queryRaw<{ escalationId: string; firedAt: Date }[]>`
        SELECT DISTINCT ON ("escalationId") "escalationId", "firedAt" FROM "escalation_history"
        WHERE "escalationId" = ANY(${ids}::uuid[]) AND "action" = 'STARTED'
        ORDER BY "escalationId", "id" DESC`,
    ]);
    const andonById = new Map(andons.map((a) => [a.id, a]));
    const ruleById = new Map(rules.map((r) => [r.id, r]));
    const startOf = new Map(starts.map((s) => [s.escalationId, s.firedAt]));
    // Recipients of a level on a line, resolved once per batch: the batch fires at one moment.
    const recipients = new Map<string, Promise<string[]>>();
    const steps: FireStep[] = [];
    const queue = [...claimed];
    const workers = Array.from({ length: Math.min(this.#settings.fireConcurrency, queue.length) }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const andon = andonById.get(next.andonId);
        const rule = ruleById.get(next.ruleId);
        if (!andon || !rule) continue;
        try {
          const step = await this.#notify(next, andon, rule, startOf.get(next.id) ?? andon.raisedAt, recipients);
          steps.push(step);
        } catch (error) {
          await this.#backOff(next, error);
        }
      }
    });
    await Promise.all(workers);
    if (steps.length === 0) return 0;
    const committed = await this.#commit(steps);
    for (const step of steps) {
      if (!committed.has(step.claimed.id) || !step.level) continue;
      const fired: FiredEscalation = {
        escalationId: step.claimed.id,
        andonId: step.andon.id,
        kind: step.claimed.kind,
        level: step.level,
        reminder: step.reminder,
        dueAt: step.claimed.nextDueAt,
        firedAt: step.firedAt,
        recipientUserIds: step.userIds,
      };
      this.#options.onFired?.(fired);
    }
    await this.#options.publish(
      steps
        .filter((step) => committed.has(step.claimed.id))
        .map((step) => ({
          kind: "escalation-updated" as const,
          andonId: step.andon.id,
          lineId: step.andon.lineId,
          escalationId: step.claimed.id,
        })),
    );
    return steps.filter((step) => committed.has(step.claimed.id) && step.level !== null).length;
  }

  /** Notifies the due level (or reminder) of one escalation and says what to commit for it. */
  async #notify(
    claimed: ClaimedEscalation,
    andon: AndonEvent,
    rule: RuleWithRecipients,
    base: Date,
    recipients: Map<string, Promise<string[]>>,
  ): Promise<FireStep> {
    const firedAt = this.#options.clock.now();
    const step = dueStep(rule, claimed.kind, base, claimed.currentLevel, claimed.nextDueAt, firedAt);
    if (!step) {
      // Nothing left to fire (the rule lost its levels): the escalation is exhausted.
      return {
        claimed,
        andon,
        level: null,
        reminder: false,
        newLevel: claimed.currentLevel,
        nextDueAt: null,
        firedAt,
        userIds: [],
        channels: [],
      };
    }
    const level = rule.levels.find((l) => l.id === step.level.id)!;
    const key = `${level.id}:${andon.lineId}`;
    let users = recipients.get(key);
    if (!users) {
      users = recipientUserIds(this.#options.prisma, level.recipients, andon, firedAt);
      recipients.set(key, users);
    }
    const userIds = await users;
    await this.#options.dispatcher.dispatch({
      recipientUserIds: userIds,
      channels: [...level.channels],
      ...messageFor(andon, claimed.kind, level.level, step.reminder),
      andonEventId: andon.id,
      escalationId: claimed.id,
      level: level.level,
      dedupeKey: `escalation:${claimed.id}:${claimed.kind}:${level.level}:${claimed.nextDueAt.toISOString()}`,
    });
    const newLevel = step.reminder ? claimed.currentLevel : level.level;
    return {
      claimed,
      andon,
      level: level.level,
      reminder: step.reminder,
      newLevel,
      nextDueAt: nextDueAfter(rule, claimed.kind, base, newLevel, claimed.nextDueAt, firedAt),
      firedAt,
      userIds,
      channels: level.channels,
    };
  }

  /**
   * Commits the steps in one statement: each escalation advances only if this instance still holds
   * its lease for the due time it fired (a lost lease means another instance fires, or fired, that
   * step under the same dedupe key), with its history rows. Returns the ids that committed.
   */
  async #commit(steps: readonly FireStep[]): Promise<Set<string>> {
    const rows = await this.#options.prisma.$queryRaw<{ id: string }[]>`
      WITH step AS (
        SELECT * FROM unnest(
          ${steps.map((s) => s.claimed.id)}::uuid[],
          ${steps.map((s) => s.claimed.nextDueAt)}::timestamptz[],
          ${steps.map((s) => s.level ?? s.claimed.currentLevel)}::int[],
          ${steps.map((s) => s.newLevel)}::int[],
          ${steps.map((s) => s.nextDueAt)}::timestamptz[],
          ${steps.map((s) => (s.level === null ? null : s.reminder ? "REMINDER" : "FIRED"))}::text[],
          ${steps.map((s) => s.firedAt)}::timestamptz[],
          ${steps.map((s) => JSON.stringify({ userIds: s.userIds, channels: s.channels }))}::jsonb[]
        ) AS step(id, due, level, new_level, next_due, action, fired_at, recipients)),
      advanced AS (
        UPDATE "escalation" e SET
          "currentLevel" = step.new_level,
          "nextDueAt" = step.next_due,
          "status" = CASE WHEN step.next_due IS NULL THEN 'EXHAUSTED'::"EscalationStatus" ELSE e."status" END,
          "leaseOwner" = NULL,
          "leaseExpiresAt" = NULL
        FROM step
        WHERE e."id" = step.id AND e."leaseOwner" = ${this.#options.instanceId} AND e."nextDueAt" = step.due
        RETURNING e."id"),
      history AS (
        INSERT INTO "escalation_history" ("escalationId", "level", "action", "dueAt", "firedAt", "recipients")
        SELECT step.id, step.level, step.action::"EscalationAction", step.due, step.fired_at, step.recipients
        FROM step JOIN advanced ON advanced."id" = step.id WHERE step.action IS NOT NULL
        UNION ALL
        SELECT step.id, step.level, 'EXHAUSTED'::"EscalationAction", NULL, step.fired_at, NULL
        FROM step JOIN advanced ON advanced."id" = step.id WHERE step.next_due IS NULL)
      SELECT "id"::text AS "id" FROM advanced`;
    return new Set(rows.map((row) => row.id));
  }

  /** A failed notification: back off this row only, so a failing dispatcher is not hammered. */
  async #backOff(claimed: ClaimedEscalation, error: unknown): Promise<void> {
    this.#options.logger.error({ err: error, escalationId: claimed.id }, "escalation could not fire; retrying soon");
    const retryAt = new Date(this.#options.clock.now().getTime() + Math.min(this.#settings.leaseMs, 5_000));
    await this.#options.prisma.escalation
      .updateMany({
        where: { id: claimed.id, leaseOwner: this.#options.instanceId },
        data: { leaseExpiresAt: retryAt },
      })
      .catch(() => undefined);
  }
}

type RuleWithRecipients = EscalationRule & { levels: (EscalationLevel & { recipients: EscalationRecipient[] })[] };

interface FireStep {
  claimed: ClaimedEscalation;
  andon: AndonEvent;
  /** The level notified; null when nothing was left and the escalation is only marked exhausted. */
  level: number | null;
  reminder: boolean;
  newLevel: number;
  nextDueAt: Date | null;
  firedAt: Date;
  userIds: string[];
  channels: readonly string[];
}

/** The subject and body of a level's notification, in words a person on the floor reads. */
export function messageFor(
  andon: Pick<AndonEvent, "priority" | "type" | "note" | "faultCode" | "raisedAt">,
  kind: EscalationKind,
  level: number,
  reminder: boolean,
): { subject: string; body: string } {
  const waiting = kind === "ACKNOWLEDGE" ? "not acknowledged" : "not resolved";
  const what = `${andon.priority} ${andon.type.toLowerCase()} andon${andon.faultCode ? ` (${andon.faultCode})` : ""}`;
  return {
    subject: `${reminder ? "Reminder: " : ""}${what} ${waiting} — escalation level ${level}`,
    body: `A ${what} raised at ${andon.raisedAt.toISOString()} is still ${waiting}.${andon.note ? ` Note: ${andon.note}` : ""}`,
  };
}
