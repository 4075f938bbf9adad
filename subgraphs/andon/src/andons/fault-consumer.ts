// The andon subgraph's reader of the bridge's fault streams: its own consumer group over every
// active line's fault stream (lines added later join on a plant change or the periodic rescan);
// each rising edge becomes (or repeats) an andon in one transaction before the entry is acknowledged.
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
import { deadLetterStreamKey, STREAM_SCHEMA_VERSION, streamKey } from "@ms5/schema";
import type { AndonRuntime } from "./andon-runtime.ts";
import { applyFaultRise, type FaultAndonOutcome } from "./fault-andons.ts";

export const FAULT_CONSUMER_GROUP = "andon";

export interface FaultConsumerOptions {
  runtime: AndonRuntime;
  prisma: PrismaClient;
  redis: RedisClient;
  logger: Logger;
  /** Unique per instance and stable across its restarts. */
  consumerName: string;
  keyPrefix?: string;
  settings?: Partial<StreamConsumerSettings>;
  /** How long equipment is cached at most. @default PLANT_FOLLOWING_DEFAULTS */
  plantFollowing?: Partial<PlantFollowingSettings>;
  onOutcome?: (outcome: FaultAndonOutcome) => void;
}

export async function startFaultConsumer(options: FaultConsumerOptions): Promise<StreamConsumer> {
  const { prisma, logger } = options;
  const keyPrefix = options.keyPrefix ?? "ms5:";
  const { cacheTtlMs } = { ...PLANT_FOLLOWING_DEFAULTS, ...options.plantFollowing };
  const equipmentByCode = new PlantModelCache<{ id: string; lineId: string }>(cacheTtlMs);

  function equipmentOf(code: string) {
    return equipmentByCode.get(code, async () => {
      const row = await prisma.equipment.findUnique({ where: { code }, select: { id: true, lineId: true } });
      if (!row) throw new StreamEntryRejected(`equipment '${code}' is not in the plant model`);
      return row;
    });
  }

  const consumer = new StreamConsumer({
    redis: options.redis,
    streams: [],
    listStreams: async () => {
      const lines = await prisma.line.findMany({ where: { active: true }, select: { code: true } });
      return lines.map((line) => streamKey(line.code, "faults", keyPrefix));
    },
    group: FAULT_CONSUMER_GROUP,
    consumer: options.consumerName,
    deadLetterStream: deadLetterStreamKey(FAULT_CONSUMER_GROUP, keyPrefix),
    logger,
    ...(options.settings ? { settings: options.settings } : {}),
    async handle(entry: ConsumedEntry) {
      const fields = entry.fields;
      if (fields.v !== STREAM_SCHEMA_VERSION) {
        throw new StreamEntryRejected(`unknown stream schema version '${fields.v}'`);
      }
      if (fields.type !== "fault" || fields.edge !== "rising") {
        options.onOutcome?.("ignored");
        return;
      }
      const bitIndex = Number(fields.bitIndex);
      const ts = Number(fields.ts);
      if (!fields.equipment || !fields.faultCode || !Number.isInteger(bitIndex) || !Number.isFinite(ts)) {
        throw new StreamEntryRejected("a fault entry lacks equipment, faultCode, bitIndex or ts");
      }
      const equipment = await equipmentOf(fields.equipment);
      const { outcome } = await applyFaultRise(options.runtime, {
        streamEntryId: entry.id,
        stream: entry.stream,
        equipmentId: equipment.id,
        lineId: equipment.lineId,
        faultCode: fields.faultCode,
        faultText: fields.faultText ?? "",
        bitIndex,
        at: new Date(ts),
        foundAtStart: fields.atStart === "true",
      });
      options.onOutcome?.(outcome);
    },
  });
  return startFollowingPlant(consumer, {
    redis: options.redis,
    keyPrefix,
    logger,
    forget: () => equipmentByCode.clear(),
  });
}
