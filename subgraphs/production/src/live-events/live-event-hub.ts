// One instance's side of live events: the kit's Redis channel hub (ONE subscriber connection,
// subscribed to a line's channel while anyone here listens to that line) over the lines' channels.
// After a gap in that connection each line's current state is read from the database and sent as
// ordinary events.
import type { PrismaClient } from "@ms5/db";
import { type ChannelGap, type Logger, RedisChannelHub, type RedisClient } from "@ms5/kit";
import { DEFAULT_KEY_PREFIX } from "@ms5/schema";
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
  /** Where a line's current state is read after a gap in the subscriber connection; none: no resync. */
  prisma?: PrismaClient;
}

export class LiveEventHub {
  readonly #hub: RedisChannelHub<LiveEvent>;
  readonly #keyPrefix: string;
  /** The line of each channel listened to here, for the resync. */
  readonly #lineOfChannel = new Map<string, string>();

  constructor(options: LiveEventHubOptions) {
    this.#keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    const { prisma } = options;
    this.#hub = new RedisChannelHub<LiveEvent>({
      redis: options.redis,
      logger: options.logger,
      name: "live event",
      parse: parseLiveEvent,
      maxQueuedPerListener: options.maxQueuedEventsPerSubscriber ?? LIVE_EVENT_DEFAULTS.maxQueuedEventsPerSubscriber,
      ...(prisma
        ? {
            resync: async (channel: string, gap: ChannelGap) => {
              const lineId = this.#lineOfChannel.get(channel);
              return lineId ? currentLineState(prisma, lineId, gap) : [];
            },
          }
        : {}),
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
    const channel = liveEventChannel(lineId, this.#keyPrefix);
    this.#lineOfChannel.set(channel, lineId);
    return this.#hub.messages(channel, (event) => wanted.has(event.kind));
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

/**
 * What a line's subscribers may have missed in a gap, as the events that would have told them: the
 * line's and each equipment's live state, its open stops, the stops and jobs changed since the gap
 * began, and its latest hourly OEE. Count deltas cannot be replayed; the OEE record carries totals.
 */
async function currentLineState(prisma: PrismaClient, lineId: string, gap: ChannelGap): Promise<LiveEvent[]> {
  const [line, equipment, downtimes, jobs, oee] = await Promise.all([
    prisma.lineLiveState.findUnique({ where: { lineId } }),
    prisma.equipmentLiveState.findMany({ where: { equipment: { lineId } } }),
    prisma.downtimeEvent.findMany({
      where: { lineId, OR: [{ endedAt: null, supersededAt: null }, { updatedAt: { gte: gap.since } }] },
      select: { id: true, equipmentId: true, endedAt: true, supersededAt: true },
      orderBy: { startedAt: "asc" },
      take: LIVE_EVENT_DEFAULTS.maxResyncedRowsPerKind,
    }),
    prisma.jobAssignment.findMany({
      where: { lineId, updatedAt: { gte: gap.since } },
      select: { id: true, assigneeId: true, status: true, updatedAt: true },
      orderBy: { updatedAt: "asc" },
      take: LIVE_EVENT_DEFAULTS.maxResyncedRowsPerKind,
    }),
    prisma.oeeRecord.findFirst({
      where: { lineId, scope: "LINE", bucket: "HOUR" },
      select: { id: true, computedAt: true },
      orderBy: { bucketStart: "desc" },
    }),
  ]);
  const events: LiveEvent[] = [];
  if (line) events.push({ kind: "line-state", lineId, state: line.state, since: line.since.toISOString() });
  for (const row of equipment) {
    events.push({
      kind: "equipment-state",
      lineId,
      equipmentId: row.equipmentId,
      state: row.state,
      since: row.since.toISOString(),
    });
  }
  for (const stop of downtimes) {
    const kind = stop.supersededAt ? "downtime-edited" : stop.endedAt ? "downtime-ended" : "downtime-started";
    events.push({ kind, lineId, equipmentId: stop.equipmentId, downtimeEventId: stop.id });
  }
  for (const job of jobs) {
    events.push({
      kind: "job",
      lineId,
      jobId: job.id,
      assigneeId: job.assigneeId,
      status: job.status,
      at: job.updatedAt.toISOString(),
    });
  }
  if (oee) events.push({ kind: "oee", lineId, oeeRecordId: oee.id, at: oee.computedAt.toISOString() });
  return events;
}
