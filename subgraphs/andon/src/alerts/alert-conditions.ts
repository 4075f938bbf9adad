// What each alert kind measures, read from what the production subgraph writes (OEE buckets,
// counts, live state, stops), and which way is bad. A null observation means "no data now": the
// evaluator neither raises nor clears on it.
import type { AlertKind, AlertRule, PrismaClient } from "@ms5/db";

export type AlertDirection = "below" | "above";

export const ALERT_KINDS: Readonly<
  Record<AlertKind, { direction: AlertDirection; unit: string; min: number; max: number; describe: string }>
> = {
  OEE_BELOW_TARGET: {
    direction: "below",
    unit: "",
    min: 0,
    max: 1,
    describe: "OEE (0-1) over the recent completed minute buckets",
  },
  SPEED_BELOW: {
    direction: "below",
    unit: "/min",
    min: 0,
    max: 1e6,
    describe: "speed per minute while running (the line's constraint for a line rule)",
  },
  REJECT_RATE_ABOVE: {
    direction: "above",
    unit: "",
    min: 0,
    max: 1,
    describe: "rejects / (good + rejects) over the recent counts",
  },
  DOWNTIME_LONGER_THAN: {
    direction: "above",
    unit: "s",
    min: 0,
    max: 1e7,
    describe: "seconds of the longest stop still open",
  },
};

export function breaches(kind: AlertKind, value: number, threshold: number): boolean {
  return ALERT_KINDS[kind].direction === "below" ? value < threshold : value > threshold;
}

/** Past the clear threshold: the other side of the hysteresis band from the raise threshold. */
export function recovered(kind: AlertKind, value: number, clearThreshold: number): boolean {
  return ALERT_KINDS[kind].direction === "below" ? value >= clearThreshold : value <= clearThreshold;
}

type RuleScope = Pick<AlertRule, "kind" | "lineId" | "equipmentId">;

export async function observeAlertValue(
  prisma: PrismaClient,
  rule: RuleScope,
  now: Date,
  windowSeconds: number,
): Promise<number | null> {
  const since = new Date(now.getTime() - windowSeconds * 1000);
  const scope = rule.equipmentId ? { equipmentId: rule.equipmentId } : rule.lineId ? { lineId: rule.lineId } : null;
  if (!scope) return null;
  switch (rule.kind) {
    case "OEE_BELOW_TARGET": {
      const subjectKey = rule.equipmentId ? `EQUIPMENT:${rule.equipmentId}:*` : `LINE:${rule.lineId}:*`;
      // Completed minute buckets only: the current one holds a partial minute.
      const buckets = await prisma.oeeRecord.findMany({
        where: { subjectKey, bucket: "MINUTE", bucketEnd: { gt: since, lte: now } },
        select: { oee: true, plannedProductionSeconds: true },
      });
      const planned = buckets.reduce((sum, bucket) => sum + bucket.plannedProductionSeconds, 0);
      if (planned <= 0) return null;
      return buckets.reduce((sum, bucket) => sum + bucket.oee * bucket.plannedProductionSeconds, 0) / planned;
    }
    case "REJECT_RATE_ABOVE": {
      const totals = await prisma.productionCount.aggregate({
        where: { ...scope, recordedAt: { gt: since, lte: now } },
        _sum: { goodDelta: true, rejectDelta: true },
      });
      const good = totals._sum.goodDelta ?? 0;
      const rejects = totals._sum.rejectDelta ?? 0;
      return good + rejects > 0 ? rejects / (good + rejects) : null;
    }
    case "SPEED_BELOW": {
      const live = await prisma.equipmentLiveState.findFirst({
        where: rule.equipmentId
          ? { equipmentId: rule.equipmentId }
          : { equipment: { lineId: rule.lineId!, isConstraint: true } },
      });
      // Stopped is downtime, not slow running; lost communication is no reading at all.
      if (live?.state !== "RUNNING" || !live.commsOk || live.speedPerMinute == null) return null;
      return live.speedPerMinute;
    }
    case "DOWNTIME_LONGER_THAN": {
      const oldest = await prisma.downtimeEvent.findFirst({
        where: { ...scope, endedAt: null, supersededAt: null },
        orderBy: { startedAt: "asc" },
        select: { startedAt: true },
      });
      return oldest ? Math.max(0, (now.getTime() - oldest.startedAt.getTime()) / 1000) : 0;
    }
  }
}
