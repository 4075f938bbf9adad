// One instance's side of andon live events: publishes what this instance committed, and listens on
// the plant's andon channel through the kit's Redis channel hub (ONE subscriber connection), fanning
// each message out in process to the GraphQL subscriptions that want it.
import { type Logger, perRedisClient, RedisChannelHub, type RedisClient } from "@ms5/kit";
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
  /** Told about each event that could not be published, e.g. for a metric. */
  onPublishFailure?: () => void;
}

export class AndonEventBus {
  readonly #hub: RedisChannelHub<AndonEventMessage>;
  readonly #channel: string;

  constructor(options: AndonEventBusOptions) {
    this.#channel = andonEventChannel(options.keyPrefix);
    this.#hub = new RedisChannelHub<AndonEventMessage>({
      redis: options.redis,
      logger: options.logger,
      name: "andon event",
      parse: parseAndonEventMessage,
      maxQueuedPerListener: MAX_QUEUED_ANDON_EVENTS,
      ...(options.onPublishFailure ? { onPublishFailure: options.onPublishFailure } : {}),
    });
  }

  /** Subscriptions listening on this instance, for tests and metrics. */
  get listenerCount(): number {
    return this.#hub.listenerCount;
  }

  /**
   * Publishes after the caller's commit; a failed publish is logged and counted, never undoes the
   * change. All at once (in order on the one connection), so a hanging Redis costs one timeout.
   */
  async publish(events: readonly AndonEventMessage[]): Promise<void> {
    await Promise.all(events.map((event) => this.#hub.publish(this.#channel, event)));
  }

  /** Events of these kinds that pass `filter`, as an async iterator; resolves once subscribed. */
  events(
    kinds: readonly AndonEventKind[],
    filter: (event: AndonEventMessage) => boolean = () => true,
  ): Promise<AsyncIterableIterator<AndonEventMessage>> {
    const wanted = new Set(kinds);
    return this.#hub.messages(this.#channel, (event) => wanted.has(event.kind) && filter(event));
  }

  /** Ends every subscription and closes the subscriber connection. */
  close(): Promise<void> {
    return this.#hub.close();
  }
}

/** Each Redis client's bus: subscription resolvers find theirs through `context.redis`. */
const buses = perRedisClient<AndonEventBus>();
export const registerAndonEventBus = buses.register;
export const unregisterAndonEventBus = buses.unregister;
export const andonEventBusOf = buses.of;
