// The quality subgraph's reader of the lines' telemetry streams (its own consumer group, `quality`):
// every check weigher weighing (`weight` entries; everything else is acknowledged and skipped)
// joins the pending subgroup of each live characteristic of its equipment; each full subgroup joins
// the chart, is judged by the run rules, and what it breaks is stored and published as spcViolation
// (the new subgroups themselves as spcSubgroupsAdded, so open charts move).
// Pending values and the last entry applied are committed with the subgroups they form, so a crash
// loses nothing and a redelivered entry (id at or below the last applied) changes nothing. Each
// characteristic's chart is kept in memory (live-chart-state.ts) so a batch is one statement; until
// the first limits are frozen, and after any conflict, a batch takes the locking path below instead.
import type { PrismaClient, SpcViolation } from "@ms5/db";
import {
  type ConsumedEntry,
  type Logger,
  PlantModelCache,
  type RedisClient,
  StreamConsumer,
  type StreamConsumerSettings,
  startFollowingPlant,
} from "@ms5/kit";
import { DEFAULT_KEY_PREFIX, deadLetterStreamKey, streamKey } from "@ms5/schema";
import { parseStreamEntry } from "@ms5/schema/stream-entries";
import type { QualityEventMessage } from "../quality-events/quality-event-message.ts";
import { isRunRule } from "../spc/run-rules.ts";
import { subgroupStatistics } from "../spc/subgroup-statistics.ts";
import {
  applyLiveBatch,
  type LiveCharacteristic,
  type LiveChartState,
  loadLiveChartState,
  streamIdAfter,
  type Weighing,
} from "./live-chart-state.ts";
import { type NewSubgroup, recordSubgroups } from "./spc-subgroups.ts";

export { streamIdAfter };

export const WEIGHT_CONSUMER_GROUP = "quality";

/** The signal a live characteristic names to be fed from `weight` entries. */
export const WEIGHT_SIGNAL = "weight";

export interface WeightConsumerOptions {
  prisma: PrismaClient;
  redis: RedisClient;
  logger: Logger;
  consumerName: string;
  keyPrefix?: string;
  settings?: Partial<StreamConsumerSettings>;
  publish: (events: readonly QualityEventMessage[]) => Promise<void>;
  /** Told about each batch applied, for tests and benchmarks. */
  onApplied?: (result: { weights: number; subgroups: number; violations: SpcViolation[] }) => void;
  /** How long an equipment's live characteristics are cached. @default 60000 */
  cacheTtlMs?: number;
}

/**
 * The weighing of a `weight` entry (null for entries of other types: acknowledged and skipped), by the
 * stream contract's one parser; a malformed entry throws StreamEntryRejected and is dead-lettered.
 */
function weighingOf(entry: ConsumedEntry): { equipment: string; weighing: Weighing | null } | null {
  if (entry.fields.type !== "weight") return null;
  const weight = parseStreamEntry("telemetry", entry.fields);
  if (weight.type !== "weight") return null;
  if (weight.quality === "bad") return { equipment: weight.equipment, weighing: null };
  const readAt = weight.ts.getTime();
  return { equipment: weight.equipment, weighing: { streamId: entry.id, value: weight.value, at: weight.ts, readAt } };
}

export async function startWeightConsumer(options: WeightConsumerOptions): Promise<StreamConsumer> {
  const { prisma, logger } = options;
  const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  const liveByEquipment = new PlantModelCache<LiveCharacteristic[]>(options.cacheTtlMs ?? 60_000);

  const liveCharacteristicsOf = (equipmentCode: string) =>
    liveByEquipment.get(equipmentCode, async () => {
      const rows = await prisma.qualityCharacteristic.findMany({
        where: {
          active: true,
          liveSignal: WEIGHT_SIGNAL,
          type: "VARIABLE",
          template: { active: true, equipment: { code: equipmentCode } },
        },
        select: {
          id: true,
          subgroupSize: true,
          spcRules: true,
          template: { select: { equipmentId: true, equipment: { select: { lineId: true } } } },
        },
      });
      return rows.map((row) => ({
        id: row.id,
        subgroupSize: row.subgroupSize,
        rules: row.spcRules.filter(isRunRule),
        equipmentId: row.template.equipmentId!,
        lineId: row.template.equipment!.lineId,
      }));
    });

  const states = new Map<string, LiveChartState>();

  /** One statement through the in-memory chart; the locking path when that cannot apply. */
  async function applyTo(characteristic: LiveCharacteristic, weighings: readonly Weighing[]) {
    let state = states.get(characteristic.id);
    if (!state) {
      state = await loadLiveChartState(prisma, characteristic.id);
      states.set(characteristic.id, state);
    }
    if (state.limits) {
      try {
        const outcome = await applyLiveBatch(prisma, characteristic, state, weighings);
        if (outcome.applied) return outcome;
      } catch (error) {
        // A subgroup another writer added between the guard and the insert (unique sequence).
        if ((error as { code?: string }).code !== "23505") throw error;
      }
    }
    states.delete(characteristic.id);
    const result = await applyLocked(characteristic, weighings);
    states.set(characteristic.id, await loadLiveChartState(prisma, characteristic.id));
    return result;
  }

  /** Applies one characteristic's weighings (oldest first) in one locking transaction; returns what it stored. */
  async function applyLocked(characteristic: LiveCharacteristic, weighings: readonly Weighing[]) {
    return prisma.$transaction(async (tx) => {
      await tx.$executeRaw`
        INSERT INTO spc_live_state ("characteristicId", "lastStreamId", "pendingValues", "updatedAt")
        VALUES (${characteristic.id}::uuid, '0-0', '{}', now()) ON CONFLICT DO NOTHING`;
      const [state] = await tx.$queryRaw<
        { lastStreamId: string; pendingValues: number[]; pendingFirstAt: Date | null }[]
      >`
        SELECT "lastStreamId", "pendingValues", "pendingFirstAt" FROM spc_live_state
        WHERE "characteristicId" = ${characteristic.id}::uuid FOR UPDATE`;
      const fresh = weighings.filter((w) => streamIdAfter(w.streamId, state!.lastStreamId));
      if (fresh.length === 0) return { subgroups: 0, violations: [] as SpcViolation[], readAt: 0 };
      const pending = [...state!.pendingValues];
      let firstAt = state!.pendingFirstAt;
      const subgroups: NewSubgroup[] = [];
      for (const weighing of fresh) {
        if (pending.length === 0) firstAt = weighing.at;
        pending.push(weighing.value);
        if (pending.length === characteristic.subgroupSize) {
          const stats = subgroupStatistics(pending);
          subgroups.push({
            characteristicId: characteristic.id,
            lineId: characteristic.lineId,
            equipmentId: characteristic.equipmentId,
            source: "LIVE",
            checkId: null,
            size: pending.length,
            values: [...pending],
            mean: stats.mean,
            range: stats.range,
            stdDev: stats.stdDev,
            nonconforming: null,
            inspected: null,
            firstAt: firstAt ?? weighing.at,
            lastAt: weighing.at,
          });
          pending.length = 0;
          firstAt = null;
        }
      }
      const recorded = await recordSubgroups(tx, characteristic.id, subgroups);
      await tx.spcLiveState.update({
        where: { characteristicId: characteristic.id },
        data: { lastStreamId: fresh[fresh.length - 1]!.streamId, pendingValues: pending, pendingFirstAt: firstAt },
      });
      return { subgroups: subgroups.length, violations: recorded.violations, readAt: fresh[fresh.length - 1]!.readAt };
    });
  }

  async function apply(entries: readonly ConsumedEntry[]) {
    const byCharacteristic = new Map<string, { characteristic: LiveCharacteristic; weighings: Weighing[] }>();
    let weights = 0;
    for (const entry of entries) {
      const parsed = weighingOf(entry);
      if (!parsed?.weighing) continue;
      weights++;
      for (const characteristic of await liveCharacteristicsOf(parsed.equipment)) {
        const group = byCharacteristic.get(characteristic.id) ?? { characteristic, weighings: [] };
        group.weighings.push(parsed.weighing);
        byCharacteristic.set(characteristic.id, group);
      }
    }
    let subgroups = 0;
    const violations: SpcViolation[] = [];
    const events: QualityEventMessage[] = [];
    for (const { characteristic, weighings } of byCharacteristic.values()) {
      const result = await applyTo(characteristic, weighings);
      subgroups += result.subgroups;
      violations.push(...result.violations);
      if (result.subgroups > 0) {
        events.push({
          kind: "spc-subgroups",
          characteristicId: characteristic.id,
          lineId: characteristic.lineId,
          count: result.subgroups,
        });
      }
      for (const v of result.violations) {
        events.push({
          kind: "spc-violation",
          violationId: v.id,
          lineId: characteristic.lineId,
          characteristicId: v.characteristicId,
          readAt: result.readAt,
        });
      }
    }
    if (events.length > 0) await options.publish(events);
    options.onApplied?.({ weights, subgroups, violations });
  }

  const consumer = new StreamConsumer({
    redis: options.redis,
    streams: [],
    listStreams: async () => {
      const lines = await prisma.line.findMany({ where: { active: true }, select: { code: true } });
      return lines.map((line) => streamKey(line.code, "telemetry", keyPrefix));
    },
    group: WEIGHT_CONSUMER_GROUP,
    consumer: options.consumerName,
    deadLetterStream: deadLetterStreamKey(WEIGHT_CONSUMER_GROUP, keyPrefix),
    logger,
    settings: { batchSize: 500, ...options.settings },
    handle: (entry) => apply([entry]),
    handleBatch: (entries) => apply(entries),
  });
  return startFollowingPlant(consumer, {
    redis: options.redis,
    keyPrefix,
    logger,
    forget: () => {
      liveByEquipment.clear();
      states.clear();
    },
  });
}
