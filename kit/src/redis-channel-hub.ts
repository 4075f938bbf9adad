// One process's side of Redis pub/sub fan-out for GraphQL subscriptions: ONE subscriber connection,
// subscribed to a channel while anyone in this process listens to it, handing each message to every
// listener as an async iterator with a bounded queue. Publishing uses the caller's own connection, so
// every instance of a service serves every subscriber whoever committed the change.
import type { Logger } from "./logger.ts";
import type { RedisClient } from "./redis-client.ts";

export interface RedisChannelHubOptions<Message> {
  /** Publishes on it; duplicated once for the subscriber connection, which the hub closes. */
  redis: RedisClient;
  logger: Logger;
  /** What the hub carries, for log lines ("live event", "andon event"...). */
  name: string;
  /** The message of a raw channel payload, or null for anything malformed (logged and dropped). */
  parse: (raw: string) => Message | null;
  /** A listener further behind than this loses its oldest messages. @default 1,000 */
  maxQueuedPerListener?: number;
}

type Listener<Message> = (message: Message) => void;

export class RedisChannelHub<Message> {
  readonly #options: RedisChannelHubOptions<Message>;
  readonly #listeners = new Map<string, Set<Listener<Message>>>();
  /** SUBSCRIBE / UNSUBSCRIBE run one after the other, so a channel's last state wins. */
  #commands: Promise<unknown> = Promise.resolve();
  #subscriber: RedisClient | undefined;
  /** Channels the subscriber connection is subscribed to (trails #listeners while commands run). */
  readonly #subscribed = new Set<string>();
  readonly #finishers = new Set<() => void>();
  #closed = false;

  constructor(options: RedisChannelHubOptions<Message>) {
    this.#options = options;
  }

  /** Channels with a listener in this process. */
  get channelCount(): number {
    return this.#listeners.size;
  }

  /** Listeners in this process, over all channels. */
  get listenerCount(): number {
    let count = 0;
    for (const listeners of this.#listeners.values()) count += listeners.size;
    return count;
  }

  /** Fire and forget after the caller's commit: a failed publish is logged, the database stays the truth. */
  async publish(channel: string, message: Message): Promise<void> {
    try {
      await this.#options.redis.publish(channel, JSON.stringify(message));
    } catch (error) {
      this.#options.logger.warn({ err: error, channel }, `could not publish a ${this.#options.name}`);
    }
  }

  /**
   * The channel's messages that `keep` accepts, as an async iterator for a subscription resolver;
   * resolves once the Redis subscription is in place. Returning the iterator stops listening.
   */
  async messages(
    channel: string,
    keep: (message: Message) => boolean = () => true,
  ): Promise<AsyncIterableIterator<Message>> {
    if (this.#closed) throw new Error(`the ${this.#options.name} hub is closed`);
    const max = this.#options.maxQueuedPerListener ?? 1_000;
    const queue: Message[] = [];
    const waiting: ((result: IteratorResult<Message>) => void)[] = [];
    let finished = false;
    const listener: Listener<Message> = (message) => {
      if (finished || !keep(message)) return;
      const next = waiting.shift();
      if (next) next({ value: message, done: false });
      else {
        queue.push(message);
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
    // Written by hand, not as an async generator: a generator cannot be returned while it awaits.
    const iterator: AsyncIterableIterator<Message> = {
      next() {
        if (queue.length > 0) return Promise.resolve({ value: queue.shift() as Message, done: false });
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

  /** Ends every iterator (their subscriptions complete) and closes the subscriber connection. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const finish of [...this.#finishers]) finish();
    await this.#commands.catch(() => {});
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    subscriber?.destroy();
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
      this.#options.logger.warn({ err: error }, `${this.#options.name} subscriber connection error`);
    });
    await subscriber.connect();
    this.#subscriber = subscriber;
    return subscriber;
  }

  #addListener(channel: string, listener: Listener<Message>): Promise<void> {
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
      await subscriber.subscribe(channel, (raw) => this.#dispatch(channel, raw));
      this.#subscribed.add(channel);
    });
  }

  #removeListener(channel: string, listener: Listener<Message>): Promise<void> {
    const listeners = this.#listeners.get(channel);
    if (!listeners?.delete(listener) || listeners.size > 0) return Promise.resolve();
    this.#listeners.delete(channel);
    return this.#enqueue(async () => {
      if (this.#listeners.has(channel) || !this.#subscribed.has(channel) || !this.#subscriber) return;
      this.#subscribed.delete(channel);
      await this.#subscriber.unsubscribe(channel);
    }).catch((error: unknown) => {
      this.#options.logger.warn({ err: error, channel }, `could not unsubscribe a ${this.#options.name} channel`);
    });
  }

  #dispatch(channel: string, raw: string) {
    const message = this.#options.parse(raw);
    if (message === null) {
      this.#options.logger.warn({ channel }, `ignored a malformed ${this.#options.name}`);
      return;
    }
    for (const listener of this.#listeners.get(channel) ?? []) listener(message);
  }
}

/**
 * A value per Redis client, found again from `context.redis` in a subscription resolver (the
 * service's hub is made where the client is, the resolver only sees the request context).
 */
export function perRedisClient<Value extends object>() {
  const values = new WeakMap<RedisClient, Value>();
  return {
    register(redis: RedisClient, value: Value): void {
      values.set(redis, value);
    },
    unregister(redis: RedisClient, value: Value): void {
      if (values.get(redis) === value) values.delete(redis);
    },
    of(redis: RedisClient): Value | undefined {
      return values.get(redis);
    },
  };
}
