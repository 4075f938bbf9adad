"use client";
// Fault analysis for engineers: which faults of a line cost the most (a Pareto by count or by time
// lost in the stops they started), when each machine's faults rose and fell (a timeline), and a stop
// opened to the sequence of faults that started it and followed.
import { useMemo, useState } from "react";
import { useQuery } from "urql";
import { DataTable } from "@/components/data/data-table";
import { LineSelect } from "@/components/line-select";
import { formatDuration } from "@/components/live-state-badge";
import { QueryError } from "@/components/query-error";
import {
  FaultStatisticsQuery,
  FaultTimelineQuery,
  StopFaultSequenceQuery,
  StopsWithFaultsQuery,
} from "@/lib/graphql/faults";
import type {
  FaultEventFieldsFragment,
  FaultStatisticsOrder,
  FaultStopFieldsFragment,
} from "@/lib/graphql/generated/graphql";

const RANGES = [
  { label: "Last 24 hours", hours: 24 },
  { label: "Last 7 days", hours: 7 * 24 },
  { label: "Last 30 days", hours: 30 * 24 },
] as const;

type FaultEvent = FaultEventFieldsFragment;

function useRange(hours: number, lineId: string | null) {
  return useMemo(() => {
    const now = Date.now();
    return {
      lineId: lineId ?? "",
      from: new Date(now - hours * 3_600_000).toISOString(),
      to: new Date(now).toISOString(),
    };
  }, [hours, lineId]);
}

export function FaultAnalysis() {
  const [lineId, setLineId] = useState<string | null>(null);
  const [hours, setHours] = useState<number>(RANGES[0].hours);
  const [orderBy, setOrderBy] = useState<FaultStatisticsOrder>("COUNT");
  const range = useRange(hours, lineId);
  return (
    <>
      <div className="row spread">
        <h1>Fault analysis</h1>
        <div className="row">
          <LineSelect value={lineId} onChange={setLineId} />
          <label htmlFor="fault-range" style={{ margin: 0 }}>
            Period
          </label>
          <select id="fault-range" value={hours} onChange={(event) => setHours(Number(event.target.value))}>
            {RANGES.map((option) => (
              <option key={option.hours} value={option.hours}>
                {option.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      {lineId ? (
        <>
          <FaultPareto range={range} orderBy={orderBy} onOrderBy={setOrderBy} />
          <FaultTimeline range={range} />
          <StopSequences range={range} />
        </>
      ) : null}
    </>
  );
}

type Range = ReturnType<typeof useRange>;

function FaultPareto({
  range,
  orderBy,
  onOrderBy,
}: {
  range: Range;
  orderBy: FaultStatisticsOrder;
  onOrderBy: (order: FaultStatisticsOrder) => void;
}) {
  const [result] = useQuery({
    query: FaultStatisticsQuery,
    variables: { ...range, orderBy },
    requestPolicy: "network-only",
  });
  const rows = result.data?.faultStatistics ?? [];
  const measure = (row: (typeof rows)[number]) =>
    orderBy === "COUNT" ? (row.occurrences ?? 0) : (row.lostSeconds ?? 0);
  const total = rows.reduce((sum, row) => sum + measure(row), 0);
  const largest = Math.max(1, ...rows.map(measure));
  let cumulative = 0;
  const withShare = rows.map((row) => {
    cumulative += measure(row);
    return { row, share: total > 0 ? cumulative / total : 0 };
  });
  return (
    <section aria-labelledby="pareto-heading">
      <div className="row spread">
        <h2 id="pareto-heading">Top faults</h2>
        <fieldset className="row" style={{ border: 0, margin: 0, padding: 0 }}>
          <legend className="visually-hidden">Rank faults by</legend>
          {(
            [
              ["COUNT", "By count"],
              ["LOST_TIME", "By time lost"],
            ] as const
          ).map(([value, label]) => (
            <button key={value} type="button" aria-pressed={orderBy === value} onClick={() => onOrderBy(value)}>
              {label}
            </button>
          ))}
        </fieldset>
      </div>
      <QueryError error={result.error} />
      <DataTable
        panel
        testId="fault-pareto"
        rows={withShare}
        rowKey={({ row }) => `${row.equipment?.id} ${row.faultCode}`}
        rowProps={({ row }) => ({ "data-testid": "fault-statistic", "data-code": row.faultCode ?? "" })}
        loading={result.fetching}
        empty="No fault rose on this line in this period."
        columns={[
          {
            header: "Fault",
            cell: ({ row }) => (
              <>
                <strong>{row.faultCode}</strong> {row.text ?? <span className="muted">(not in the catalog)</span>}
                <div className="muted">{row.equipment?.name}</div>
              </>
            ),
          },
          {
            header: orderBy === "COUNT" ? "Risings" : "Time lost",
            cell: ({ row }) => (
              <div style={{ minWidth: 160 }}>
                <div
                  aria-hidden="true"
                  style={{
                    height: 10,
                    width: `${(measure(row) / largest) * 100}%`,
                    background: "var(--down)",
                    borderRadius: 3,
                  }}
                />
                {orderBy === "COUNT" ? row.occurrences : formatDuration(row.lostSeconds ?? 0)}
              </div>
            ),
          },
          { header: "Cumulative", cell: ({ share }) => `${Math.round(share * 100)} %` },
          { header: "Stops it started", cell: ({ row }) => row.firstOutStops },
          {
            header: orderBy === "COUNT" ? "Time lost" : "Risings",
            cell: ({ row }) => (orderBy === "COUNT" ? formatDuration(row.lostSeconds ?? 0) : row.occurrences),
          },
          { header: "Active", cell: ({ row }) => formatDuration(row.activeSeconds ?? 0) },
          { header: "Followed another", cell: ({ row }) => row.followingOccurrences },
          {
            header: "Mean time between",
            cell: ({ row }) => (row.meanTimeBetweenSeconds == null ? "" : formatDuration(row.meanTimeBetweenSeconds)),
          },
        ]}
      />
    </section>
  );
}

function FaultTimeline({ range }: { range: Range }) {
  const [after, setAfter] = useState<string[]>([]);
  const [result] = useQuery({
    query: FaultTimelineQuery,
    variables: { ...range, after: after.at(-1) ?? null },
    requestPolicy: "network-only",
  });
  const events = (result.data?.faultEvents?.edges ?? []).flatMap((edge) => (edge.node ? [edge.node] : []));
  const pageInfo = result.data?.faultEvents?.pageInfo;
  const byEquipment = new Map<string, { name: string; events: FaultEvent[] }>();
  for (const event of events) {
    const key = event.equipment?.id ?? "";
    const entry = byEquipment.get(key) ?? { name: event.equipment?.name ?? "", events: [] };
    entry.events.push(event);
    byEquipment.set(key, entry);
  }
  const from = new Date(range.from).getTime();
  const span = new Date(range.to).getTime() - from;
  const at = (iso: string) => Math.min(100, Math.max(0, ((new Date(iso).getTime() - from) / span) * 100));
  return (
    <section aria-labelledby="timeline-heading">
      <h2 id="timeline-heading">Timeline per machine</h2>
      <QueryError error={result.error} />
      <div className="panel" data-testid="fault-timeline">
        {events.length === 0 ? (
          <p className="muted">{result.fetching ? "Loading…" : "No fault rose on this line in this period."}</p>
        ) : (
          [...byEquipment.entries()].map(([equipmentId, { name, events: machineEvents }]) => (
            <div
              key={equipmentId}
              data-testid="fault-timeline-machine"
              data-equipment={name}
              style={{ marginBottom: 12 }}
            >
              <div>{name}</div>
              <div
                role="img"
                aria-label={`${name}: ${machineEvents.length} faults in this period`}
                style={{ position: "relative", height: 22, background: "var(--panel-2)", borderRadius: 4 }}
              >
                {machineEvents.map((event) => {
                  const left = at(event.risingAt!);
                  const right = event.fallingAt ? at(event.fallingAt) : 100;
                  return (
                    <span
                      key={event.id}
                      title={`${event.faultCode} ${event.text ?? ""} at ${new Date(event.risingAt!).toLocaleString()}`}
                      data-code={event.faultCode ?? ""}
                      style={{
                        position: "absolute",
                        left: `${left}%`,
                        width: `max(3px, ${right - left}%)`,
                        top: 3,
                        bottom: 3,
                        background: event.isFirstOut ? "var(--down)" : "var(--idle)",
                        borderRadius: 2,
                      }}
                    />
                  );
                })}
              </div>
            </div>
          ))
        )}
        <p className="muted">
          Red: the first fault of a stop (the likely cause). Amber: faults that followed or stood alone.
        </p>
      </div>
      <div className="row">
        {after.length ? (
          <button type="button" onClick={() => setAfter(after.slice(0, -1))}>
            Earlier faults
          </button>
        ) : null}
        {pageInfo?.hasNextPage && pageInfo.endCursor ? (
          <button type="button" onClick={() => setAfter([...after, pageInfo.endCursor!])}>
            Later faults
          </button>
        ) : null}
      </div>
    </section>
  );
}

function StopSequences({ range }: { range: Range }) {
  const [open, setOpen] = useState<string | null>(null);
  const [result] = useQuery({ query: StopsWithFaultsQuery, variables: range, requestPolicy: "network-only" });
  const stops = [...(result.data?.downtimeEvents ?? [])].filter((stop) => stop.firstOutFaultCode).reverse();
  return (
    <section aria-labelledby="stops-heading">
      <h2 id="stops-heading">Stops and their faults</h2>
      <QueryError error={result.error} />
      <DataTable
        panel
        testId="fault-stops"
        rows={stops}
        rowKey={(stop) => stop.id!}
        loading={result.fetching}
        empty="No stop started by a fault in this period."
        renderRow={(stop) => (
          <StopRow
            key={stop.id}
            stop={stop}
            lineId={range.lineId}
            open={open === stop.id}
            onToggle={() => setOpen(open === stop.id ? null : stop.id!)}
          />
        )}
        columns={[
          { header: "Started" },
          { header: "Equipment" },
          { header: "Duration" },
          { header: "First-out fault" },
          { header: "Reason" },
          { header: "Sequence" },
        ]}
      />
    </section>
  );
}

type Stop = FaultStopFieldsFragment;

function StopRow({
  stop,
  lineId,
  open,
  onToggle,
}: {
  stop: Stop;
  lineId: string;
  open: boolean;
  onToggle: () => void;
}) {
  const started = stop.startedAt!;
  return (
    <>
      <tr data-testid="fault-stop" data-first-out={stop.firstOutFaultCode ?? ""}>
        <td>{new Date(started).toLocaleString()}</td>
        <td>{stop.equipment?.name}</td>
        <td>{stop.durationSeconds == null ? "ongoing" : formatDuration(stop.durationSeconds)}</td>
        <td>{stop.firstOutFaultCode}</td>
        <td>{stop.reason?.name ?? <span className="muted">suggested: {stop.suggestedReason?.name ?? "none"}</span>}</td>
        <td>
          <button type="button" aria-expanded={open} onClick={onToggle}>
            {open ? "Hide faults" : "Show faults"}
            <span className="visually-hidden"> of the stop at {new Date(started).toLocaleTimeString()}</span>
          </button>
        </td>
      </tr>
      {open ? (
        <tr>
          <td colSpan={6}>
            <FaultSequence stopId={stop.id!} lineId={lineId} from={started} to={stop.endedAt} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function FaultSequence({
  stopId,
  lineId,
  from,
  to,
}: {
  stopId: string;
  lineId: string;
  from: string;
  to: string | null;
}) {
  // The stops overlapping this one's span: the stop is among them (no query asks for one stop by id).
  const variables = useMemo(() => ({ lineId, from, to: to ?? new Date().toISOString() }), [lineId, from, to]);
  const [result] = useQuery({ query: StopFaultSequenceQuery, variables, requestPolicy: "network-only" });
  const sequence = result.data?.downtimeEvents?.find((stop) => stop.id === stopId)?.faultSequence ?? [];
  const started = new Date(from).getTime();
  return (
    <>
      <QueryError error={result.error} />
      {result.fetching ? (
        <p className="muted">Loading…</p>
      ) : sequence.length === 0 ? (
        <p className="muted">No fault of this machine was set during this stop.</p>
      ) : (
        <ol data-testid="fault-sequence">
          {sequence.map((fault) => {
            const offset = Math.round((new Date(fault.risingAt!).getTime() - started) / 1000);
            return (
              <li key={fault.id} data-code={fault.faultCode ?? ""} data-first-out={String(Boolean(fault.isFirstOut))}>
                <strong>{fault.faultCode}</strong> {fault.text ?? "(not in the catalog)"}{" "}
                <span className="muted">
                  {offset === 0
                    ? "set when it stopped"
                    : offset < 0
                      ? `set ${formatDuration(-offset)} before the stop`
                      : `rose ${formatDuration(offset)} into it`}
                  {fault.durationSeconds == null ? ", still set" : `, set for ${formatDuration(fault.durationSeconds)}`}
                </span>
                {fault.isFirstOut ? <span className="pill"> first out</span> : null}
              </li>
            );
          })}
        </ol>
      )}
    </>
  );
}
