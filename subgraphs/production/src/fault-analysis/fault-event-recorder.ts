// Production's record of every PLC fault bit: the kit's line-stream consumer with a group of its own
// over every active line's fault stream (andon reads the same streams in its group, for calls). A
// rising edge opens a fault_event, the falling edge of that bit closes it; fault analysis (faultEvents,
// faultStatistics, a stop's faultSequence) reads these rows. Each edge is one idempotent statement, so
// a redelivered entry changes nothing.
import type { PrismaClient } from "@ms5/db";
import {
  type Logger,
  type PlantFollowingSettings,
  type RedisClient,
  type StreamConsumer,
  type StreamConsumerSettings,
  startLineStreamConsumer,
} from "@ms5/kit";
import { type FaultEntry, parseStreamEntry } from "@ms5/schema/stream-entries";

export const FAULT_RECORDER_GROUP = "production-faults";

export interface FaultEventRecorderOptions {
  prisma: PrismaClient;
  redis: RedisClient;
  logger: Logger;
  /** Unique per instance and stable across its restarts. */
  consumerName: string;
  keyPrefix?: string;
  settings?: Partial<StreamConsumerSettings>;
  plantFollowing?: Partial<PlantFollowingSettings>;
}

/**
 * Opens the bit's fault event on a rising edge; a bit already open (the bridge restarted under a
 * standing fault and reported it again) keeps the event it has, and a redelivered entry is known by
 * its stream id. The catalog entry is looked up by the equipment's fault code.
 */
export async function recordFaultEdge(
  prisma: PrismaClient,
  fault: FaultEntry,
  equipmentId: string,
  sourceStreamId: string,
): Promise<"opened" | "closed" | "unchanged"> {
  if (fault.edge === "rising") {
    const opened = await prisma.$executeRaw`
      INSERT INTO fault_event (id, "equipmentId", "faultCatalogEntryId", "bitIndex", "faultCode", "risingAt", "isFirstOut", "sourceStreamId")
      SELECT gen_random_uuid(), ${equipmentId}::uuid,
             (SELECT c.id FROM fault_catalog_entry c
               WHERE c."equipmentId" = ${equipmentId}::uuid AND c."faultCode" = ${fault.faultCode} LIMIT 1),
             ${fault.bitIndex}, ${fault.faultCode}, ${fault.ts}, ${fault.firstOut}, ${sourceStreamId}
      WHERE NOT EXISTS (
        SELECT 1 FROM fault_event o
         WHERE o."equipmentId" = ${equipmentId}::uuid AND o."bitIndex" = ${fault.bitIndex} AND o."fallingAt" IS NULL)
      ON CONFLICT ("sourceStreamId") DO NOTHING`;
    return opened > 0 ? "opened" : "unchanged";
  }
  // A falling edge read before its rise (clocks of two reads a millisecond apart) still closes it.
  const closed = await prisma.$executeRaw`
    UPDATE fault_event SET "fallingAt" = greatest(${fault.ts}::timestamptz, "risingAt")
     WHERE "equipmentId" = ${equipmentId}::uuid AND "bitIndex" = ${fault.bitIndex} AND "fallingAt" IS NULL`;
  return closed > 0 ? "closed" : "unchanged";
}

export async function startFaultEventRecorder(options: FaultEventRecorderOptions): Promise<StreamConsumer> {
  const { prisma } = options;
  return startLineStreamConsumer<{ id: string }>({
    redis: options.redis,
    logger: options.logger,
    kind: "faults",
    group: FAULT_RECORDER_GROUP,
    consumerName: options.consumerName,
    ...(options.keyPrefix === undefined ? {} : { keyPrefix: options.keyPrefix }),
    ...(options.settings ? { settings: options.settings } : {}),
    ...(options.plantFollowing ? { plantFollowing: options.plantFollowing } : {}),
    activeLineCodes: async () =>
      (await prisma.line.findMany({ where: { active: true }, select: { code: true } })).map((line) => line.code),
    loadEquipment: (code) => prisma.equipment.findUnique({ where: { code }, select: { id: true } }),
    async handle(entry, { equipmentOf }) {
      const fault = parseStreamEntry("faults", entry.fields);
      const equipment = await equipmentOf(fault.equipment);
      await recordFaultEdge(prisma, fault, equipment.id, `${entry.stream}/${entry.id}`);
    },
  });
}
