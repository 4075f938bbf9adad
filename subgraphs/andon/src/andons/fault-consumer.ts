// The andon subgraph's reader of the bridge's fault streams: its own consumer group over every
// line's fault stream; each rising edge becomes (or repeats) an andon in one transaction before the
// entry is acknowledged.
import type { PrismaClient } from "@ms5/db";
import {
  type ConsumedEntry,
  type Logger,
  type RedisClient,
  StreamConsumer,
  type StreamConsumerSettings,
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
  /** Unique per instance. */
  consumerName: string;
  keyPrefix?: string;
  settings?: Partial<StreamConsumerSettings>;
  onOutcome?: (outcome: FaultAndonOutcome) => void;
}

export async function startFaultConsumer(options: FaultConsumerOptions): Promise<StreamConsumer> {
  const { prisma, logger } = options;
  const keyPrefix = options.keyPrefix ?? "ms5:";
  const lines = await prisma.line.findMany({ where: { active: true }, select: { code: true } });
  const equipmentByCode = new Map<string, { id: string; lineId: string }>();

  async function equipmentOf(code: string) {
    const known = equipmentByCode.get(code);
    if (known) return known;
    const row = await prisma.equipment.findUnique({ where: { code }, select: { id: true, lineId: true } });
    if (!row) throw new Error(`equipment '${code}' is not in the plant model`);
    equipmentByCode.set(code, row);
    return row;
  }

  const consumer = new StreamConsumer({
    redis: options.redis,
    streams: lines.map((line) => streamKey(line.code, "faults", keyPrefix)),
    group: FAULT_CONSUMER_GROUP,
    consumer: options.consumerName,
    deadLetterStream: deadLetterStreamKey(FAULT_CONSUMER_GROUP, keyPrefix),
    logger,
    ...(options.settings ? { settings: options.settings } : {}),
    async handle(entry: ConsumedEntry) {
      const fields = entry.fields;
      if (fields.v !== STREAM_SCHEMA_VERSION) throw new Error(`unknown stream schema version '${fields.v}'`);
      if (fields.type !== "fault" || fields.edge !== "rising") {
        options.onOutcome?.("ignored");
        return;
      }
      const bitIndex = Number(fields.bitIndex);
      const ts = Number(fields.ts);
      if (!fields.equipment || !fields.faultCode || !Number.isInteger(bitIndex) || !Number.isFinite(ts)) {
        throw new Error("a fault entry lacks equipment, faultCode, bitIndex or ts");
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
      });
      options.onOutcome?.(outcome);
    },
  });
  await consumer.start();
  return consumer;
}
