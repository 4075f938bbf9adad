// Job statistics (issue 21) for the manager's screen: per operator, line and shift (any combination),
// how many jobs were assigned, accepted and completed on time, how long they took to accept and to
// complete, and the good quantity made against the quantity planned. One SQL aggregate, so the
// figures cost the same however many jobs there are.
import { Prisma, type PrismaClient } from "@ms5/db";
import { ApiError } from "@ms5/kit/subgraph";

/** Limits of the statistics query. */
export const JOB_STATISTICS_DEFAULTS = {
  /** @default 92 days: the longest span one query aggregates (a quarter). */
  maxRangeDays: 92,
} as const;

export type JobStatisticsDimension = "OPERATOR" | "LINE" | "SHIFT";

export interface JobStatisticsQuery {
  /** Jobs assigned in [from, to). */
  from: Date;
  to: Date;
  lineId?: string | null;
  /** What a row stands for; a dimension left out is summed over (all three: one row per operator, line, shift). */
  groupBy: readonly JobStatisticsDimension[];
}

export interface JobStatisticsRow {
  operatorId: string | null;
  lineId: string | null;
  /** The shift definition (e.g. Night) whose instance the job's due time (or, without one, its assignment) fell in. */
  shiftId: string | null;
  assigned: number;
  accepted: number;
  completed: number;
  /** Completed by the due time; a job without a due time is on time when completed at all. */
  completedOnTime: number;
  /** Mean seconds from assignment to acceptance, over the accepted jobs. */
  meanTimeToAcceptSeconds: number | null;
  /** Mean seconds from assignment to completion, over the completed jobs. */
  meanTimeToCompleteSeconds: number | null;
  /** Planned quantity of the completed jobs that had a plan. */
  plannedQuantity: number;
  /** Good quantity made on those same jobs. */
  goodQuantity: number;
  /** goodQuantity / plannedQuantity; null when nothing planned was completed. */
  quantityAgainstPlanned: number | null;
}

interface RawRow {
  operator_id: string | null;
  line_id: string | null;
  shift_id: string | null;
  assigned: number;
  accepted: number;
  completed: number;
  completed_on_time: number;
  mean_accept_s: number | null;
  mean_complete_s: number | null;
  planned: bigint | null;
  good: bigint | null;
}

export async function jobStatistics(prisma: PrismaClient, query: JobStatisticsQuery): Promise<JobStatisticsRow[]> {
  if (Number.isNaN(query.from.getTime())) throw new ApiError("BAD_USER_INPUT", "from is not a date.");
  if (Number.isNaN(query.to.getTime())) throw new ApiError("BAD_USER_INPUT", "to is not a date.");
  if (query.to <= query.from) throw new ApiError("BAD_USER_INPUT", "to must be after from.");
  if (query.to.getTime() - query.from.getTime() > JOB_STATISTICS_DEFAULTS.maxRangeDays * 86_400_000) {
    throw new ApiError("BAD_USER_INPUT", `Statistics span at most ${JOB_STATISTICS_DEFAULTS.maxRangeDays} days.`);
  }
  const by = new Set(query.groupBy);
  const lineId = query.lineId ?? null;
  const rows = await prisma.$queryRaw<RawRow[]>(Prisma.sql`
    WITH jobs AS (
      SELECT j.*, shift_of.shift_id
      FROM job_assignment j
      JOIN line l ON l.id = j."lineId"
      JOIN area a ON a.id = l."areaId"
      LEFT JOIN LATERAL (
        SELECT si."shiftId" AS shift_id
        FROM shift_instance si
        JOIN shift s ON s.id = si."shiftId"
        JOIN shift_pattern p ON p.id = s."patternId"
        WHERE p."siteId" = a."siteId"
          AND si."startsAt" <= coalesce(j."dueAt", j."assignedAt")
          AND si."endsAt" > coalesce(j."dueAt", j."assignedAt")
        ORDER BY p.active DESC, si."startsAt" DESC
        LIMIT 1
      ) shift_of ON true
      WHERE j."assignedAt" >= ${query.from} AND j."assignedAt" < ${query.to}
        AND (${lineId}::uuid IS NULL OR j."lineId" = ${lineId}::uuid)
    )
    SELECT
      CASE WHEN ${by.has("OPERATOR")} THEN "assigneeId" END AS operator_id,
      CASE WHEN ${by.has("LINE")} THEN "lineId" END AS line_id,
      CASE WHEN ${by.has("SHIFT")} THEN shift_id END AS shift_id,
      count(*)::int AS assigned,
      count("acceptedAt")::int AS accepted,
      count(*) FILTER (WHERE status = 'COMPLETED')::int AS completed,
      count(*) FILTER (WHERE status = 'COMPLETED' AND ("dueAt" IS NULL OR "completedAt" <= "dueAt"))::int
        AS completed_on_time,
      avg(extract(epoch FROM "acceptedAt" - "assignedAt"))::float8 AS mean_accept_s,
      (avg(extract(epoch FROM "completedAt" - "assignedAt")) FILTER (WHERE status = 'COMPLETED'))::float8
        AS mean_complete_s,
      sum("plannedQuantity") FILTER (WHERE status = 'COMPLETED') AS planned,
      sum("actualGoodQuantity") FILTER (WHERE status = 'COMPLETED' AND "plannedQuantity" IS NOT NULL) AS good
    FROM jobs
    GROUP BY 1, 2, 3
    ORDER BY 1 NULLS FIRST, 2 NULLS FIRST, 3 NULLS FIRST
  `);
  return rows.map((row) => {
    const planned = Number(row.planned ?? 0);
    const good = Number(row.good ?? 0);
    return {
      operatorId: row.operator_id,
      lineId: row.line_id,
      shiftId: row.shift_id,
      assigned: row.assigned,
      accepted: row.accepted,
      completed: row.completed,
      completedOnTime: row.completed_on_time,
      meanTimeToAcceptSeconds: row.mean_accept_s,
      meanTimeToCompleteSeconds: row.mean_complete_s,
      plannedQuantity: planned,
      goodQuantity: good,
      quantityAgainstPlanned: planned > 0 ? good / planned : null,
    };
  });
}
