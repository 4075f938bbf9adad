// The production subgraph's reader of the bridge's telemetry streams: one consumer group over
// every active line's telemetry stream (lines added later join on a plant change or the periodic
// rescan); each read's entries are applied together (applyTelemetryBatch) and acknowledged after
// they are committed.
import type { PrismaClient } from "@ms5/db";
import {
  type ConsumedEntry,
  type Logger,
  PLANT_FOLLOWING_DEFAULTS,
  type PlantFollowingSettings,
  PlantModelCache,
  type RedisClient,
  StreamConsumer,
  type StreamConsumerSettings,
  StreamEntryRejected,
  startFollowingPlant,
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
  /** Unique per instance and stable across its restarts. */
  consumerName: string;
  keyPrefix?: string;
  settings?: Partial<StreamConsumerSettings>;
  /** How long equipment and line settings are cached at most. @default PLANT_FOLLOWING_DEFAULTS */
  plantFollowing?: Partial<PlantFollowingSettings>;
  /** Told about every committed change, e.g. to publish subscription events. */
  onChanges?: (changes: LineStateChange[]) => void;
  /** Told about every entry once its effect is committed (before it is acknowledged): lag measurements. */
  onApplied?: (entries: readonly ConsumedEntry[]) => void;
}

/** The telemetry streams of every active line. */
/** A check weigher's weighing: charted by the quality subgraph, nothing production records. */
function isWeightEntry(entry: ConsumedEntry): boolean {
  return entry.fields.type === "weight";
}

export async function activeLineStreams(
  prisma: PrismaClient,
  kinds: readonly ("telemetry" | "faults")[],
  keyPrefix: string,
): Promise<string[]> {
  const lines = await prisma.line.findMany({
    where: { active: true },
    select: { code: true },
    orderBy: { code: "asc" },
  });
  return lines.flatMap((line) => kinds.map((kind) => streamKey(line.code, kind, keyPrefix)));
}

export async function startTelemetryConsumer(options: TelemetryConsumerOptions): Promise<StreamConsumer> {
  const { prisma, logger } = options;
  const keyPrefix = options.keyPrefix ?? "ms5:";
  const { cacheTtlMs } = { ...PLANT_FOLLOWING_DEFAULTS, ...options.plantFollowing };
  // The micro-stop threshold and the constraint flag decide live classification: never kept longer
  // than cacheTtlMs, and dropped at once when a plant change is announced.
  const equipmentByCode = new PlantModelCache<EquipmentRef>(cacheTtlMs);

  function equipmentRef(code: string): Promise<EquipmentRef> {
    return equipmentByCode.get(code, async () => {
      const row = await prisma.equipment.findUnique({
        where: { code },
        select: { id: true, lineId: true, isConstraint: true, line: { select: { microStopThresholdSeconds: true } } },
      });
      if (!row) throw new StreamEntryRejected(`equipment '${code}' is not in the plant model`);
      return {
        id: row.id,
        lineId: row.lineId,
        isConstraint: row.isConstraint,
        microStopThresholdSeconds: row.line.microStopThresholdSeconds,
      };
    });
  }

  const consumer = new StreamConsumer({
    redis: options.redis,
    streams: [],
    listStreams: () => activeLineStreams(prisma, ["telemetry"], keyPrefix),
    group: TELEMETRY_CONSUMER_GROUP,
    consumer: options.consumerName,
    deadLetterStream: deadLetterStreamKey(TELEMETRY_CONSUMER_GROUP, keyPrefix),
    logger,
    settings: { ...TELEMETRY_CONSUMER_DEFAULTS, ...options.settings },
    async handle(entry: ConsumedEntry) {
      // Check-weigher weights are the quality subgraph's (its own consumer group): acknowledged here.
      if (isWeightEntry(entry)) return;
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
        if (isWeightEntry(entry)) continue;
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
  return startFollowingPlant(consumer, {
    redis: options.redis,
    keyPrefix,
    logger,
    forget: () => equipmentByCode.clear(),
  });
}
