// Production's reader of the quality subgraph's scrap notices (its own consumer group over the
// plant's scrap stream): each recomputes, from the event log, the OEE buckets of the hour the units
// were made (the definition of what scrap does lives in oee/scrap-adjustment.ts), then publishes
// oeeUpdated for the line with that hour's record. Recomputing is idempotent, so a redelivered notice
// is harmless.
import type { PrismaClient } from "@ms5/db";
import {
  type ConsumedEntry,
  type Logger,
  type RedisClient,
  StreamConsumer,
  type StreamConsumerSettings,
  StreamEntryRejected,
} from "@ms5/kit";
import { deadLetterStreamKey, STREAM_SCHEMA_VERSION, scrapStreamKey } from "@ms5/schema";
import { recomputeAffectedOeeBuckets } from "../downtime-history/affected-oee-buckets.ts";
import { type LiveEvent, liveEventChannel } from "../live-events/live-event.ts";

export const SCRAP_CONSUMER_GROUP = "production";

const HOUR_MS = 3_600_000;

export interface ScrapOeeConsumerOptions {
  prisma: PrismaClient;
  redis: RedisClient;
  logger: Logger;
  consumerName: string;
  keyPrefix?: string;
  /** Prefix of the live event channels. @default keyPrefix */
  liveEventPrefix?: string;
  settings?: Partial<StreamConsumerSettings>;
  onRecomputed?: (result: { lineId: string; equipmentId: string; hourStart: Date }) => void;
}

export async function applyScrapNotice(
  prisma: PrismaClient,
  entry: ConsumedEntry,
  now: Date,
): Promise<{ lineId: string; equipmentId: string; hourStart: Date; isConstraint: boolean }> {
  const fields = entry.fields;
  if (fields.v !== STREAM_SCHEMA_VERSION || fields.type !== "scrap-recorded") {
    throw new StreamEntryRejected(`not a scrap notice: version '${fields.v}', type '${fields.type}'`);
  }
  const madeAt = new Date(Number(fields.madeAt));
  if (!fields.equipmentId || Number.isNaN(madeAt.getTime()))
    throw new StreamEntryRejected("a scrap notice lacks equipment or madeAt");
  const equipment = await prisma.equipment.findUnique({
    where: { id: fields.equipmentId },
    select: { id: true, lineId: true, isConstraint: true },
  });
  if (!equipment) throw new StreamEntryRejected(`equipment ${fields.equipmentId} is not in the plant model`);
  await prisma.$transaction((tx) =>
    recomputeAffectedOeeBuckets(tx, equipment.id, [{ start: madeAt, end: new Date(madeAt.getTime() + 1) }], now),
  );
  const hourStart = new Date(Math.floor(madeAt.getTime() / HOUR_MS) * HOUR_MS);
  return { lineId: equipment.lineId, equipmentId: equipment.id, hourStart, isConstraint: equipment.isConstraint };
}

export async function startScrapOeeConsumer(options: ScrapOeeConsumerOptions): Promise<StreamConsumer> {
  const keyPrefix = options.keyPrefix ?? "ms5:";
  const liveEventPrefix = options.liveEventPrefix ?? keyPrefix;
  const { prisma, redis, logger } = options;
  const consumer = new StreamConsumer({
    redis,
    streams: [scrapStreamKey(keyPrefix)],
    group: SCRAP_CONSUMER_GROUP,
    consumer: options.consumerName,
    deadLetterStream: deadLetterStreamKey(`${SCRAP_CONSUMER_GROUP}-scrap`, keyPrefix),
    logger,
    ...(options.settings ? { settings: options.settings } : {}),
    async handle(entry) {
      const now = new Date();
      const applied = await applyScrapNotice(prisma, entry, now);
      options.onRecomputed?.(applied);
      if (!applied.isConstraint) return;
      // The line's record of that hour: the line makes what its constraint makes.
      const record = await prisma.oeeRecord.findFirst({
        where: { subjectKey: `LINE:${applied.lineId}:*`, bucket: "HOUR", bucketStart: applied.hourStart },
        select: { id: true },
      });
      if (!record) return;
      const event: LiveEvent = { kind: "oee", lineId: applied.lineId, oeeRecordId: record.id, at: now.toISOString() };
      await redis
        .publish(liveEventChannel(applied.lineId, liveEventPrefix), JSON.stringify(event))
        .catch((error: unknown) => {
          logger.warn({ err: error, lineId: applied.lineId }, "could not publish oeeUpdated after scrap");
        });
    },
  });
  await consumer.start();
  return consumer;
}
