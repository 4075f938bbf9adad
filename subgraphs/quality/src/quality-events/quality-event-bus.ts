// One instance's side of quality live events: publishes what this instance committed and listens on
// the plant's quality channel through the kit's Redis channel hub (one subscriber connection), fanning
// each message out to the GraphQL subscriptions that want it.
import { type Logger, RedisChannelHub, type RedisClient } from "@ms5/kit";
import {
  parseQualityEventMessage,
  type QualityEventKind,
  type QualityEventMessage,
  qualityEventChannel,
} from "./quality-event-message.ts";

/** @default 1,000 events: a subscriber further behind loses its oldest events. */
export const MAX_QUEUED_QUALITY_EVENTS = 1_000;

export interface QualityEventBusOptions {
  redis: RedisClient;
  logger: Logger;
  /** @default "ms5:" */
  keyPrefix?: string;
  onPublishFailure?: () => void;
}

export class QualityEventBus {
  readonly #hub: RedisChannelHub<QualityEventMessage>;
  readonly #channel: string;

  constructor(options: QualityEventBusOptions) {
    this.#channel = qualityEventChannel(options.keyPrefix);
    this.#hub = new RedisChannelHub<QualityEventMessage>({
      redis: options.redis,
      logger: options.logger,
      name: "quality event",
      parse: parseQualityEventMessage,
      maxQueuedPerListener: MAX_QUEUED_QUALITY_EVENTS,
      ...(options.onPublishFailure ? { onPublishFailure: options.onPublishFailure } : {}),
    });
  }

  get listenerCount(): number {
    return this.#hub.listenerCount;
  }

  /** After the caller's commit; a failed publish is logged and counted, never undoes the change. */
  async publish(events: readonly QualityEventMessage[]): Promise<void> {
    await Promise.all(events.map((event) => this.#hub.publish(this.#channel, event)));
  }

  events(
    kinds: readonly QualityEventKind[],
    filter: (event: QualityEventMessage) => boolean = () => true,
  ): Promise<AsyncIterableIterator<QualityEventMessage>> {
    const wanted = new Set(kinds);
    return this.#hub.messages(this.#channel, (event) => wanted.has(event.kind) && filter(event));
  }

  close(): Promise<void> {
    return this.#hub.close();
  }
}
