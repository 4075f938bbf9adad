// The production subgraph's reader of the bridge's telemetry streams: the kit's line-stream consumer
// (one consumer group over every active line's telemetry stream, equipment cache, dead letters,
// plant following); each read's entries are applied together (applyTelemetryBatch) and acknowledged
// after they are committed.
import type { PrismaClient } from "@ms5/db";
import {
  type ConsumedEntry,
  type Logger,
  type PlantFollowingSettings,
  type RedisClient,
  type StreamConsumer,
  type StreamConsumerSettings,
  startLineStreamConsumer,
} from "@ms5/kit";
import { streamKey } from "@ms5/schema";
import { parseStreamEntry } from "@ms5/schema/stream-entries";
import { applyTelemetryBatch } from "./apply-telemetry-batch.ts";
import { applyTelemetryEntry, type LineStateChange, type TelemetryEquipment } from "./apply-telemetry-entry.ts";

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
  const { prisma } = options;
  return startLineStreamConsumer<TelemetryEquipment>({
    redis: options.redis,
    logger: options.logger,
    kind: "telemetry",
    group: TELEMETRY_CONSUMER_GROUP,
    consumerName: options.consumerName,
    ...(options.keyPrefix === undefined ? {} : { keyPrefix: options.keyPrefix }),
    settings: { ...TELEMETRY_CONSUMER_DEFAULTS, ...options.settings },
    ...(options.plantFollowing ? { plantFollowing: options.plantFollowing } : {}),
    activeLineCodes: async () =>
      (await prisma.line.findMany({ where: { active: true }, select: { code: true }, orderBy: { code: "asc" } })).map(
        (line) => line.code,
      ),
    // The micro-stop threshold and the constraint flag decide live classification: never kept longer
    // than the plant-following cache allows, and dropped at once when a plant change is announced.
    loadEquipment: async (code) => {
      const row = await prisma.equipment.findUnique({
        where: { code },
        select: { id: true, lineId: true, isConstraint: true, line: { select: { microStopThresholdSeconds: true } } },
      });
      return row
        ? {
            id: row.id,
            lineId: row.lineId,
            isConstraint: row.isConstraint,
            microStopThresholdSeconds: row.line.microStopThresholdSeconds,
          }
        : null;
    },
    async handle(entry, { equipmentOf }) {
      const telemetry = parseStreamEntry("telemetry", entry.fields);
      // Check-weigher weights are the quality subgraph's (its own consumer group): acknowledged here.
      if (telemetry.type === "weight") return;
      const changes = await applyTelemetryEntry(
        prisma,
        telemetry,
        { stream: entry.stream, id: entry.id, group: TELEMETRY_CONSUMER_GROUP },
        await equipmentOf(telemetry.equipment),
      );
      options.onApplied?.([entry]);
      if (changes.length > 0) options.onChanges?.(changes);
    },
    async handleBatch(entries, { equipmentOf }) {
      const batch = [];
      for (const entry of entries) {
        const telemetry = parseStreamEntry("telemetry", entry.fields);
        if (telemetry.type === "weight") continue;
        batch.push({
          entry: telemetry,
          source: { stream: entry.stream, id: entry.id, group: TELEMETRY_CONSUMER_GROUP },
          equipment: await equipmentOf(telemetry.equipment),
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
}
