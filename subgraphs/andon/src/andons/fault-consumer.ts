// The andon subgraph's reader of the bridge's fault streams: the kit's line-stream consumer with its
// own consumer group over every active line's fault stream (lines added later join on a plant change
// or the periodic rescan); each rising edge becomes (or repeats) an andon in one transaction before
// the entry is acknowledged.
import type { PrismaClient } from "@ms5/db";
import {
  type Logger,
  type PlantFollowingSettings,
  type RedisClient,
  type StreamConsumer,
  type StreamConsumerSettings,
  startLineStreamConsumer,
} from "@ms5/kit";
import { parseStreamEntry } from "@ms5/schema/stream-entries";
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
  const { prisma } = options;
  return startLineStreamConsumer<{ id: string; lineId: string }>({
    redis: options.redis,
    logger: options.logger,
    kind: "faults",
    group: FAULT_CONSUMER_GROUP,
    consumerName: options.consumerName,
    ...(options.keyPrefix === undefined ? {} : { keyPrefix: options.keyPrefix }),
    ...(options.settings ? { settings: options.settings } : {}),
    ...(options.plantFollowing ? { plantFollowing: options.plantFollowing } : {}),
    activeLineCodes: async () =>
      (await prisma.line.findMany({ where: { active: true }, select: { code: true } })).map((line) => line.code),
    loadEquipment: (code) => prisma.equipment.findUnique({ where: { code }, select: { id: true, lineId: true } }),
    async handle(entry, { equipmentOf }) {
      const fault = parseStreamEntry("faults", entry.fields);
      if (fault.edge !== "rising") {
        options.onOutcome?.("ignored");
        return;
      }
      const equipment = await equipmentOf(fault.equipment);
      const { outcome } = await applyFaultRise(options.runtime, {
        streamEntryId: entry.id,
        stream: entry.stream,
        equipmentId: equipment.id,
        lineId: equipment.lineId,
        faultCode: fault.faultCode,
        faultText: fault.faultText,
        bitIndex: fault.bitIndex,
        at: fault.ts,
        foundAtStart: fault.atStart,
      });
      options.onOutcome?.(outcome);
    },
  });
}
