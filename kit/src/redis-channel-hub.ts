// One process's side of Redis pub/sub fan-out for GraphQL subscriptions: ONE subscriber connection,
// subscribed to a channel while anyone in this process listens to it, handing each message to every
// listener as an async iterator with a bounded queue. Publishing uses the caller's own connection, so
// every instance of a service serves every subscriber whoever committed the change. Pub/sub keeps
// nothing: what is published while the subscriber connection is down is lost, so once it is back
// (and resubscribed) the hub asks the channel's owner for the current state and delivers that as
// ordinary messages. Publishing never holds up the work that caused it: refused at once while the
// connection is down, bounded by a short timeout otherwise, each failure logged and counted.
import type { Logger } from "./logger.ts";
import type { RedisClient } from "./redis-client.ts";
import { settleWithin } from "./settle-within.ts";

export const REDIS_CHANNEL_HUB_DEFAULTS = {
  /** @default 1,000 messages: a listener further behind than this loses its oldest messages. */
  maxQueuedPerListener: 1_000,
  /**
   * @default 1,000 ms: a publish not answered by then counts as failed, so a Redis that hangs holds
   * up a mutation or an escalation by this much at most (while disconnected, not at all).
   */
  publishTimeoutMs: 1_000,
  /** @default 4 channels whose current state is read at once after the subscriber reconnects. */
  resyncConcurrency: 4,
  /**
   * @default 60,000 ms: a change this long before the drop was noticed may still have been missed
   * (the drop is noticed late, and instances' clocks differ): `ChannelGap.since` reaches back so far.
   */
  resyncLookbackMs: 60_000,
} as const;

/** The time the subscriber connection was away: what was published then never arrived. */
export interface ChannelGap {
  /** When the connection was seen to drop (this process's clock). */
  lostAt: Date;
  /** When it was back and resubscribed. */
  restoredAt: Date;
  /** `lostAt` less the lookback: rows changed since then are the ones a listener may have missed. */
  since: Date;
}

export interface RedisChannelHubOptions<Message> {
  /** Publishes on it; duplicated once for the subscriber connection, which the hub closes. */
  redis: RedisClient;
  logger: Logger;
  /** What the hub carries, for log lines ("live event", "andon event"...). */
  name: string;
  /** The message of a raw channel payload, or null for anything malformed (logged and dropped). */
  parse: (raw: string) => Message | null;
  /** @default REDIS_CHANNEL_HUB_DEFAULTS.maxQueuedPerListener */
  maxQueuedPerListener?: number;
  /** @default REDIS_CHANNEL_HUB_DEFAULTS.publishTimeoutMs */
  publishTimeoutMs?: number;
  /**
   * The current state of what a channel's listeners watch, as messages of the channel, read after a
   * gap in the subscriber connection; each listener receives those its filter keeps. Without it a
   * gap is only logged.
   */
  resync?: (channel: string, gap: ChannelGap) => Promise<readonly Message[]>;
  /** Told about each failed publish (after it is logged), e.g. to count it in a metric. */
  onPublishFailure?: (channel: string, error: unknown) => void;
}

export class RedisPublishError extends Error {
  override name = "RedisPublishError";
}

/**
 * PUBLISH that never waits on Redis for long: refused at once while the connection is down (rather
 * than held in the client's in-memory offline queue until it returns) and abandoned after
 * `timeoutMs`.
 */
export async function publishWithin(
  redis: RedisClient,
  channel: string,
  payload: string,
  timeoutMs: number,
): Promise<void> {
  if (!redis.isReady) throw new RedisPublishError(`Redis is not connected; nothing published on ${channel}`);
  await settleWithin(
    redis.publish(channel, payload),
    timeoutMs,
    () => new RedisPublishError(`Redis did not answer a publish on ${channel} within ${timeoutMs} ms`),
  );
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
  #publishFailures = 0;
  /** When the subscriber connection dropped; undefined while it is up. */
  #lostAt: Date | undefined;
  #resyncs = 0;

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

  /** Publishes that failed or timed out since the hub was made. */
  get publishFailures(): number {
    return this.#publishFailures;
  }

  /** Resyncs run after the subscriber connection came back, since the hub was made. */
  get resyncCount(): number {
    return this.#resyncs;
  }

  /**
   * After the caller's commit; never throws and never waits long: a failed publish is logged and
   * counted, the database stays the truth (and subscribers elsewhere resync after their own gap).
   */
  async publish(channel: string, message: Message): Promise<void> {
    const timeoutMs = this.#options.publishTimeoutMs ?? REDIS_CHANNEL_HUB_DEFAULTS.publishTimeoutMs;
    try {
      await publishWithin(this.#options.redis, channel, JSON.stringify(message), timeoutMs);
    } catch (error) {
      this.#publishFailures++;
      this.#options.logger.warn({ err: error, channel }, `could not publish a ${this.#options.name}`);
      this.#options.onPublishFailure?.(channel, error);
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
    const max = this.#options.maxQueuedPerListener ?? REDIS_CHANNEL_HUB_DEFAULTS.maxQueuedPerListener;
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
    let ready = false;
    const lost = () => {
      if (!ready) return;
      ready = false;
      this.#lostAt ??= new Date();
    };
    subscriber.on("error", (error: Error) => {
      lost();
      this.#options.logger.warn({ err: error }, `${this.#options.name} subscriber connection error`);
    });
    subscriber.on("reconnecting", lost);
    // node-redis emits "ready" only after it has resubscribed every channel on the new socket, so a
    // state read from here on misses nothing published afterwards.
    subscriber.on("ready", () => {
      ready = true;
      const lostAt = this.#lostAt;
      this.#lostAt = undefined;
      if (!lostAt || this.#closed) return;
      const since = new Date(lostAt.getTime() - REDIS_CHANNEL_HUB_DEFAULTS.resyncLookbackMs);
      void this.#resync({ lostAt, restoredAt: new Date(), since });
    });
    await subscriber.connect();
    this.#subscriber = subscriber;
    return subscriber;
  }

  /** Delivers each listened channel's current state, read from its owner, after a gap. */
  async #resync(gap: ChannelGap): Promise<void> {
    const { resync, logger, name } = this.#options;
    const channels = [...this.#listeners.keys()];
    logger.warn(
      { lostAt: gap.lostAt, restoredAt: gap.restoredAt, channels: channels.length },
      `${name} subscriber reconnected; ${resync ? "resyncing its channels" : "events of the gap are lost"}`,
    );
    if (!resync) return;
    this.#resyncs++;
    const queue = [...channels];
    const workers = Array.from(
      { length: Math.min(REDIS_CHANNEL_HUB_DEFAULTS.resyncConcurrency, queue.length) },
      async () => {
        for (let channel = queue.shift(); channel !== undefined; channel = queue.shift()) {
          if (!this.#listeners.has(channel)) continue;
          try {
            for (const message of await resync(channel, gap)) this.#deliver(channel, message);
          } catch (error) {
            logger.warn({ err: error, channel }, `could not resync a ${name} channel after a gap`);
          }
        }
      },
    );
    await Promise.all(workers);
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
    this.#deliver(channel, message);
  }

  #deliver(channel: string, message: Message) {
    for (const listener of this.#listeners.get(channel) ?? []) listener(message);
  }
}
