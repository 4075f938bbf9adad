// One instance's side of andon live events: publishes what this instance committed, and holds ONE
// Redis subscriber connection on the plant's andon channel, fanning each message out in process to
// the GraphQL subscriptions that want it.
import type { Logger, RedisClient } from "@ms5/kit";
import {
  type AndonEventKind,
  type AndonEventMessage,
  andonEventChannel,
  parseAndonEventMessage,
} from "./andon-event-message.ts";

/** @default 1,000 events: a subscriber further behind loses its oldest events. */
export const MAX_QUEUED_ANDON_EVENTS = 1_000;

export interface AndonEventBusOptions {
  /** Publishes on it; duplicated once for the subscriber connection, which the bus closes. */
  redis: RedisClient;
  logger: Logger;
  /** @default "ms5:" */
  keyPrefix?: string;
}

type Listener = (event: AndonEventMessage) => void;

export class AndonEventBus {
  readonly #options: AndonEventBusOptions;
  readonly #channel: string;
  readonly #listeners = new Set<Listener>();
  readonly #finishers = new Set<() => void>();
  #subscribing: Promise<RedisClient> | undefined;
  #closed = false;

  constructor(options: AndonEventBusOptions) {
    this.#options = options;
    this.#channel = andonEventChannel(options.keyPrefix);
  }

  /** Subscriptions listening on this instance, for tests and metrics. */
  get listenerCount(): number {
    return this.#listeners.size;
  }

  /** Publishes after the caller's commit; a failed publish is logged, never undoes the change. */
  async publish(events: readonly AndonEventMessage[]): Promise<void> {
    for (const event of events) {
      try {
        await this.#options.redis.publish(this.#channel, JSON.stringify(event));
      } catch (error) {
        this.#options.logger.warn({ err: error, event }, "could not publish an andon event");
      }
    }
  }

  /** Events of these kinds that pass `filter`, as an async iterator; resolves once subscribed. */
  async events(
    kinds: readonly AndonEventKind[],
    filter: (event: AndonEventMessage) => boolean = () => true,
  ): Promise<AsyncIterableIterator<AndonEventMessage>> {
    if (this.#closed) throw new Error("the andon event bus is closed");
    const wanted = new Set(kinds);
    const queue: AndonEventMessage[] = [];
    const waiting: ((result: IteratorResult<AndonEventMessage>) => void)[] = [];
    let finished = false;
    const listener: Listener = (event) => {
      if (finished || !wanted.has(event.kind) || !filter(event)) return;
      const next = waiting.shift();
      if (next) next({ value: event, done: false });
      else {
        queue.push(event);
        if (queue.length > MAX_QUEUED_ANDON_EVENTS) queue.shift();
      }
    };
    const finish = () => {
      if (finished) return;
      finished = true;
      this.#listeners.delete(listener);
      this.#finishers.delete(finish);
      for (const next of waiting.splice(0)) next({ value: undefined, done: true });
    };
    this.#listeners.add(listener);
    this.#finishers.add(finish);
    try {
      await this.#subscribed();
    } catch (error) {
      finish();
      throw error;
    }
    // By hand, not an async generator: a generator cannot be returned while it awaits.
    const iterator: AsyncIterableIterator<AndonEventMessage> = {
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
    const subscribing = this.#subscribing;
    this.#subscribing = undefined;
    const subscriber = await subscribing?.catch(() => undefined);
    subscriber?.destroy();
  }

  /** The one subscriber connection, subscribed for the life of the bus once anyone listened. */
  #subscribed(): Promise<RedisClient> {
    this.#subscribing ??= (async () => {
      const subscriber = this.#options.redis.duplicate();
      subscriber.on("error", (error: Error) =>
        this.#options.logger.warn({ err: error }, "andon event subscriber connection error"),
      );
      await subscriber.connect();
      await subscriber.subscribe(this.#channel, (message) => this.#dispatch(message));
      return subscriber;
    })();
    this.#subscribing.catch(() => {
      this.#subscribing = undefined;
    });
    return this.#subscribing;
  }

  #dispatch(message: string) {
    const event = parseAndonEventMessage(message);
    if (!event) {
      this.#options.logger.warn("ignored a malformed andon event");
      return;
    }
    for (const listener of this.#listeners) listener(event);
  }
}

/** Each Redis client's bus: subscription resolvers find theirs through `context.redis`. */
const buses = new WeakMap<RedisClient, AndonEventBus>();

export function registerAndonEventBus(redis: RedisClient, bus: AndonEventBus): void {
  buses.set(redis, bus);
}

export function unregisterAndonEventBus(redis: RedisClient, bus: AndonEventBus): void {
  if (buses.get(redis) === bus) buses.delete(redis);
}

export function andonEventBusOf(redis: RedisClient): AndonEventBus | undefined {
  return buses.get(redis);
}
