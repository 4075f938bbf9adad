// One instance's side of andon live events: publishes what this instance committed, and listens on
// the plant's andon channel through the kit's Redis channel hub (ONE subscriber connection), fanning
// each message out in process to the GraphQL subscriptions that want it. After a gap in the
// subscriber connection it replays the current state from the database as ordinary events.
import type { PrismaClient } from "@ms5/db";
import { type ChannelGap, type Logger, RedisChannelHub, type RedisClient } from "@ms5/kit";
import {
  type AndonEventKind,
  type AndonEventMessage,
  andonEventChannel,
  parseAndonEventMessage,
} from "./andon-event-message.ts";

/** @default 1,000 events: a subscriber further behind loses its oldest events. */
export const MAX_QUEUED_ANDON_EVENTS = 1_000;

/**
 * @default 500 andons: after a gap, the open andons and those changed since the gap began are sent
 * again (newest change first), at most this many.
 */
export const MAX_RESYNCED_ANDONS = 500;

export interface AndonEventBusOptions {
  /** Publishes on it; duplicated once for the subscriber connection, which the bus closes. */
  redis: RedisClient;
  logger: Logger;
  /** @default "ms5:" */
  keyPrefix?: string;
  /** Told about each event that could not be published, e.g. for a metric. */
  onPublishFailure?: () => void;
  /** Where the current state is read after a gap in the subscriber connection; none: no resync. */
  prisma?: PrismaClient;
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
      ...(options.prisma ? { resync: currentAndonState(options.prisma) } : {}),
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

/**
 * What an andon subscriber may have missed in a gap, as the events that would have told it: every
 * andon not closed and every andon changed since the gap began (andon-updated; andon-raised too for
 * open ones changed since, which covers those raised in the gap), and their escalations
 * (escalation-updated). Subscribers read each row fresh, so they show the current state.
 */
function currentAndonState(prisma: PrismaClient) {
  return async (_channel: string, gap: ChannelGap): Promise<AndonEventMessage[]> => {
    const andons = await prisma.andonEvent.findMany({
      where: { OR: [{ status: { not: "CLOSED" } }, { updatedAt: { gte: gap.since } }] },
      select: { id: true, lineId: true, status: true, updatedAt: true },
      orderBy: { updatedAt: "desc" },
      take: MAX_RESYNCED_ANDONS,
    });
    const escalations = await prisma.escalation.findMany({
      where: { andonId: { in: andons.map((andon) => andon.id) } },
      select: { id: true, andonId: true },
    });
    const lineOf = new Map(andons.map((andon) => [andon.id, andon.lineId]));
    return [
      ...andons
        .filter((andon) => andon.status === "OPEN" && andon.updatedAt >= gap.since)
        .map((andon) => ({ kind: "andon-raised" as const, andonId: andon.id, lineId: andon.lineId })),
      ...andons.map((andon) => ({ kind: "andon-updated" as const, andonId: andon.id, lineId: andon.lineId })),
      ...escalations.map((escalation) => ({
        kind: "escalation-updated" as const,
        andonId: escalation.andonId,
        lineId: lineOf.get(escalation.andonId)!,
        escalationId: escalation.id,
      })),
    ];
  };
}
