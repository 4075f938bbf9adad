// The live chart of one characteristic held in memory by the weight consumer: its place in the
// stream, the subgroup being formed, the last sequence, the frozen limits and the rule window. A
// batch of weighings is judged here and committed in ONE statement (state, subgroups and violations
// together) guarded by what this memory assumed: the stream position, the limits still current and
// no subgroup added by anyone else. When the guard fails (another instance, a manual check, new
// limits) nothing is written and the caller falls back to the locking path and reloads. The
// database stays the durable record: memory is rebuilt from it on start and after every conflict.
import { randomUUID } from "node:crypto";
import { type DbClient, type PrismaClient, runHotStatement, type SpcControlLimits, type SpcViolation } from "@ms5/db";
import { type ChartSubgroup, type FrozenLimits, plotPoints, pointViolations } from "../spc/control-chart.ts";
import { LONGEST_RUN_RULE_WINDOW, type RunRule } from "../spc/run-rules.ts";
import { subgroupStatistics } from "../spc/subgroup-statistics.ts";
import { chartSubgroupOf, frozenLimitsOf } from "./spc-subgroups.ts";

export interface LiveCharacteristic {
  id: string;
  lineId: string;
  equipmentId: string;
  subgroupSize: number;
  rules: RunRule[];
}

export interface Weighing {
  streamId: string;
  value: number;
  at: Date;
  readAt: number;
}

/** Redis stream ids compared as (milliseconds, sequence). */
export function streamIdAfter(id: string, than: string): boolean {
  const [ms, seq] = id.split("-").map(BigInt) as [bigint, bigint];
  const [thanMs, thanSeq] = than.split("-").map(BigInt) as [bigint, bigint];
  return ms > thanMs || (ms === thanMs && seq > thanSeq);
}

export interface LiveChartState {
  lastStreamId: string;
  pendingValues: number[];
  pendingFirstAt: Date | null;
  lastSequence: number;
  /** Null until the initial baseline is frozen (that path locks and runs in the database). */
  limits: { row: SpcControlLimits; frozen: FrozenLimits } | null;
  /** The newest subgroups, oldest first: the history the run rules need. */
  window: ChartSubgroup[];
}

/** Reads a characteristic's live state from the database (a few queries; at start and after a conflict). */
export async function loadLiveChartState(prisma: PrismaClient, characteristicId: string): Promise<LiveChartState> {
  await prisma.$executeRaw`
    INSERT INTO spc_live_state ("characteristicId", "lastStreamId", "pendingValues", "updatedAt")
    VALUES (${characteristicId}::uuid, '0-0', '{}', now()) ON CONFLICT DO NOTHING`;
  const [state, limits, recent] = await Promise.all([
    prisma.spcLiveState.findUniqueOrThrow({ where: { characteristicId } }),
    prisma.spcControlLimits.findFirst({ where: { characteristicId, supersededAt: null } }),
    prisma.spcSubgroup.findMany({
      where: { characteristicId },
      orderBy: { sequence: "desc" },
      take: LONGEST_RUN_RULE_WINDOW,
      select: {
        sequence: true,
        mean: true,
        range: true,
        stdDev: true,
        values: true,
        nonconforming: true,
        inspected: true,
      },
    }),
  ]);
  recent.reverse();
  return {
    lastStreamId: state.lastStreamId,
    pendingValues: [...state.pendingValues],
    pendingFirstAt: state.pendingFirstAt,
    lastSequence: recent[recent.length - 1]?.sequence ?? 0,
    limits: limits ? { row: limits, frozen: frozenLimitsOf(limits) } : null,
    window: recent.map(chartSubgroupOf),
  };
}

interface FormedSubgroup extends ChartSubgroup {
  size: number;
  firstAt: Date;
  lastAt: Date;
}

interface FoundViolation {
  id: string;
  sequence: number;
  rule: string;
  chart: string;
  pointSequences: number[];
}

export type LiveApplyOutcome =
  | { applied: true; subgroups: number; violations: SpcViolation[]; readAt: number }
  | { applied: false };

// Every part hangs off `guard`: when its UPDATE matches no row, nothing is inserted either.
const APPLY_LIVE_BATCH = `
WITH guard AS (
  UPDATE spc_live_state
     SET "lastStreamId" = $2, "pendingValues" = $3::float8[], "pendingFirstAt" = $4::timestamptz, "updatedAt" = now()
   WHERE "characteristicId" = $1::uuid AND "lastStreamId" = $5
     AND EXISTS (SELECT 1 FROM spc_control_limits WHERE id = $6::uuid AND "supersededAt" IS NULL)
     AND NOT EXISTS (SELECT 1 FROM spc_subgroup WHERE "characteristicId" = $1::uuid AND sequence > $7::int)
  RETURNING "characteristicId"
), new_subgroups AS (
  INSERT INTO spc_subgroup ("characteristicId", sequence, "lineId", "equipmentId", source, size, "values",
                            mean, "range", "stdDev", "firstAt", "lastAt")
  SELECT g."characteristicId", s.sequence, $8::uuid, $9::uuid, 'LIVE'::"SpcSubgroupSource", s.size, s."values",
         s.mean, s."range", s."stdDev", s."firstAt", s."lastAt"
    FROM guard g,
         jsonb_to_recordset($10::jsonb) AS s(sequence int, size int, "values" float8[], mean float8, "range" float8,
                                             "stdDev" float8, "firstAt" timestamptz, "lastAt" timestamptz)
  RETURNING id, sequence
), new_violations AS (
  INSERT INTO spc_violation (id, "characteristicId", "subgroupId", "limitsId", rule, chart, "pointSequences")
  SELECT v.id, $1::uuid, n.id, $6::uuid, v.rule, v.chart, v."pointSequences"
    FROM jsonb_to_recordset($11::jsonb) AS v(id uuid, sequence int, rule text, chart text, "pointSequences" int[])
    JOIN new_subgroups n ON n.sequence = v.sequence
  ON CONFLICT DO NOTHING
  RETURNING id, "subgroupId", "detectedAt"
)
SELECT (SELECT count(*) FROM guard)::int AS applied,
       (SELECT count(*) FROM new_subgroups)::int AS subgroups,
       (SELECT coalesce(json_agg(json_build_object('id', id, 'subgroupId', "subgroupId"::text,
                                                   'detectedAt', "detectedAt")), '[]'::json)
          FROM new_violations) AS violations`;

/**
 * Applies one characteristic's weighings (oldest first) to its in-memory chart and commits them in
 * one statement. Needs frozen limits (the caller takes the locking path before that). On
 * `applied: false` neither the database nor `state` changed: reload and take the locking path.
 */
export async function applyLiveBatch(
  db: DbClient,
  characteristic: LiveCharacteristic,
  state: LiveChartState,
  weighings: readonly Weighing[],
): Promise<LiveApplyOutcome> {
  const limits = state.limits;
  if (!limits) return { applied: false };
  const fresh = weighings.filter((w) => streamIdAfter(w.streamId, state.lastStreamId));
  if (fresh.length === 0) return { applied: true, subgroups: 0, violations: [], readAt: 0 };
  const pending = [...state.pendingValues];
  let firstAt = state.pendingFirstAt;
  const formed: FormedSubgroup[] = [];
  let sequence = state.lastSequence;
  for (const weighing of fresh) {
    if (pending.length === 0) firstAt = weighing.at;
    pending.push(weighing.value);
    if (pending.length >= characteristic.subgroupSize) {
      const stats = subgroupStatistics(pending);
      formed.push({
        sequence: ++sequence,
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
  const found: FoundViolation[] = [];
  if (formed.length > 0 && characteristic.rules.length > 0) {
    const points = plotPoints([...state.window, ...formed], limits.frozen);
    for (const v of pointViolations(points, characteristic.rules, state.window.length)) {
      found.push({ id: randomUUID(), sequence: v.sequence, rule: v.rule, chart: v.chart, pointSequences: v.points });
    }
  }
  const last = fresh[fresh.length - 1]!;
  const [row] = await runHotStatement<{
    applied: number;
    subgroups: number;
    violations: { id: string; subgroupId: string; detectedAt: string }[];
  }>(db, {
    name: "quality_apply_live_batch",
    text: APPLY_LIVE_BATCH,
    values: [
      characteristic.id,
      last.streamId,
      pending,
      firstAt,
      state.lastStreamId,
      limits.row.id,
      state.lastSequence,
      characteristic.lineId,
      characteristic.equipmentId,
      JSON.stringify(formed),
      JSON.stringify(found),
    ],
  });
  if (!row || row.applied === 0) return { applied: false };

  state.lastStreamId = last.streamId;
  state.pendingValues = pending;
  state.pendingFirstAt = firstAt;
  state.lastSequence = sequence;
  state.window = [...state.window, ...formed].slice(-LONGEST_RUN_RULE_WINDOW);
  const stored = new Map(row.violations.map((v) => [v.id, v]));
  const violations: SpcViolation[] = [];
  for (const v of found) {
    const saved = stored.get(v.id);
    if (!saved) continue;
    violations.push({
      id: v.id,
      characteristicId: characteristic.id,
      subgroupId: BigInt(saved.subgroupId),
      limitsId: limits.row.id,
      rule: v.rule,
      chart: v.chart,
      pointSequences: v.pointSequences,
      detectedAt: new Date(saved.detectedAt),
    });
  }
  return { applied: true, subgroups: formed.length, violations, readAt: last.readAt };
}
