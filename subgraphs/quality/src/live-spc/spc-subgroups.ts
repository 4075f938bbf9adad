// Subgroups join their control chart here, from a completed check or the live feed alike: each gets
// the next sequence of its characteristic, is judged against the current frozen limits with the
// characteristic's run rules, and every violation is stored with its rule and points. A chart with no
// limits yet freezes its first baseline by itself once it has SPC_DEFAULTS.initialBaselineSubgroups
// (recorded with no person and the reason "initial baseline"); every later recompute is an explicit,
// audited action (control-limit-baselines.ts).
import type { Prisma, QualityCharacteristic, SpcControlLimits, SpcSubgroupSource, SpcViolation } from "@ms5/db";
import { type ChartSubgroup, type FrozenLimits, plotPoints, pointViolations } from "../spc/control-chart.ts";
import { type ControlChartType, computeControlLimits } from "../spc/control-limits.ts";
import { isRunRule, LONGEST_RUN_RULE_WINDOW, type RunRule } from "../spc/run-rules.ts";

type Tx = Prisma.TransactionClient;

export const SPC_DEFAULTS = {
  /** A chart without limits freezes its first baseline from this many subgroups. @default 25 */
  initialBaselineSubgroups: 25,
} as const;

export interface NewSubgroup {
  characteristicId: string;
  lineId: string;
  equipmentId: string | null;
  source: SpcSubgroupSource;
  checkId: string | null;
  size: number;
  values: number[];
  mean: number | null;
  range: number | null;
  stdDev: number | null;
  nonconforming: number | null;
  inspected: number | null;
  firstAt: Date;
  lastAt: Date;
}

export interface RecordedSubgroups {
  ids: bigint[];
  violations: SpcViolation[];
}

export function frozenLimitsOf(row: SpcControlLimits): FrozenLimits {
  return {
    chartType: row.chartType as ControlChartType,
    subgroupSize: row.subgroupSize,
    location: { center: row.centerLine, upper: row.upperControlLimit, lower: row.lowerControlLimit },
    dispersion:
      row.dispersionCenter === null
        ? null
        : {
            center: row.dispersionCenter,
            upper: row.dispersionUpper ?? row.dispersionCenter,
            lower: row.dispersionLower ?? 0,
          },
  };
}

export const chartSubgroupOf = (row: {
  sequence: number;
  mean: number | null;
  range: number | null;
  stdDev: number | null;
  values: number[];
  nonconforming: number | null;
  inspected: number | null;
}): ChartSubgroup => row;

export const runRulesOf = (characteristic: Pick<QualityCharacteristic, "spcRules">): RunRule[] =>
  characteristic.spcRules.filter(isRunRule);

/** Adds subgroups (oldest first) to one characteristic's chart; the caller holds its transaction. */
export async function recordSubgroups(
  tx: Tx,
  characteristicId: string,
  subgroups: readonly NewSubgroup[],
): Promise<RecordedSubgroups> {
  if (subgroups.length === 0) return { ids: [], violations: [] };
  // Serialises sequence numbers per characteristic across instances.
  const [characteristic] = await tx.$queryRaw<QualityCharacteristic[]>`
    SELECT * FROM quality_characteristic WHERE id = ${characteristicId}::uuid FOR UPDATE`;
  if (!characteristic) throw new Error(`characteristic ${characteristicId} vanished`);
  const last = await tx.spcSubgroup.findFirst({
    where: { characteristicId },
    orderBy: { sequence: "desc" },
    select: { sequence: true },
  });
  const firstSequence = (last?.sequence ?? 0) + 1;
  const created = await tx.spcSubgroup.createManyAndReturn({
    data: subgroups.map((subgroup, i) => ({ ...subgroup, sequence: firstSequence + i })),
    select: { id: true, sequence: true },
  });
  const ids = created.sort((a, b) => a.sequence - b.sequence).map((row) => row.id);
  let limits = await tx.spcControlLimits.findFirst({ where: { characteristicId, supersededAt: null } });
  if (!limits && characteristic.chartType) {
    limits = await freezeInitialBaseline(tx, characteristic, firstSequence + subgroups.length - 1);
    // The baseline's own subgroups are judged against the limits they made.
    if (limits) return { ids, violations: await judgeNewSubgroups(tx, characteristic, limits, limits.baselineFirst) };
  }
  if (!limits) return { ids, violations: [] };
  return { ids, violations: await judgeNewSubgroups(tx, characteristic, limits, firstSequence) };
}

async function freezeInitialBaseline(tx: Tx, characteristic: QualityCharacteristic, lastSequence: number) {
  const count = SPC_DEFAULTS.initialBaselineSubgroups;
  if (lastSequence < count) return null;
  const baseline = await tx.spcSubgroup.findMany({
    where: { characteristicId: characteristic.id, sequence: { gte: 1, lte: count } },
    orderBy: { sequence: "asc" },
  });
  const chartType = characteristic.chartType as ControlChartType;
  const limits = computeControlLimits(
    chartType,
    characteristic.subgroupSize,
    baseline.map((s) => ({
      values: s.values,
      nonconforming: s.nonconforming ?? undefined,
      inspected: s.inspected ?? undefined,
    })),
  );
  return tx.spcControlLimits.create({
    data: {
      characteristicId: characteristic.id,
      chartType,
      subgroupSize: characteristic.subgroupSize,
      centerLine: limits.location.center,
      upperControlLimit: limits.location.upper,
      lowerControlLimit: limits.location.lower,
      dispersionCenter: limits.dispersion?.center ?? null,
      dispersionUpper: limits.dispersion?.upper ?? null,
      dispersionLower: limits.dispersion?.lower ?? null,
      sigmaWithin: limits.sigmaWithin,
      baselineFirst: 1,
      baselineLast: count,
      baselineCount: baseline.length,
      reason: "initial baseline",
    },
  });
}

/** Judges the subgroups from `fromSequence` on, with the history the rules need, and stores what they break. */
async function judgeNewSubgroups(
  tx: Tx,
  characteristic: QualityCharacteristic,
  limits: SpcControlLimits,
  fromSequence: number,
): Promise<SpcViolation[]> {
  const rules = runRulesOf(characteristic);
  if (rules.length === 0) return [];
  const rows = await tx.spcSubgroup.findMany({
    where: { characteristicId: characteristic.id, sequence: { gte: fromSequence - LONGEST_RUN_RULE_WINDOW } },
    orderBy: { sequence: "asc" },
  });
  const points = plotPoints(rows.map(chartSubgroupOf), frozenLimitsOf(limits));
  const from = points.findIndex((p) => p.sequence >= fromSequence);
  if (from < 0) return [];
  const found = pointViolations(points, rules, from);
  if (found.length === 0) return [];
  const idOf = new Map(rows.map((row) => [row.sequence, row.id]));
  return tx.spcViolation.createManyAndReturn({
    data: found.map((v) => ({
      characteristicId: characteristic.id,
      subgroupId: idOf.get(v.sequence)!,
      limitsId: limits.id,
      rule: v.rule,
      chart: v.chart,
      pointSequences: v.points,
    })),
    skipDuplicates: true,
  });
}
