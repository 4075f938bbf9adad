// The downtime Pareto on the server: stops (not superseded by a split or merge) grouped by their
// reason (the confirmed one, else the suggestion), category or equipment, with count, total and
// mean duration, largest total first. A stop is clipped to the range; one still open runs to the
// range's end or now, whichever is first.
import { Prisma, type PrismaClient } from "@ms5/db";
import type { AnalyticsRange } from "./analytics-range.ts";

export const DOWNTIME_PARETO_DIMENSIONS = ["REASON", "CATEGORY", "EQUIPMENT"] as const;
export type DowntimeParetoDimension = (typeof DOWNTIME_PARETO_DIMENSIONS)[number];

export interface DowntimeParetoRow {
  /** Reason code id, category, or equipment id; null for stops without any reason. */
  key: string | null;
  /** Reason name, category, or equipment name; "Unclassified" for stops without a reason. */
  label: string;
  count: number;
  totalSeconds: number;
  meanSeconds: number;
  /** Share of the range's total stop time, 0 to 1. */
  share: number;
}

const KEY_OF: Record<DowntimeParetoDimension, Prisma.Sql> = {
  REASON: Prisma.sql`coalesce(d."reasonCodeId", d."suggestedReasonCodeId")::text`,
  CATEGORY: Prisma.sql`d.category::text`,
  EQUIPMENT: Prisma.sql`d."equipmentId"::text`,
};
const LABEL_OF: Record<DowntimeParetoDimension, Prisma.Sql> = {
  REASON: Prisma.sql`coalesce(r.name, 'Unclassified')`,
  CATEGORY: Prisma.sql`d.category::text`,
  EQUIPMENT: Prisma.sql`e.name`,
};

export async function downtimePareto(
  prisma: PrismaClient,
  query: AnalyticsRange & { by: DowntimeParetoDimension; lineIds?: readonly string[] | null; now?: Date },
): Promise<DowntimeParetoRow[]> {
  // An open stop has lasted until now so far; a closed one until it ended.
  const openUntil = new Date(Math.min(query.to.getTime(), (query.now ?? new Date()).getTime()));
  const lines = query.lineIds ? Prisma.sql`AND d."lineId" = ANY(${[...query.lineIds]}::uuid[])` : Prisma.empty;
  const rows = await prisma.$queryRaw<{ key: string | null; label: string; count: bigint; total: number }[]>`
    SELECT ${KEY_OF[query.by]} AS key, ${LABEL_OF[query.by]} AS label, count(*) AS count,
      sum(extract(epoch FROM (least(coalesce(d."endedAt", ${openUntil}), ${query.to}) - greatest(d."startedAt", ${query.from}))))::float8 AS total
    FROM downtime_event d
    JOIN equipment e ON e.id = d."equipmentId"
    LEFT JOIN reason_code r ON r.id = coalesce(d."reasonCodeId", d."suggestedReasonCodeId")
    WHERE d."supersededAt" IS NULL AND d."startedAt" < ${query.to}
      AND (d."endedAt" IS NULL OR d."endedAt" > ${query.from}) ${lines}
    GROUP BY 1, 2
    ORDER BY total DESC, 2`;
  const grand = rows.reduce((sum, row) => sum + Math.max(0, row.total), 0);
  return rows.map((row) => {
    const count = Number(row.count);
    const totalSeconds = Math.max(0, row.total);
    return {
      key: row.key,
      label: row.label,
      count,
      totalSeconds,
      meanSeconds: count > 0 ? totalSeconds / count : 0,
      share: grand > 0 ? totalSeconds / grand : 0,
    };
  });
}
