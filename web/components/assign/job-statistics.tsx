"use client";
// How the line's jobs assigned today went, per operator and shift: assigned, accepted, completed on
// time, mean minutes to accept and to complete, good quantity against plan. Read again after each
// assignment (the parent remounts it) and every half minute while the screen is open.
import { useEffect, useMemo } from "react";
import { useQuery } from "urql";
import { DataTable } from "@/components/data/data-table";
import { QueryError } from "@/components/query-error";
import { LineJobStatisticsQuery } from "@/lib/graphql/manager";

/** How often the figures are read again. @default 30 s */
const REFRESH_MS = 30_000;

function minutes(seconds: number | null | undefined): string {
  return seconds === null || seconds === undefined ? "—" : `${Math.round(seconds / 60)} min`;
}

export function JobStatistics({ lineId }: { lineId: string }) {
  const period = useMemo(() => {
    const from = new Date();
    from.setHours(0, 0, 0, 0);
    return { from: from.toISOString(), to: new Date(from.getTime() + 86_400_000).toISOString() };
  }, []);
  const [result, refetch] = useQuery({
    query: LineJobStatisticsQuery,
    variables: { lineId, ...period },
    requestPolicy: "network-only",
  });
  useEffect(() => {
    const timer = setInterval(() => refetch({ requestPolicy: "network-only" }), REFRESH_MS);
    return () => clearInterval(timer);
  }, [refetch]);
  const rows = result.data?.jobStatistics ?? [];
  return (
    <section className="panel" aria-labelledby="job-statistics-heading">
      <h2 id="job-statistics-heading">Today's job figures per person and shift</h2>
      <QueryError error={result.error} />
      <DataTable
        testId="job-statistics"
        rows={rows}
        rowKey={(row) => `${row.operator?.id ?? "-"}:${row.shift?.id ?? "-"}`}
        rowProps={(row) => ({ "data-testid": "job-statistics-row", "data-operator": row.operator?.name ?? "" })}
        loading={result.fetching}
        empty="No job assigned on this line today."
        columns={[
          { header: "Operator", cell: (row) => row.operator?.name ?? "—" },
          { header: "Shift", cell: (row) => row.shift?.name ?? "none" },
          { header: "Assigned", cell: (row) => row.assigned },
          { header: "Accepted", cell: (row) => row.accepted },
          { header: "On time", cell: (row) => `${row.completedOnTime} of ${row.completed}` },
          { header: "To accept", cell: (row) => minutes(row.meanTimeToAcceptSeconds) },
          { header: "To complete", cell: (row) => minutes(row.meanTimeToCompleteSeconds) },
          {
            header: "Good vs planned",
            cell: (row) =>
              row.quantityAgainstPlanned === null || row.quantityAgainstPlanned === undefined
                ? "—"
                : `${row.goodQuantity} / ${row.plannedQuantity} (${Math.round(row.quantityAgainstPlanned * 100)} %)`,
          },
        ]}
      />
    </section>
  );
}
