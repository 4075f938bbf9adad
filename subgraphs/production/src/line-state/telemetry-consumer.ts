// The production subgraph's reader of the bridge's telemetry streams: one consumer group over
// every line's telemetry stream; each read's entries are applied together (applyTelemetryBatch)
// and acknowledged after they are committed.
import type { PrismaClient } from "@ms5/db";
import {
  type ConsumedEntry,
  type Logger,
  type RedisClient,
  StreamConsumer,
  type StreamConsumerSettings,
} from "@ms5/kit";
import { deadLetterStreamKey, streamKey } from "@ms5/schema";
import { applyTelemetryBatch } from "./apply-telemetry-batch.ts";
import { applyTelemetryEntry, type EquipmentRef, type LineStateChange } from "./apply-telemetry-entry.ts";
import { parseTelemetryEntry } from "./telemetry-entry.ts";

export const TELEMETRY_CONSUMER_GROUP = "production";

/** The telemetry consumer's own defaults over STREAM_CONSUMER_DEFAULTS. */
export const TELEMETRY_CONSUMER_DEFAULTS: Partial<StreamConsumerSettings> = {
  /** @default 500 entries per read: applied as one batch, so a larger read costs little more than a small one. */
  batchSize: 500,
};

export interface TelemetryConsumerOptions {
  prisma: PrismaClient;
  redis: RedisClient;
  logger: Logger;
  /** Unique per instance. */
  consumerName: string;
  keyPrefix?: string;
  settings?: Partial<StreamConsumerSettings>;
  /** Told about every committed change, e.g. to publish subscription events. */
  onChanges?: (changes: LineStateChange[]) => void;
  /** Told about every entry once its effect is committed (before it is acknowledged): lag measurements. */
  onApplied?: (entries: readonly ConsumedEntry[]) => void;
}

export async function startTelemetryConsumer(options: TelemetryConsumerOptions): Promise<StreamConsumer> {
  const { prisma, logger } = options;
  const keyPrefix = options.keyPrefix ?? "ms5:";
  const lines = await prisma.line.findMany({ where: { active: true }, select: { code: true } });
  const equipmentByCode = new Map<string, EquipmentRef>();

  async function equipmentRef(code: string): Promise<EquipmentRef> {
    const known = equipmentByCode.get(code);
    if (known) return known;
    const row = await prisma.equipment.findUnique({
      where: { code },
      select: { id: true, lineId: true, isConstraint: true, line: { select: { microStopThresholdSeconds: true } } },
    });
    if (!row) throw new Error(`equipment '${code}' is not in the plant model`);
    const ref = {
      id: row.id,
      lineId: row.lineId,
      isConstraint: row.isConstraint,
      microStopThresholdSeconds: row.line.microStopThresholdSeconds,
    };
    equipmentByCode.set(code, ref);
    return ref;
  }

  const consumer = new StreamConsumer({
    redis: options.redis,
    streams: lines.map((line) => streamKey(line.code, "telemetry", keyPrefix)),
    group: TELEMETRY_CONSUMER_GROUP,
    consumer: options.consumerName,
    deadLetterStream: deadLetterStreamKey(TELEMETRY_CONSUMER_GROUP, keyPrefix),
    logger,
    settings: { ...TELEMETRY_CONSUMER_DEFAULTS, ...options.settings },
    async handle(entry: ConsumedEntry) {
      const telemetry = parseTelemetryEntry(entry.fields);
      const changes = await applyTelemetryEntry(
        prisma,
        telemetry,
        { stream: entry.stream, id: entry.id, group: TELEMETRY_CONSUMER_GROUP },
        await equipmentRef(telemetry.equipment),
      );
      options.onApplied?.([entry]);
      if (changes.length > 0) options.onChanges?.(changes);
    },
    async handleBatch(entries: ConsumedEntry[]) {
      const batch = [];
      for (const entry of entries) {
        const telemetry = parseTelemetryEntry(entry.fields);
        batch.push({
          entry: telemetry,
          source: { stream: entry.stream, id: entry.id, group: TELEMETRY_CONSUMER_GROUP },
          equipment: await equipmentRef(telemetry.equipment),
        });
      }
      // State changes are announced as each commits, ahead of the batch's bulk inserts.
      const onChanges = options.onChanges;
      const changes = await applyTelemetryBatch(
        prisma,
        batch,
        onChanges ? { onStateChanges: (stateChanges) => onChanges(stateChanges) } : {},
      );
      options.onApplied?.(entries);
      if (changes.length > 0) options.onChanges?.(changes);
    },
  });
  await consumer.start();
  return consumer;
}
