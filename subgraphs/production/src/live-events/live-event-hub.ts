// One instance's side of live events: the kit's Redis channel hub (ONE subscriber connection,
// subscribed to a line's channel while anyone here listens to that line) over the lines' channels.
import { type Logger, perRedisClient, RedisChannelHub, type RedisClient } from "@ms5/kit";
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

export class LiveEventHub {
  readonly #hub: RedisChannelHub<LiveEvent>;
  readonly #keyPrefix: string;

  constructor(options: LiveEventHubOptions) {
    this.#keyPrefix = options.keyPrefix ?? "ms5:";
    this.#hub = new RedisChannelHub<LiveEvent>({
      redis: options.redis,
      logger: options.logger,
      name: "live event",
      parse: parseLiveEvent,
      maxQueuedPerListener: options.maxQueuedEventsPerSubscriber ?? LIVE_EVENT_DEFAULTS.maxQueuedEventsPerSubscriber,
    });
  }

  /** Channels this instance is subscribed to, for tests and metrics. */
  get channelCount(): number {
    return this.#hub.channelCount;
  }

  /**
   * The line's events of the given kinds, as an async iterator for a subscription resolver; resolves
   * once the Redis subscription is in place. Returning the iterator stops listening.
   */
  events(lineId: string, kinds: readonly LiveEventKind[]): Promise<AsyncIterableIterator<LiveEvent>> {
    const wanted = new Set(kinds);
    return this.#hub.messages(liveEventChannel(lineId, this.#keyPrefix), (event) => wanted.has(event.kind));
  }

  /**
   * Publishes a change committed outside the telemetry consumer (a job transition, an edited stop)
   * to its line's channel, for every instance's subscribers. A lost event is logged; the database
   * stays the truth.
   */
  publish(event: LiveEvent): Promise<void> {
    return this.#hub.publish(liveEventChannel(event.lineId, this.#keyPrefix), event);
  }

  /** Ends every iterator (their subscriptions complete) and closes the subscriber connection. */
  close(): Promise<void> {
    return this.#hub.close();
  }
}

/** Each Redis client's hub: subscription resolvers find theirs through `context.redis`. */
const hubs = perRedisClient<LiveEventHub>();
export const registerLiveEventHub = hubs.register;
export const unregisterLiveEventHub = hubs.unregister;
export const liveEventHubOf = hubs.of;
