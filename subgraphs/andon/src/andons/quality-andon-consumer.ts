// The andon subgraph's reader of the quality subgraph's andon requests (an overdue check, an
// out-of-spec measurement): its own consumer group over the plant's request stream; each entry
// raises a QUALITY andon in one transaction with its history and escalation, idempotent by entry id
// (a redelivered entry finds its andon by sourceStreamId and changes nothing). Quality never writes
// andon tables; this is the one place its requests become andons.
import type { AndonEvent, AndonPriority, PrismaClient } from "@ms5/db";
import {
  type ConsumedEntry,
  type Logger,
  type RedisClient,
  StreamConsumer,
  type StreamConsumerSettings,
  StreamEntryRejected,
} from "@ms5/kit";
import { deadLetterStreamKey, QUALITY_ANDON_REASONS, qualityAndonStreamKey, STREAM_SCHEMA_VERSION } from "@ms5/schema";
import type { AndonEventMessage } from "../andon-events/andon-event-message.ts";
import { ruleForAndon, startEscalation } from "../escalation/escalation-timers.ts";
import type { AndonRuntime } from "./andon-runtime.ts";

export const QUALITY_ANDON_CONSUMER_GROUP = "andon";

const PRIORITIES: readonly AndonPriority[] = ["LOW", "MEDIUM", "HIGH", "CRITICAL"];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface QualityAndonConsumerOptions {
  runtime: AndonRuntime;
  prisma: PrismaClient;
  redis: RedisClient;
  logger: Logger;
  consumerName: string;
  keyPrefix?: string;
  settings?: Partial<StreamConsumerSettings>;
  onRaised?: (andon: AndonEvent, duplicate: boolean) => void;
}

/** Raises the andon a request asks for; returns it, and whether an earlier delivery had raised it. */
export async function applyQualityAndonRequest(
  runtime: AndonRuntime,
  entry: ConsumedEntry,
): Promise<{ andon: AndonEvent; duplicate: boolean }> {
  const fields = entry.fields;
  if (fields.v !== STREAM_SCHEMA_VERSION) throw new StreamEntryRejected(`unknown stream schema version '${fields.v}'`);
  if (fields.type !== "quality-andon" || !(QUALITY_ANDON_REASONS as readonly string[]).includes(fields.reason ?? "")) {
    throw new StreamEntryRejected(`not a quality andon request: type '${fields.type}', reason '${fields.reason}'`);
  }
  const priority = fields.priority as AndonPriority;
  const at = new Date(Number(fields.ts));
  if (!UUID.test(fields.lineId ?? "") || !PRIORITIES.includes(priority) || Number.isNaN(at.getTime())) {
    throw new StreamEntryRejected("a quality andon request lacks a line, a priority or a time");
  }
  const equipmentId = fields.equipmentId && UUID.test(fields.equipmentId) ? fields.equipmentId : null;
  const sourceStreamId = `${entry.stream}/${entry.id}`;
  const { prisma } = runtime;
  const line = await prisma.line.findUnique({ where: { id: fields.lineId! }, select: { id: true } });
  if (!line) throw new StreamEntryRejected(`line ${fields.lineId} is not in the plant model`);
  const result = await prisma.$transaction(async (tx) => {
    const already = await tx.andonEvent.findUnique({ where: { sourceStreamId } });
    if (already) return { andon: already, duplicate: true, events: [] as AndonEventMessage[] };
    const note = (fields.note ?? "").slice(0, 2_000) || `Quality: ${fields.reason}`;
    const andon = await tx.andonEvent.create({
      data: {
        lineId: line.id,
        equipmentId,
        type: "QUALITY",
        priority,
        source: "QUALITY",
        note,
        raisedAt: at,
        sourceStreamId,
      },
    });
    await tx.andonEventHistory.create({
      data: {
        andonId: andon.id,
        fromStatus: null,
        toStatus: "OPEN",
        at,
        note: `quality ${fields.reason} (${fields.subjectId ?? ""})`,
      },
    });
    const rule = await ruleForAndon(tx, andon);
    const escalationId = rule ? await startEscalation(tx, andon.id, rule, "ACKNOWLEDGE", at, null) : null;
    const events: AndonEventMessage[] = [{ kind: "andon-raised", andonId: andon.id, lineId: andon.lineId }];
    if (escalationId)
      events.push({ kind: "escalation-updated", andonId: andon.id, lineId: andon.lineId, escalationId });
    return { andon, duplicate: false, events };
  });
  if (!result.duplicate) runtime.escalationsChanged();
  await runtime.publish(result.events);
  return { andon: result.andon, duplicate: result.duplicate };
}

export async function startQualityAndonConsumer(options: QualityAndonConsumerOptions): Promise<StreamConsumer> {
  const keyPrefix = options.keyPrefix ?? "ms5:";
  const consumer = new StreamConsumer({
    redis: options.redis,
    streams: [qualityAndonStreamKey(keyPrefix)],
    group: QUALITY_ANDON_CONSUMER_GROUP,
    consumer: options.consumerName,
    deadLetterStream: deadLetterStreamKey(`${QUALITY_ANDON_CONSUMER_GROUP}-quality`, keyPrefix),
    logger: options.logger,
    ...(options.settings ? { settings: options.settings } : {}),
    async handle(entry) {
      const { andon, duplicate } = await applyQualityAndonRequest(options.runtime, entry);
      options.onRaised?.(andon, duplicate);
    },
  });
  await consumer.start();
  return consumer;
}
