// Sends one message to many users on the channels asked for: in-app rows published on Redis, e-mail
// over SMTP; a failing channel falls back to the next and stays recorded as FAILED. Idempotent by
// dedupeKey: rows are keyed (dedupeKey, user, channel), and only the call that inserted a row sends it.
// The in-app row committed in PostgreSQL is the delivery; its Redis publish is only the live nudge,
// so it is never awaited: a Redis outage delays neither the e-mail nor the escalation step.
import type { AndonPriority, Notification, NotificationChannel, PrismaClient } from "@ms5/db";
import type { Logger, RedisClient } from "@ms5/kit";
import { type Clock, systemClock } from "@ms5/kit";
import { ApiError } from "@ms5/kit/subgraph";
import type { EmailSender } from "./email-sender.ts";
import { NOTIFICATION_DEFAULTS } from "./notification-defaults.ts";
import { publishNotificationEvent } from "./notification-feed.ts";
import { routeChannels } from "./notification-routing.ts";

export const NOTIFICATION_CHANNELS = ["IN_APP", "EMAIL", "SMS"] as const satisfies readonly NotificationChannel[];

export interface DispatchInput {
  recipientUserIds: string[];
  channels: NotificationChannel[];
  subject: string;
  body: string;
  andonEventId?: string;
  escalationId?: string;
  alertId?: string;
  /** The escalation level that sent it (for the log). */
  level?: number;
  /** Weighed against each user's minimum priority per channel. @default the andon's priority, else MEDIUM */
  severity?: AndonPriority;
  /** Same key, same message: a retry of a dispatch sends nothing that was already sent. */
  dedupeKey: string;
}

export interface DispatchOutcome {
  /** Rows this call inserted (each sent or failed); rows that already existed are not in it. */
  created: Notification[];
  /** Recipients skipped: unknown or deactivated users. */
  skippedUserIds: string[];
}

export interface NotificationDispatcherOptions {
  prisma: PrismaClient;
  /** Publishes in-app events; the connection is the caller's. */
  redis: RedisClient;
  logger: Logger;
  /** Null when no SMTP server is configured: e-mail then fails over like a server that is down. */
  email: EmailSender | null;
  /** @default NOTIFICATION_DEFAULTS.keyPrefix */
  keyPrefix?: string;
  /** @default systemClock */
  clock?: Clock;
  /** @default NOTIFICATION_DEFAULTS.inAppPublishTimeoutMs */
  publishTimeoutMs?: number;
  /** Told about each in-app publish that failed or timed out (after it is logged), e.g. for a metric. */
  onPublishFailure?: (error: unknown) => void;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function validate(input: DispatchInput): void {
  const bad = (message: string) => new ApiError("BAD_USER_INPUT", message);
  if (!input.dedupeKey.trim() || input.dedupeKey.length > NOTIFICATION_DEFAULTS.maxDedupeKeyLength) {
    throw bad(`A dedupeKey of 1 to ${NOTIFICATION_DEFAULTS.maxDedupeKeyLength} characters is required.`);
  }
  if (!input.subject.trim() || input.subject.length > NOTIFICATION_DEFAULTS.maxSubjectLength) {
    throw bad(`A notification needs a subject of at most ${NOTIFICATION_DEFAULTS.maxSubjectLength} characters.`);
  }
  if (input.body.length > NOTIFICATION_DEFAULTS.maxBodyLength) {
    throw bad(`A notification body has at most ${NOTIFICATION_DEFAULTS.maxBodyLength} characters.`);
  }
  if (input.channels.length === 0) throw bad("A notification needs at least one channel.");
  for (const channel of input.channels) {
    if (!(NOTIFICATION_CHANNELS as readonly string[]).includes(channel)) throw bad(`Unknown channel ${channel}.`);
  }
  for (const id of [...input.recipientUserIds, input.andonEventId, input.escalationId, input.alertId]) {
    if (id !== undefined && !UUID_PATTERN.test(id)) throw bad(`"${id}" is not a valid id.`);
  }
}

export class NotificationDispatcher {
  readonly #options: NotificationDispatcherOptions;
  readonly #clock: Clock;
  #publishFailures = 0;

  constructor(options: NotificationDispatcherOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
  }

  /** In-app publishes that failed or timed out since the dispatcher was made. */
  get publishFailures(): number {
    return this.#publishFailures;
  }

  async dispatch(input: DispatchInput): Promise<void> {
    await this.dispatchWithOutcome(input);
  }

  /** dispatch(), returning what it did: for tests and for callers that log it. */
  async dispatchWithOutcome(input: DispatchInput): Promise<DispatchOutcome> {
    validate(input);
    const { prisma } = this.#options;
    const recipientIds = [...new Set(input.recipientUserIds)];
    const [users, andon] = await Promise.all([
      prisma.user.findMany({
        where: { id: { in: recipientIds }, active: true },
        select: { id: true, email: true, notificationPrefs: true },
      }),
      input.andonEventId && !input.severity
        ? prisma.andonEvent.findUnique({ where: { id: input.andonEventId }, select: { priority: true } })
        : null,
    ]);
    const severity: AndonPriority = input.severity ?? andon?.priority ?? "MEDIUM";
    const found = new Set(users.map((user) => user.id));
    const outcome: DispatchOutcome = { created: [], skippedUserIds: recipientIds.filter((id) => !found.has(id)) };
    if (outcome.skippedUserIds.length > 0) {
      this.#options.logger.warn(
        { dedupeKey: input.dedupeKey, skippedUserIds: outcome.skippedUserIds },
        "notification recipients unknown or deactivated",
      );
    }
    const now = this.#clock.now();
    const plans = new Map(
      users.map((user) => {
        const route = routeChannels(input.channels, user.notificationPrefs, severity, now);
        return [user.id, { user, route, used: new Set(route.deliver) }] as const;
      }),
    );
    const inserted = await this.#insertRows(
      input,
      severity,
      [...plans.values()].flatMap(({ user, route }) => route.deliver.map((channel) => ({ userId: user.id, channel }))),
      null,
    );
    const rows = [...inserted, ...(await this.#claimAbandoned(input.dedupeKey, [...plans.keys()]))];
    const deliver = (row: Notification) => {
      const plan = plans.get(row.userId)!;
      return this.#deliver(input, plan.user, severity, row, plan.route.fallback, plan.used, outcome);
    };
    // Every inbox first: an in-app notification never waits behind someone else's SMTP round trip.
    await Promise.all(rows.filter((row) => row.channel === "IN_APP").map(deliver));
    // Then the external channels, a few at a time: a slow relay delays less, without opening a
    // connection per recipient.
    const external = rows.filter((row) => row.channel !== "IN_APP");
    const workers = Array.from(
      { length: Math.min(NOTIFICATION_DEFAULTS.maxConcurrentSends, external.length) },
      async () => {
        for (let row = external.shift(); row; row = external.shift()) await deliver(row);
      },
    );
    await Promise.all(workers);
    return outcome;
  }

  /** Inserts the rows that do not exist yet and returns only those: the caller owns their delivery. */
  async #insertRows(
    input: DispatchInput,
    severity: AndonPriority,
    targets: readonly { userId: string; channel: NotificationChannel }[],
    fallbackOfId: string | null,
  ): Promise<Notification[]> {
    if (targets.length === 0) return [];
    const now = this.#clock.now();
    return this.#options.prisma.notification.createManyAndReturn({
      data: targets.map(({ userId, channel }) => ({
        userId,
        channel,
        ...(channel === "IN_APP" ? { status: "SENT" as const, attempts: 1, sentAt: now } : {}),
        title: input.subject,
        body: input.body,
        severity,
        dedupeKey: input.dedupeKey,
        fallbackOfId,
        createdAt: now,
        ...(input.andonEventId ? { andonId: input.andonEventId } : {}),
        ...(input.escalationId ? { escalationId: input.escalationId } : {}),
        ...(input.alertId ? { alertId: input.alertId } : {}),
      })),
      skipDuplicates: true,
    });
  }

  /**
   * Rows of this key left PENDING by a dispatch that died between writing and sending them. Each is
   * claimed with a compare-and-set on `attempts`, so of two retries running at once only one sends.
   */
  async #claimAbandoned(dedupeKey: string, userIds: readonly string[]): Promise<Notification[]> {
    const { prisma } = this.#options;
    const before = new Date(this.#clock.now().getTime() - NOTIFICATION_DEFAULTS.pendingRetryAfterMs);
    const stale = await prisma.notification.findMany({
      where: { dedupeKey, userId: { in: [...userIds] }, status: "PENDING", createdAt: { lte: before } },
    });
    const claimed: Notification[] = [];
    for (const row of stale) {
      const { count } = await prisma.notification.updateMany({
        where: { id: row.id, status: "PENDING", attempts: row.attempts },
        data: { attempts: { increment: 1 } },
      });
      if (count === 1) claimed.push({ ...row, attempts: row.attempts + 1 });
    }
    return claimed;
  }

  async #deliver(
    input: DispatchInput,
    user: { id: string; email: string | null },
    severity: AndonPriority,
    row: Notification,
    fallback: readonly NotificationChannel[],
    used: Set<NotificationChannel>,
    outcome: DispatchOutcome,
  ): Promise<void> {
    const { prisma, logger } = this.#options;
    if (row.channel === "IN_APP") {
      // Written as SENT: being in the inbox is the delivery. Published after the commit, so a
      // subscriber that reads the row finds it.
      outcome.created.push(
        row.status === "SENT"
          ? row
          : await prisma.notification.update({
              where: { id: row.id },
              data: { status: "SENT", attempts: { increment: 1 }, sentAt: this.#clock.now() },
            }),
      );
      this.#publishInApp(row.id, user.id);
      return;
    }
    let failure: string | null = null;
    try {
      await this.#send(row, user);
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    }
    const updated = await prisma.notification.update({
      where: { id: row.id },
      data: failure
        ? { status: "FAILED", attempts: { increment: 1 }, lastError: failure.slice(0, 1000) }
        : { status: "SENT", attempts: { increment: 1 }, sentAt: this.#clock.now() },
    });
    outcome.created.push(updated);
    if (!failure) return;
    logger.warn(
      { notificationId: row.id, userId: user.id, channel: row.channel, dedupeKey: input.dedupeKey, error: failure },
      "notification channel failed; falling back",
    );
    // A channel this instance has no transport for is no fallback: it would only fail again.
    const next = fallback.find((channel) => !used.has(channel) && this.#canSend(channel));
    if (!next) return;
    used.add(next);
    const [fallbackRow] = await this.#insertRows(input, severity, [{ userId: user.id, channel: next }], row.id);
    if (fallbackRow) await this.#deliver(input, user, severity, fallbackRow, fallback, used, outcome);
  }

  /** Not awaited by anyone: bounded by a short timeout, a failure logged and counted. */
  #publishInApp(notificationId: string, userId: string): void {
    const { redis, keyPrefix, publishTimeoutMs, logger } = this.#options;
    publishNotificationEvent(redis, { notificationId, userId }, keyPrefix, publishTimeoutMs).catch((error: unknown) => {
      // The row is in the inbox either way; the feed resyncs unread ones after its own gap.
      this.#publishFailures++;
      logger.warn({ err: error, notificationId }, "could not publish an in-app notification");
      this.#options.onPublishFailure?.(error);
    });
  }

  #canSend(channel: NotificationChannel): boolean {
    return channel === "IN_APP" || (channel === "EMAIL" && this.#options.email !== null);
  }

  async #send(row: Notification, user: { email: string | null }): Promise<void> {
    switch (row.channel) {
      case "IN_APP":
        return;
      case "EMAIL": {
        if (!this.#options.email) throw new Error("no SMTP server is configured");
        if (!user.email) throw new Error("the user has no e-mail address");
        await this.#options.email.send({ to: user.email, subject: row.title, text: row.body });
        return;
      }
      case "SMS":
        throw new Error("no SMS gateway is configured");
    }
  }
}
