// Fault statistics for engineers: per equipment and fault code, how often a fault rose, how long it
// was active, the stops it started (first-out) and the time they lost, the stops it only followed,
// and the mean time between two risings of the same fault. One SQL statement over fault_event and
// downtime_event, so a Pareto over a year of a plant is one round-trip.
import type { PrismaClient } from "@ms5/db";
import { Prisma } from "@ms5/db";

export interface FaultScope {
  /** Inclusive start and exclusive end of the range; faults and stops are clipped to it. */
  from: Date;
  to: Date;
  lineId?: string;
  equipmentId?: string;
}

export type FaultStatisticsOrder = "COUNT" | "LOST_TIME";

export interface FaultStatisticsRow {
  equipmentId: string;
  faultCode: string;
  /** Risings within the range. */
  occurrences: number;
  /** Seconds the fault bit was set within the range (an active fault counts until `asOf`). */
  activeSeconds: number;
  /** Stops (not superseded) within the range whose first-out fault this was. */
  firstOutStops: number;
  /** The time those stops lost, clipped to the range (an open stop counts until `asOf`). */
  lostSeconds: number;
  /** Risings during a stop that another fault had started: this fault followed, it did not cause. */
  followingOccurrences: number;
  /** (last rising - first rising) / (occurrences - 1); null with fewer than two risings. */
  meanTimeBetweenSeconds: number | null;
}

interface RawRow {
  equipment_id: string;
  fault_code: string;
  occurrences: bigint;
  active_seconds: number;
  first_out_stops: bigint;
  lost_seconds: number;
  following_occurrences: bigint;
  mean_time_between_seconds: number | null;
}

/**
 * The statistics of every (equipment, fault code) with a rising or a first-out stop in the scope,
 * largest first by the order asked for (ties by code), at most `limit` rows.
 */
export async function faultStatistics(
  prisma: PrismaClient,
  scope: FaultScope,
  order: FaultStatisticsOrder,
  limit: number,
  asOf: Date = new Date(),
): Promise<FaultStatisticsRow[]> {
  const equipmentFilter = scopeFilter(scope);
  const end = scope.to < asOf ? scope.to : asOf;
  const orderBy =
    order === "COUNT"
      ? Prisma.sql`occurrences DESC, lost_seconds DESC`
      : Prisma.sql`lost_seconds DESC, occurrences DESC`;
  const rows = await prisma.$queryRaw<RawRow[]>`
    WITH scoped_equipment AS (
      SELECT e.id FROM equipment e WHERE ${equipmentFilter}
    ),
    risings AS (
      SELECT f."equipmentId" AS equipment_id, f."faultCode" AS fault_code, f."risingAt" AS rising_at,
             GREATEST(0, EXTRACT(EPOCH FROM (LEAST(COALESCE(f."fallingAt", ${end}::timestamptz), ${end}::timestamptz)
                                              - f."risingAt")))::float8 AS active_seconds,
             EXISTS (
               SELECT 1 FROM downtime_event d
               WHERE d."equipmentId" = f."equipmentId" AND d."supersededAt" IS NULL
                 AND d."startedAt" < f."risingAt" AND f."risingAt" < COALESCE(d."endedAt", ${end}::timestamptz)
                 AND d."firstOutFaultCode" IS DISTINCT FROM f."faultCode"
             ) AS followed
      FROM fault_event f
      WHERE f."equipmentId" IN (SELECT id FROM scoped_equipment)
        AND f."risingAt" >= ${scope.from}::timestamptz AND f."risingAt" < ${scope.to}::timestamptz
    ),
    rising_totals AS (
      SELECT equipment_id, fault_code, COUNT(*) AS occurrences, SUM(active_seconds) AS active_seconds,
             COUNT(*) FILTER (WHERE followed) AS following_occurrences,
             CASE WHEN COUNT(*) > 1
                  THEN EXTRACT(EPOCH FROM (MAX(rising_at) - MIN(rising_at)))::float8 / (COUNT(*) - 1)
             END AS mean_time_between_seconds
      FROM risings GROUP BY equipment_id, fault_code
    ),
    first_out_totals AS (
      SELECT d."equipmentId" AS equipment_id, d."firstOutFaultCode" AS fault_code, COUNT(*) AS first_out_stops,
             SUM(GREATEST(0, EXTRACT(EPOCH FROM (
               LEAST(COALESCE(d."endedAt", ${end}::timestamptz), ${end}::timestamptz)
               - GREATEST(d."startedAt", ${scope.from}::timestamptz)))))::float8 AS lost_seconds
      FROM downtime_event d
      WHERE d."equipmentId" IN (SELECT id FROM scoped_equipment) AND d."supersededAt" IS NULL
        AND d."firstOutFaultCode" IS NOT NULL
        AND d."startedAt" < ${scope.to}::timestamptz
        AND COALESCE(d."endedAt", ${end}::timestamptz) > ${scope.from}::timestamptz
      GROUP BY d."equipmentId", d."firstOutFaultCode"
    )
    SELECT COALESCE(r.equipment_id, s.equipment_id)::text AS equipment_id,
           COALESCE(r.fault_code, s.fault_code) AS fault_code,
           COALESCE(r.occurrences, 0) AS occurrences,
           COALESCE(r.active_seconds, 0)::float8 AS active_seconds,
           COALESCE(s.first_out_stops, 0) AS first_out_stops,
           COALESCE(s.lost_seconds, 0)::float8 AS lost_seconds,
           COALESCE(r.following_occurrences, 0) AS following_occurrences,
           r.mean_time_between_seconds
    FROM rising_totals r
    FULL OUTER JOIN first_out_totals s ON s.equipment_id = r.equipment_id AND s.fault_code = r.fault_code
    ORDER BY ${orderBy}, fault_code, equipment_id
    LIMIT ${limit}`;
  return rows.map((row) => ({
    equipmentId: row.equipment_id,
    faultCode: row.fault_code,
    occurrences: Number(row.occurrences),
    activeSeconds: row.active_seconds,
    firstOutStops: Number(row.first_out_stops),
    lostSeconds: row.lost_seconds,
    followingOccurrences: Number(row.following_occurrences),
    meanTimeBetweenSeconds: row.mean_time_between_seconds,
  }));
}

function scopeFilter(scope: FaultScope): Prisma.Sql {
  if (scope.equipmentId) return Prisma.sql`e.id = ${scope.equipmentId}::uuid`;
  if (scope.lineId) return Prisma.sql`e."lineId" = ${scope.lineId}::uuid`;
  return Prisma.sql`TRUE`;
}
