// In-app notifications reach a signed-in user on whichever instance holds their subscription:
// the dispatcher PUBLISHes on the user's channel, and each instance keeps ONE subscriber connection,
// subscribed to a user's channel while that user has a subscription here.
import type { Logger, RedisClient } from "@ms5/kit";
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

export async function publishNotificationEvent(
  redis: RedisClient,
  event: NotificationEvent,
  keyPrefix: string = NOTIFICATION_DEFAULTS.keyPrefix,
): Promise<void> {
  await redis.publish(notificationChannelOf(event.userId, keyPrefix), JSON.stringify(event));
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

type Listener = (event: NotificationEvent) => void;

export class NotificationFeed {
  readonly #options: NotificationFeedOptions;
  readonly #listeners = new Map<string, Set<Listener>>();
  /** SUBSCRIBE / UNSUBSCRIBE run one after the other, so a channel's last state wins. */
  #commands: Promise<unknown> = Promise.resolve();
  #subscriber: RedisClient | undefined;
  readonly #subscribed = new Set<string>();
  readonly #finishers = new Set<() => void>();
  #closed = false;

  constructor(options: NotificationFeedOptions) {
    this.#options = options;
  }

  /** Users with a subscription on this instance. */
  get userCount(): number {
    return this.#listeners.size;
  }

  /** One user's notification events, once the Redis subscription is in place; return() stops it. */
  async events(userId: string): Promise<AsyncIterableIterator<NotificationEvent>> {
    if (this.#closed) throw new Error("the notification feed is closed");
    const max = this.#options.maxQueuedEventsPerSubscriber ?? NOTIFICATION_DEFAULTS.maxQueuedEventsPerSubscriber;
    const channel = notificationChannelOf(userId, this.#options.keyPrefix);
    const queue: NotificationEvent[] = [];
    const waiting: ((result: IteratorResult<NotificationEvent>) => void)[] = [];
    let finished = false;
    const listener: Listener = (event) => {
      if (finished || event.userId !== userId) return;
      const next = waiting.shift();
      if (next) next({ value: event, done: false });
      else {
        queue.push(event);
        if (queue.length > max) queue.shift();
      }
    };
    const finish = () => {
      if (finished) return;
      finished = true;
      this.#finishers.delete(finish);
      for (const next of waiting.splice(0)) next({ value: undefined, done: true });
      void this.#removeListener(channel, listener);
    };
    this.#finishers.add(finish);
    try {
      await this.#addListener(channel, listener);
    } catch (error) {
      finish();
      throw error;
    }
    // By hand, not an async generator: a generator cannot be returned while it awaits.
    const iterator: AsyncIterableIterator<NotificationEvent> = {
      next() {
        const event = queue.shift();
        if (event) return Promise.resolve({ value: event, done: false });
        if (finished) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => waiting.push(resolve));
      },
      return() {
        finish();
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /** Ends every subscription and closes the subscriber connection. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const finish of [...this.#finishers]) finish();
    await this.#commands.catch(() => {});
    this.#subscriber?.destroy();
    this.#subscriber = undefined;
  }

  #enqueue<T>(command: () => Promise<T>): Promise<T> {
    const result = this.#commands.then(command, command);
    this.#commands = result.catch(() => {});
    return result;
  }

  async #connection(): Promise<RedisClient> {
    if (this.#subscriber) return this.#subscriber;
    const subscriber = this.#options.redis.duplicate();
    subscriber.on("error", (error: Error) => {
      this.#options.logger.warn({ err: error }, "notification subscriber connection error");
    });
    await subscriber.connect();
    this.#subscriber = subscriber;
    return subscriber;
  }

  #addListener(channel: string, listener: Listener): Promise<void> {
    const listeners = this.#listeners.get(channel);
    if (listeners) {
      listeners.add(listener);
      return this.#enqueue(async () => {});
    }
    this.#listeners.set(channel, new Set([listener]));
    return this.#enqueue(async () => {
      if (!this.#listeners.has(channel) || this.#subscribed.has(channel)) return;
      const subscriber = await this.#connection();
      await subscriber.subscribe(channel, (message) => this.#deliver(channel, message));
      this.#subscribed.add(channel);
    });
  }

  #removeListener(channel: string, listener: Listener): Promise<void> {
    const listeners = this.#listeners.get(channel);
    if (!listeners?.delete(listener) || listeners.size > 0) return Promise.resolve();
    this.#listeners.delete(channel);
    return this.#enqueue(async () => {
      if (this.#listeners.has(channel) || !this.#subscribed.has(channel) || !this.#subscriber) return;
      this.#subscribed.delete(channel);
      await this.#subscriber.unsubscribe(channel);
    }).catch((error: unknown) => {
      this.#options.logger.warn({ err: error, channel }, "could not unsubscribe a notification channel");
    });
  }

  #deliver(channel: string, message: string) {
    const event = parseNotificationEvent(message);
    if (!event) {
      this.#options.logger.warn({ channel }, "ignored a malformed notification event");
      return;
    }
    for (const listener of this.#listeners.get(channel) ?? []) listener(event);
  }
}

/** Each Redis client's feed: the subscription resolver finds it through `context.redis`. */
const feeds = new WeakMap<RedisClient, NotificationFeed>();

export function registerNotificationFeed(redis: RedisClient, feed: NotificationFeed): void {
  feeds.set(redis, feed);
}

export function unregisterNotificationFeed(redis: RedisClient, feed: NotificationFeed): void {
  if (feeds.get(redis) === feed) feeds.delete(redis);
}

export function notificationFeedOf(redis: RedisClient): NotificationFeed | undefined {
  return feeds.get(redis);
}
