// In-app notifications reach a signed-in user on whichever instance holds their subscription:
// the dispatcher PUBLISHes on the user's channel, and each instance keeps ONE subscriber connection,
// subscribed to a user's channel while that user has a subscription here. After a gap in that
// connection, each user's latest unread notifications are sent again.
import type { PrismaClient } from "@ms5/db";
import { type Logger, publishWithin, RedisChannelHub, type RedisClient } from "@ms5/kit";
import { NOTIFICATION_DEFAULTS, notificationChannelOf } from "./notification-defaults.ts";

/** What travels on the channel: only the id; the subscription reads the row fresh. */
export interface NotificationEvent {
  notificationId: string;
  userId: string;
}

export function parseNotificationEvent(message: string): NotificationEvent | null {
  try {
    const value = JSON.parse(message) as Partial<NotificationEvent>;
    return typeof value.notificationId === "string" && typeof value.userId === "string"
      ? { notificationId: value.notificationId, userId: value.userId }
      : null;
  } catch {
    return null;
  }
}

/** PUBLISH of one in-app event, refused at once while Redis is disconnected and bounded by `timeoutMs`. */
export function publishNotificationEvent(
  redis: RedisClient,
  event: NotificationEvent,
  keyPrefix: string = NOTIFICATION_DEFAULTS.keyPrefix,
  timeoutMs: number = NOTIFICATION_DEFAULTS.inAppPublishTimeoutMs,
): Promise<void> {
  return publishWithin(redis, notificationChannelOf(event.userId, keyPrefix), JSON.stringify(event), timeoutMs);
}

export interface NotificationFeedOptions {
  /** Duplicated once for the subscriber connection; the feed closes only its duplicate. */
  redis: RedisClient;
  logger: Logger;
  /** @default NOTIFICATION_DEFAULTS.keyPrefix */
  keyPrefix?: string;
  /** @default NOTIFICATION_DEFAULTS.maxQueuedEventsPerSubscriber */
  maxQueuedEventsPerSubscriber?: number;
  /** Where unread notifications are read after a gap in the subscriber connection; none: no resync. */
  prisma?: PrismaClient;
}

/** The users' channels through the kit's Redis channel hub: ONE subscriber connection per instance. */
export class NotificationFeed {
  readonly #hub: RedisChannelHub<NotificationEvent>;
  readonly #keyPrefix: string | undefined;
  /** The user of each channel listened to here, for the resync. */
  readonly #userOfChannel = new Map<string, string>();

  constructor(options: NotificationFeedOptions) {
    this.#keyPrefix = options.keyPrefix;
    const { prisma } = options;
    this.#hub = new RedisChannelHub<NotificationEvent>({
      redis: options.redis,
      logger: options.logger,
      name: "notification event",
      parse: parseNotificationEvent,
      maxQueuedPerListener: options.maxQueuedEventsPerSubscriber ?? NOTIFICATION_DEFAULTS.maxQueuedEventsPerSubscriber,
      ...(prisma ? { resync: (channel) => this.#latestUnread(prisma, channel) } : {}),
    });
  }

  /** The user's latest unread in-app notifications, oldest first, as the events that announced them. */
  async #latestUnread(prisma: PrismaClient, channel: string): Promise<NotificationEvent[]> {
    const userId = this.#userOfChannel.get(channel);
    if (!userId) return [];
    const rows = await prisma.notification.findMany({
      where: { userId, channel: "IN_APP", readAt: null },
      select: { id: true },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: NOTIFICATION_DEFAULTS.resyncedUnreadPerUser,
    });
    return rows.reverse().map((row) => ({ notificationId: row.id, userId }));
  }

  /** Users with a subscription on this instance. */
  get userCount(): number {
    return this.#hub.channelCount;
  }

  /** One user's notification events, once the Redis subscription is in place; return() stops it. */
  events(userId: string): Promise<AsyncIterableIterator<NotificationEvent>> {
    const channel = notificationChannelOf(userId, this.#keyPrefix);
    this.#userOfChannel.set(channel, userId);
    return this.#hub.messages(channel, (event) => event.userId === userId);
  }

  /** Ends every subscription and closes the subscriber connection. */
  close(): Promise<void> {
    return this.#hub.close();
  }
}
