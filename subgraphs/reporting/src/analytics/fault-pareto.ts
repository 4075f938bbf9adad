// The PLC faults of a range, most frequent first: fault events (rising edges) grouped by fault code
// with the catalog's text, their count, how long they stood in total (clipped to the range; one still
// standing runs to the range's end or now) and how often the fault was the first-out fault of a stop.
import { Prisma, type PrismaClient } from "@ms5/db";
import type { AnalyticsRange } from "./analytics-range.ts";

export interface FaultParetoRow {
  faultCode: string;
  /** The catalog's text of the code; the code itself when the catalog has none. */
  text: string;
  count: number;
  firstOutCount: number;
  totalSeconds: number;
}

export async function faultPareto(
  prisma: PrismaClient,
  query: AnalyticsRange & { lineIds?: readonly string[] | null; now?: Date },
): Promise<FaultParetoRow[]> {
  const openUntil = new Date(Math.min(query.to.getTime(), (query.now ?? new Date()).getTime()));
  const lines = query.lineIds ? Prisma.sql`AND e."lineId" = ANY(${[...query.lineIds]}::uuid[])` : Prisma.empty;
  const rows = await prisma.$queryRaw<
    { faultCode: string; text: string | null; count: bigint; firstOut: bigint; total: number | null }[]
  >`
    SELECT f."faultCode", min(c."text") AS text, count(*) AS count,
      count(*) FILTER (WHERE f."isFirstOut") AS "firstOut",
      sum(greatest(0, extract(epoch FROM (least(coalesce(f."fallingAt", ${openUntil}), ${query.to}) - f."risingAt"))))::float8 AS total
    FROM fault_event f
    JOIN equipment e ON e.id = f."equipmentId"
    LEFT JOIN fault_catalog_entry c ON c.id = f."faultCatalogEntryId"
    WHERE f."risingAt" >= ${query.from} AND f."risingAt" < ${query.to} ${lines}
    GROUP BY f."faultCode"
    ORDER BY count(*) DESC, total DESC NULLS LAST, f."faultCode"`;
  return rows.map((row) => ({
    faultCode: row.faultCode,
    text: row.text ?? row.faultCode,
    count: Number(row.count),
    firstOutCount: Number(row.firstOut),
    totalSeconds: Math.max(0, row.total ?? 0),
  }));
}
