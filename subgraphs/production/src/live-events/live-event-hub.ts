// One instance's side of live events: ONE Redis subscriber connection, subscribed to a line's channel
// while anyone here listens to that line, fanning each message out in process to every GraphQL
// subscription of the line.
import type { Logger, RedisClient } from "@ms5/kit";
import {
  LIVE_EVENT_DEFAULTS,
  type LiveEvent,
  type LiveEventKind,
  liveEventChannel,
  parseLiveEvent,
} from "./live-event.ts";

export interface LiveEventHubOptions {
  /** Duplicated once for the subscriber connection; the hub closes only its duplicate. */
  redis: RedisClient;
  logger: Logger;
  /** @default "ms5:" */
  keyPrefix?: string;
  /** @default LIVE_EVENT_DEFAULTS.maxQueuedEventsPerSubscriber */
  maxQueuedEventsPerSubscriber?: number;
}

type Listener = (event: LiveEvent) => void;

export class LiveEventHub {
  readonly #options: LiveEventHubOptions;
  readonly #keyPrefix: string;
  readonly #listeners = new Map<string, Set<Listener>>();
  /** SUBSCRIBE / UNSUBSCRIBE run one after the other, so a channel's last state wins. */
  #commands: Promise<unknown> = Promise.resolve();
  #subscriber: RedisClient | undefined;
  /** Channels the subscriber connection is subscribed to (trails #listeners while commands run). */
  readonly #subscribed = new Set<string>();
  readonly #iterators = new Set<() => void>();
  #closed = false;

  constructor(options: LiveEventHubOptions) {
    this.#options = options;
    this.#keyPrefix = options.keyPrefix ?? "ms5:";
  }

  /** Channels this instance is subscribed to, for tests and metrics. */
  get channelCount(): number {
    return this.#listeners.size;
  }

  /**
   * The line's events of the given kinds, as an async iterator for a subscription resolver; resolves
   * once the Redis subscription is in place. Returning the iterator stops listening.
   */
  async events(lineId: string, kinds: readonly LiveEventKind[]): Promise<AsyncIterableIterator<LiveEvent>> {
    if (this.#closed) throw new Error("the live event hub is closed");
    const wanted = new Set(kinds);
    const max = this.#options.maxQueuedEventsPerSubscriber ?? LIVE_EVENT_DEFAULTS.maxQueuedEventsPerSubscriber;
    const queue: LiveEvent[] = [];
    const waiting: ((result: IteratorResult<LiveEvent>) => void)[] = [];
    let finished = false;
    const listener: Listener = (event) => {
      if (finished || !wanted.has(event.kind)) return;
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
      this.#iterators.delete(finish);
      for (const next of waiting.splice(0)) next({ value: undefined, done: true });
      void this.#removeListener(lineId, listener);
    };
    this.#iterators.add(finish);
    try {
      await this.#addListener(lineId, listener);
    } catch (error) {
      finish();
      throw error;
    }
    // Written by hand, not as an async generator: a generator cannot be returned while it awaits.
    const iterator: AsyncIterableIterator<LiveEvent> = {
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

  /**
   * Publishes a change committed outside the telemetry consumer (a job transition) to its line's
   * channel, for every instance's subscribers. Fire and forget: a lost event is logged, the
   * database stays the truth.
   */
  async publish(event: LiveEvent): Promise<void> {
    try {
      await this.#options.redis.publish(liveEventChannel(event.lineId, this.#keyPrefix), JSON.stringify(event));
    } catch (error) {
      this.#options.logger.warn(
        { err: error, kind: event.kind, lineId: event.lineId },
        "could not publish a live event",
      );
    }
  }

  /** Ends every iterator (their subscriptions complete) and closes the subscriber connection. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const finish of [...this.#iterators]) finish();
    await this.#commands.catch(() => {});
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    if (subscriber) subscriber.destroy();
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
      this.#options.logger.warn({ err: error }, "live event subscriber connection error");
    });
    await subscriber.connect();
    this.#subscriber = subscriber;
    return subscriber;
  }

  #addListener(lineId: string, listener: Listener): Promise<void> {
    const channel = liveEventChannel(lineId, this.#keyPrefix);
    const listeners = this.#listeners.get(channel);
    if (listeners) {
      listeners.add(listener);
      // The first listener's SUBSCRIBE may still be under way: wait for it.
      return this.#enqueue(async () => {});
    }
    this.#listeners.set(channel, new Set([listener]));
    return this.#enqueue(async () => {
      if (!this.#listeners.has(channel) || this.#subscribed.has(channel)) return;
      const subscriber = await this.#connection();
      await subscriber.subscribe(channel, (message) => this.#dispatch(channel, message));
      this.#subscribed.add(channel);
    });
  }

  #removeListener(lineId: string, listener: Listener): Promise<void> {
    const channel = liveEventChannel(lineId, this.#keyPrefix);
    const listeners = this.#listeners.get(channel);
    if (!listeners?.delete(listener) || listeners.size > 0) return Promise.resolve();
    this.#listeners.delete(channel);
    return this.#enqueue(async () => {
      if (this.#listeners.has(channel) || !this.#subscribed.has(channel) || !this.#subscriber) return;
      this.#subscribed.delete(channel);
      await this.#subscriber.unsubscribe(channel);
    }).catch((error: unknown) => {
      this.#options.logger.warn({ err: error, channel }, "could not unsubscribe a live event channel");
    });
  }

  #dispatch(channel: string, message: string) {
    const event = parseLiveEvent(message);
    if (!event) {
      this.#options.logger.warn({ channel }, "ignored a malformed live event");
      return;
    }
    for (const listener of this.#listeners.get(channel) ?? []) listener(event);
  }
}

/** Each Redis client's hub: subscription resolvers find theirs through `context.redis`. */
const hubs = new WeakMap<RedisClient, LiveEventHub>();

export function registerLiveEventHub(redis: RedisClient, hub: LiveEventHub): void {
  hubs.set(redis, hub);
}

export function unregisterLiveEventHub(redis: RedisClient, hub: LiveEventHub): void {
  if (hubs.get(redis) === hub) hubs.delete(redis);
}

export function liveEventHubOf(redis: RedisClient): LiveEventHub | undefined {
  return hubs.get(redis);
}
