// In-app notifications reach a signed-in user on whichever instance holds their subscription:
// the dispatcher PUBLISHes on the user's channel, and each instance keeps ONE subscriber connection,
// subscribed to a user's channel while that user has a subscription here.
import { type Logger, perRedisClient, publishWithin, RedisChannelHub, type RedisClient } from "@ms5/kit";
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
}

/** The users' channels through the kit's Redis channel hub: ONE subscriber connection per instance. */
export class NotificationFeed {
  readonly #hub: RedisChannelHub<NotificationEvent>;
  readonly #keyPrefix: string | undefined;

  constructor(options: NotificationFeedOptions) {
    this.#keyPrefix = options.keyPrefix;
    this.#hub = new RedisChannelHub<NotificationEvent>({
      redis: options.redis,
      logger: options.logger,
      name: "notification event",
      parse: parseNotificationEvent,
      maxQueuedPerListener: options.maxQueuedEventsPerSubscriber ?? NOTIFICATION_DEFAULTS.maxQueuedEventsPerSubscriber,
    });
  }

  /** Users with a subscription on this instance. */
  get userCount(): number {
    return this.#hub.channelCount;
  }

  /** One user's notification events, once the Redis subscription is in place; return() stops it. */
  events(userId: string): Promise<AsyncIterableIterator<NotificationEvent>> {
    return this.#hub.messages(notificationChannelOf(userId, this.#keyPrefix), (event) => event.userId === userId);
  }

  /** Ends every subscription and closes the subscriber connection. */
  close(): Promise<void> {
    return this.#hub.close();
  }
}

/** Each Redis client's feed: the subscription resolver finds it through `context.redis`. */
const feeds = perRedisClient<NotificationFeed>();
export const registerNotificationFeed = feeds.register;
export const unregisterNotificationFeed = feeds.unregister;
export const notificationFeedOf = feeds.of;
