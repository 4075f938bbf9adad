// Andon statistics over a period: how many andons, how many still open, mean time to acknowledge
// (raise -> acknowledgement) and mean time to resolve (raise -> resolution), grouped by line, type,
// priority or the shift on duty when the andon was raised. Computed in one SQL aggregate.
import { Prisma, type PrismaClient } from "@ms5/db";

export const ANDON_STATISTICS_DIMENSIONS = ["LINE", "TYPE", "PRIORITY", "SHIFT"] as const;
export type AndonStatisticsDimension = (typeof ANDON_STATISTICS_DIMENSIONS)[number];

/** @default 366 days: the longest period one statistics query may cover. */
export const MAX_STATISTICS_PERIOD_DAYS = 366;

export interface AndonStatisticsGroup {
  /** The line id, type, priority or shift name; null for andons raised outside any shift. */
  key: string | null;
  count: number;
  open: number;
  acknowledged: number;
  resolved: number;
  /** Mean seconds from raise to acknowledgement over acknowledged andons; null when none. */
  mttaSeconds: number | null;
  /** Mean seconds from raise to resolution over resolved andons; null when none. */
  mttrSeconds: number | null;
}

const KEY_OF: Record<AndonStatisticsDimension, Prisma.Sql> = {
  LINE: Prisma.sql`a."lineId"::text`,
  TYPE: Prisma.sql`a."type"::text`,
  PRIORITY: Prisma.sql`a."priority"::text`,
  SHIFT: Prisma.sql`shift_on_duty.name`,
};

export async function andonStatistics(
  prisma: PrismaClient,
  query: { from: Date; to: Date; by: AndonStatisticsDimension; lineId?: string | null },
): Promise<AndonStatisticsGroup[]> {
  const shiftJoin =
    query.by === "SHIFT"
      ? Prisma.sql`LEFT JOIN LATERAL (
          SELECT s."name" FROM "shift_instance" si JOIN "shift" s ON s."id" = si."shiftId"
          WHERE a."raisedAt" >= si."startsAt" AND a."raisedAt" < si."endsAt"
          ORDER BY si."startsAt" DESC LIMIT 1) shift_on_duty ON true`
      : Prisma.empty;
  const lineFilter = query.lineId ? Prisma.sql`AND a."lineId" = ${query.lineId}::uuid` : Prisma.empty;
  const rows = await prisma.$queryRaw<
    {
      key: string | null;
      count: bigint;
      open: bigint;
      acknowledged: bigint;
      resolved: bigint;
      mtta: number | null;
      mttr: number | null;
    }[]
  >`
    SELECT ${KEY_OF[query.by]} AS key,
      count(*) AS count,
      count(*) FILTER (WHERE a."status" IN ('OPEN', 'ACKNOWLEDGED', 'IN_PROGRESS')) AS open,
      count(a."acknowledgedAt") AS acknowledged,
      count(a."resolvedAt") AS resolved,
      avg(EXTRACT(EPOCH FROM (a."acknowledgedAt" - a."raisedAt")))::float8 AS mtta,
      avg(EXTRACT(EPOCH FROM (a."resolvedAt" - a."raisedAt")))::float8 AS mttr
    FROM "andon_event" a
    ${shiftJoin}
    WHERE a."raisedAt" >= ${query.from} AND a."raisedAt" < ${query.to} ${lineFilter}
    GROUP BY 1
    ORDER BY 1 NULLS LAST`;
  return rows.map((row) => ({
    key: row.key,
    count: Number(row.count),
    open: Number(row.open),
    acknowledged: Number(row.acknowledged),
    resolved: Number(row.resolved),
    mttaSeconds: row.mtta === null ? null : Number(row.mtta),
    mttrSeconds: row.mttr === null ? null : Number(row.mttr),
  }));
}
