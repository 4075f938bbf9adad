// Publishes each committed line-state change to its line's pub/sub channel, so every instance of the
// subgraph can serve subscribers; OEE is recomputed for the current hour and published at most once
// per throttle interval per line.
import type { PrismaClient } from "@ms5/db";
import type { Logger, RedisClient } from "@ms5/kit";
import { DEFAULT_KEY_PREFIX } from "@ms5/schema";
import type { LineStateChange } from "../line-state/apply-telemetry-entry.ts";
import { recomputeOeeRecords } from "../oee-records/recompute-oee-records.ts";
import { LIVE_EVENT_DEFAULTS, type LiveEvent, type LiveEventSettings, liveEventChannel } from "./live-event.ts";
import { createPerKeyThrottle, type ThrottleClock } from "./per-key-throttle.ts";

const HOUR_MS = 3_600_000;

export interface LiveEventPublisherOptions {
  prisma: PrismaClient;
  /** Publishing needs no connection of its own: the caller's client is used. */
  redis: RedisClient;
  logger: Logger;
  /** @default "ms5:" */
  keyPrefix?: string;
  settings?: Partial<LiveEventSettings>;
  /** Times the OEE throttle; tests pass their own. @default the system clock */
  clock?: ThrottleClock;
}

export interface LiveEventPublisher {
  /** Fire and forget: a lost live event is logged, never retried (the database stays the truth). */
  publish(changes: readonly LineStateChange[]): void;
  /** Cancels pending OEE updates and waits for those under way. */
  close(): Promise<void>;
}

function liveEventOf(change: LineStateChange, now: Date): LiveEvent {
  switch (change.kind) {
    case "line-state":
      return { kind: change.kind, lineId: change.lineId, state: change.state, since: change.since.toISOString() };
    case "equipment-state":
      return {
        kind: change.kind,
        lineId: change.lineId,
        equipmentId: change.equipmentId,
        state: change.state,
        since: change.since.toISOString(),
      };
    case "downtime-started":
    case "downtime-ended":
      return {
        kind: change.kind,
        lineId: change.lineId,
        equipmentId: change.equipmentId,
        downtimeEventId: change.downtimeEventId,
      };
    case "counts":
      // A count change carries no PLC time of its own: `at` is when it was committed.
      return { ...change, at: now.toISOString() };
  }
}

export function createLiveEventPublisher(options: LiveEventPublisherOptions): LiveEventPublisher {
  const { prisma, redis, logger } = options;
  const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  const settings: LiveEventSettings = { ...LIVE_EVENT_DEFAULTS, ...options.settings };
  const constraintOfLine = new Map<string, string | null>();
  let closed = false;

  function send(event: LiveEvent): Promise<unknown> {
    return redis.publish(liveEventChannel(event.lineId, keyPrefix), JSON.stringify(event)).catch((error: unknown) => {
      logger.warn({ err: error, kind: event.kind, lineId: event.lineId }, "could not publish a live event");
    });
  }

  /** The line's OEE is its constraint's: recompute the current hour's bucket and publish the line record. */
  async function publishOee(lineId: string): Promise<void> {
    if (!constraintOfLine.has(lineId)) {
      const constraint = await prisma.equipment.findFirst({
        where: { lineId, isConstraint: true },
        select: { id: true },
      });
      constraintOfLine.set(lineId, constraint?.id ?? null);
    }
    const equipmentId = constraintOfLine.get(lineId);
    if (!equipmentId) return;
    const now = new Date();
    const from = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS);
    await recomputeOeeRecords(prisma, {
      equipmentId,
      from,
      to: new Date(from.getTime() + HOUR_MS),
      bucket: "HOUR",
      now,
    });
    const record = await prisma.oeeRecord.findFirst({
      where: { lineId, scope: "LINE", bucket: "HOUR", bucketStart: from },
      orderBy: { computedAt: "desc" },
      select: { id: true },
    });
    if (record) await send({ kind: "oee", lineId, oeeRecordId: record.id, at: now.toISOString() });
  }

  const oeeUpdates = createPerKeyThrottle({
    intervalMs: settings.oeeThrottleMs,
    clock: options.clock,
    run: (lineId) =>
      publishOee(lineId).catch((error: unknown) => {
        logger.warn({ err: error, lineId }, "could not recompute OEE for a live event");
      }),
  });

  return {
    publish(changes) {
      if (closed) return;
      const now = new Date();
      for (const change of changes) {
        void send(liveEventOf(change, now));
        oeeUpdates.request(change.lineId);
      }
    },
    async close() {
      closed = true;
      await oeeUpdates.close();
    },
  };
}
