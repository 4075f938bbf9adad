"use client";
// MTBF and MTTR per equipment of a line over a chosen number of days, from corrective work orders
// (definitions in the andon subgraph's maintenance-reliability.ts); "–" where there is nothing to
// divide by, never a made-up 0.
import { useMemo, useState } from "react";
import { useQuery } from "urql";
import { DataTable } from "@/components/data/data-table";
import { formatDuration } from "@/components/live-state-badge";
import { QueryError } from "@/components/query-error";
import { EquipmentReliabilityQuery, MaintenanceEquipmentQuery } from "@/lib/graphql/maintenance";

const DAY_MS = 86_400_000;
const WINDOWS = [7, 30, 90] as const;

export function Reliability() {
  const [plant] = useQuery({ query: MaintenanceEquipmentQuery });
  const lines = (plant.data?.lines?.edges ?? []).flatMap((edge) => (edge.node ? [edge.node] : []));
  const [lineId, setLineId] = useState("");
  const [days, setDays] = useState<number>(30);
  const line = lines.find((item) => item.id === lineId) ?? lines[0];
  const machines = line?.equipment ?? [];
  // The window ends when the screen opened (fixed, so re-renders do not ask again); not rounded down,
  // which would leave out a repair completed in the last minute.
  const [askedAt] = useState(() => Date.now());
  const variables = useMemo(
    () => ({
      equipmentIds: machines.map((machine) => machine.id!),
      from: new Date(askedAt - days * DAY_MS).toISOString(),
      to: new Date(askedAt).toISOString(),
    }),
    [machines, days, askedAt],
  );
  const [result] = useQuery({ query: EquipmentReliabilityQuery, variables, pause: machines.length === 0 });
  const answer = result.data?.equipmentReliability;
  const rows = answer?.__typename === "QueryEquipmentReliabilitySuccess" ? answer.data : [];
  const nameOf = (id?: string | null) => machines.find((machine) => machine.id === id)?.name ?? "";
  const duration = (seconds?: number | null) => (seconds == null ? "–" : formatDuration(seconds));
  return (
    <>
      <h1>Equipment reliability</h1>
      <div className="row" style={{ flexWrap: "wrap" }}>
        <label htmlFor="reliability-line" style={{ margin: 0 }}>
          Line
        </label>
        <select id="reliability-line" value={line?.id ?? ""} onChange={(event) => setLineId(event.target.value)}>
          {lines.map((item) => (
            <option key={item.id} value={item.id ?? ""}>
              {item.name}
            </option>
          ))}
        </select>
        <label htmlFor="reliability-days" style={{ margin: 0 }}>
          Over the last
        </label>
        <select id="reliability-days" value={days} onChange={(event) => setDays(Number(event.target.value))}>
          {WINDOWS.map((item) => (
            <option key={item} value={item}>
              {item} days
            </option>
          ))}
        </select>
      </div>
      <QueryError error={plant.error ?? result.error} />
      {answer && answer.__typename !== "QueryEquipmentReliabilitySuccess" && "message" in answer ? (
        <p className="error" role="alert">
          {answer.message}
        </p>
      ) : null}
      <DataTable
        panel
        testId="reliability"
        rows={rows}
        rowKey={(row) => row.equipment?.id ?? ""}
        rowProps={(row) => ({
          "data-testid": "reliability-row",
          "data-equipment": nameOf(row.equipment?.id),
          "data-failures": String(row.failureCount ?? 0),
          "data-repairs": String(row.repairCount ?? 0),
        })}
        loading={result.fetching}
        empty="No equipment on this line."
        columns={[
          { header: "Equipment", cell: (row) => nameOf(row.equipment?.id) },
          { header: "Failures", cell: (row) => row.failureCount },
          { header: "Repairs done", cell: (row) => row.repairCount },
          { header: "MTBF (mean time between failures)", cell: (row) => duration(row.mtbfSeconds) },
          { header: "MTTR (mean time to repair)", cell: (row) => duration(row.mttrSeconds) },
        ]}
      />
      <p className="muted">
        From corrective work orders: a failure starts when its stop began (or the order was opened) and ends when the
        order is completed.
      </p>
    </>
  );
}
