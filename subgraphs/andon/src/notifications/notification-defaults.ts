// Tunables of notifications in one place, each with its default.
import type { NotificationChannel } from "@ms5/db";
import { DEFAULT_KEY_PREFIX } from "@ms5/schema";

export const NOTIFICATION_DEFAULTS = {
  /** @default "ms5:" — prefix of the `<prefix>notifications:<user id>` pub/sub channels. */
  keyPrefix: DEFAULT_KEY_PREFIX,
  /** @default 10_000 ms — an SMTP server slower than this to connect, greet or answer counts as down. */
  smtpTimeoutMs: 10_000,
  /** @default 50 — in-app events queued for one slow subscriber before the oldest are dropped (it re-reads the inbox). */
  maxQueuedEventsPerSubscriber: 50,
  /**
   * @default 20 — after a gap in the Redis subscriber connection, each subscribed user's latest
   * unread in-app notifications, up to this many, are sent again (those published in the gap were lost).
   */
  resyncedUnreadPerUser: 20,
  /** @default 20 — page size of `myNotifications` when `first` is not given. */
  defaultPageSize: 20,
  /** @default 100 — the most notifications one page may ask for. */
  maxPageSize: 100,
  /**
   * @default ["IN_APP", "EMAIL", "SMS"] — fallback order for a user without preferences. In-app
   * comes last in every chain too: the inbox is where a failed channel's message always lands.
   */
  channelOrder: ["IN_APP", "EMAIL", "SMS"] as readonly NotificationChannel[],
  /**
   * @default 60_000 ms — a row still PENDING this long after it was written was left by a dispatch
   * that died before sending; a retry of the same dedupeKey sends it. Younger PENDING rows belong to
   * a dispatch still under way and are left alone.
   */
  pendingRetryAfterMs: 60_000,
  /**
   * @default 1_000 ms — an in-app notification's live publish on Redis not answered by then counts
   * as failed (the row is in the inbox regardless); while Redis is disconnected it fails at once.
   */
  inAppPublishTimeoutMs: 1_000,
  /** @default 4 — e-mails (and other external sends) of one dispatch in flight at once. */
  maxConcurrentSends: 4,
  /** @default 300 characters — an e-mail subject line, an inbox title. */
  maxSubjectLength: 300,
  /** @default 10_000 characters */
  maxBodyLength: 10_000,
  /** @default 200 characters — longest dedupe key a sender may use. */
  maxDedupeKeyLength: 200,
} as const;

/** The pub/sub channel carrying one user's in-app notifications to every instance. */
export function notificationChannelOf(userId: string, keyPrefix: string = NOTIFICATION_DEFAULTS.keyPrefix): string {
  return `${keyPrefix}notifications:${userId}`;
}
