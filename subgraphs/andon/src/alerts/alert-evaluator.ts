// Evaluates every active alert rule on a timer, with hysteresis so alerts do not flap: an alert is
// raised once the value has been past `threshold` for `durationSeconds`, and cleared once it has
// been back past `clearThreshold` (the far side of the band) for `durationSeconds` too. The only
// state is the rule's `conditionSince` and the active ProductionAlert row, both in PostgreSQL, and
// each rule is evaluated under its row lock: any number of instances can run the timer.
import type { AlertRule, PrismaClient, ProductionAlert } from "@ms5/db";
import type { Logger } from "@ms5/kit";
import { type Clock, systemClock } from "@ms5/kit";
import type { DispatchInput } from "../notifications/notification-dispatcher.ts";
import { ALERT_KINDS, breaches, observeAlertValue, recovered } from "./alert-conditions.ts";
import { ALERT_DEFAULTS } from "./alert-defaults.ts";

export interface AlertNotifier {
  dispatch(input: DispatchInput): Promise<void>;
}

export interface AlertEvaluatorOptions {
  prisma: PrismaClient;
  logger: Logger;
  notifier: AlertNotifier;
  /** @default systemClock */
  clock?: Clock;
  settings?: Partial<AlertEvaluatorSettings>;
}

export interface AlertEvaluatorSettings {
  evaluationIntervalMs: number;
  observationWindowSeconds: number;
  recipientRoles: (typeof ALERT_DEFAULTS)["recipientRoles"];
  channelsBySeverity: (typeof ALERT_DEFAULTS)["channelsBySeverity"];
}

export type AlertChange =
  | { kind: "raised"; alert: ProductionAlert }
  | { kind: "cleared"; alert: ProductionAlert }
  | { kind: "pending"; ruleId: string; since: Date };

export class AlertEvaluator {
  readonly #options: AlertEvaluatorOptions;
  readonly #clock: Clock;
  readonly #settings: AlertEvaluatorSettings;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> = Promise.resolve();

  constructor(options: AlertEvaluatorOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#settings = { ...ALERT_DEFAULTS, ...options.settings };
  }

  /** Evaluates every interval until stop(); a failed round is logged and the next one runs. */
  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      this.#running = this.evaluateAll().catch((error: unknown) => {
        this.#options.logger.error({ err: error }, "alert evaluation failed");
      });
    }, this.#settings.evaluationIntervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** One round over every active rule; returns what changed. */
  async evaluateAll(): Promise<AlertChange[]> {
    const rules = await this.#options.prisma.alertRule.findMany({ where: { active: true }, select: { id: true } });
    const changes: AlertChange[] = [];
    for (const { id } of rules) {
      try {
        changes.push(...(await this.evaluateRule(id)));
      } catch (error) {
        this.#options.logger.error({ err: error, ruleId: id }, "alert rule evaluation failed");
      }
    }
    return changes;
  }

  async evaluateRule(ruleId: string): Promise<AlertChange[]> {
    const { prisma } = this.#options;
    const now = this.#clock.now();
    const changes = await prisma.$transaction(async (tx) => {
      // Another instance evaluating this rule right now holds the lock: skip, it will do.
      const locked = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM alert_rule WHERE id = ${ruleId}::uuid AND active FOR UPDATE SKIP LOCKED`;
      if (locked.length === 0) return [];
      const rule = (await tx.alertRule.findUnique({ where: { id: ruleId } }))!;
      const active = await tx.productionAlert.findFirst({ where: { ruleId, status: { not: "CLEARED" } } });
      const value = await observeAlertValue(prisma, rule, now, this.#settings.observationWindowSeconds);
      const holding =
        value === null
          ? false
          : active
            ? recovered(rule.kind, value, rule.clearThreshold)
            : breaches(rule.kind, value, rule.threshold);
      if (!holding || value === null) {
        // No data, or back on the good side: the clock of the condition starts again.
        if (rule.conditionSince) await tx.alertRule.update({ where: { id: ruleId }, data: { conditionSince: null } });
        return [];
      }
      const since = rule.conditionSince ?? now;
      if (now.getTime() - since.getTime() < rule.durationSeconds * 1000) {
        if (!rule.conditionSince) await tx.alertRule.update({ where: { id: ruleId }, data: { conditionSince: since } });
        return [{ kind: "pending", ruleId, since } satisfies AlertChange];
      }
      await tx.alertRule.update({ where: { id: ruleId }, data: { conditionSince: null } });
      if (active) {
        const cleared = await tx.productionAlert.update({
          where: { id: active.id },
          data: { status: "CLEARED", clearedAt: now },
        });
        return [{ kind: "cleared", alert: cleared } satisfies AlertChange];
      }
      const lineId = rule.lineId ?? (await tx.equipment.findUnique({ where: { id: rule.equipmentId! } }))!.lineId;
      const raised = await tx.productionAlert.create({
        data: {
          ruleId,
          kind: rule.kind,
          lineId,
          equipmentId: rule.equipmentId,
          threshold: rule.threshold,
          observedValue: value,
          message: alertMessage(rule, value),
          raisedAt: now,
        },
      });
      return [{ kind: "raised", alert: raised } satisfies AlertChange];
    });
    // After the commit: a notification never names an alert that was rolled back. Its dedupe key
    // makes a retry (the next round, see below) safe.
    for (const change of changes) if (change.kind !== "pending") await this.#notify(change.kind, change.alert);
    if (changes.length === 0) await this.#renotifyUnsent(ruleId);
    return changes;
  }

  /** An alert whose raise notification was lost (a crash between commit and send) is sent again. */
  async #renotifyUnsent(ruleId: string): Promise<void> {
    const active = await this.#options.prisma.productionAlert.findFirst({
      where: { ruleId, status: { not: "CLEARED" }, notifications: { none: {} } },
    });
    if (active) await this.#notify("raised", active);
  }

  async #notify(kind: "raised" | "cleared", alert: ProductionAlert): Promise<void> {
    const { prisma, logger, notifier } = this.#options;
    const rule = alert.ruleId ? await prisma.alertRule.findUnique({ where: { id: alert.ruleId } }) : null;
    const severity = rule?.severity ?? "MEDIUM";
    const recipients = await prisma.user.findMany({
      where: { active: true, roles: { hasSome: [...this.#settings.recipientRoles] } },
      select: { id: true },
    });
    if (recipients.length === 0) {
      logger.warn({ alertId: alert.id }, "production alert has nobody to notify");
      return;
    }
    try {
      await notifier.dispatch({
        recipientUserIds: recipients.map((user) => user.id),
        channels: kind === "raised" ? [...this.#settings.channelsBySeverity[severity]] : ["IN_APP"],
        subject: kind === "raised" ? `Alert: ${rule?.name ?? alert.kind}` : `Cleared: ${rule?.name ?? alert.kind}`,
        body: alert.message,
        alertId: alert.id,
        severity,
        dedupeKey: `alert:${alert.id}:${kind}`,
      });
    } catch (error) {
      logger.error({ err: error, alertId: alert.id }, "could not notify a production alert; retried next round");
    }
  }
}

function alertMessage(rule: AlertRule, value: number): string {
  const { unit, direction } = ALERT_KINDS[rule.kind];
  const show = (n: number) => (unit === "" ? `${(n * 100).toFixed(1)}%` : `${Math.round(n * 10) / 10}${unit}`);
  const duration = rule.durationSeconds > 0 ? ` for ${Math.round(rule.durationSeconds / 60)} min` : "";
  return `${rule.name}: ${show(value)}, ${direction} ${show(rule.threshold)}${duration}.`;
}
