"use client";
// Downtime review for supervisors: a line's stops of the last day with suggested and confirmed
// reasons; reclassifying, splitting and merging past stops with a note (audited by the API; OEE is
// recomputed).
import Link from "next/link";
import { useMemo, useState } from "react";
import { useQuery } from "urql";
import { Merge } from "@/components/downtime/merge-stops";
import { Reclassify } from "@/components/downtime/reclassify";
import { Split } from "@/components/downtime/split-stop";
import { LineSelect } from "@/components/line-select";
import { formatDuration } from "@/components/live-state-badge";
import { DowntimeEventsQuery, DowntimeStartedSubscription, DowntimeUpdatedSubscription } from "@/lib/graphql/downtime";
import { useLiveEvents, useRefetchOnReconnect } from "@/lib/react/use-live";

export function DowntimeReview() {
  const [lineId, setLineId] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ id: string; action: "reclassify" | "split" } | null>(null);
  const [selected, setSelected] = useState<string[]>([]);
  const variables = useMemo(() => {
    const now = Date.now();
    return {
      lineId: lineId ?? "",
      from: new Date(now - 24 * 3_600_000).toISOString(),
      to: new Date(now + 3_600_000).toISOString(),
    };
  }, [lineId]);
  const [result, refetch] = useQuery({
    query: DowntimeEventsQuery,
    variables,
    pause: !lineId,
    requestPolicy: "network-only",
  });
  const again = () => refetch({ requestPolicy: "network-only" });
  const live = useMemo(() => (lineId ? { lineId } : null), [lineId]);
  useLiveEvents(DowntimeStartedSubscription, live, again);
  useLiveEvents(DowntimeUpdatedSubscription, live, again);
  useRefetchOnReconnect(again);
  const stops = [...(result.data?.downtimeEvents ?? [])].reverse();
  return (
    <>
      <div className="row spread">
        <h1>Downtime review</h1>
        <div className="row">
          <Link href="/faults" className="button">
            Fault analysis
          </Link>
          <LineSelect value={lineId} onChange={setLineId} />
        </div>
      </div>
      {result.error ? (
        <p className="error" role="alert">
          {result.error.graphQLErrors[0]?.message ?? "The server cannot be reached."}
        </p>
      ) : null}
      {selected.length > 0 ? (
        <Merge
          ids={selected}
          onDone={() => {
            setSelected([]);
            again();
          }}
        />
      ) : null}
      <div className="panel" style={{ overflowX: "auto" }}>
        <table data-testid="downtime-table">
          <caption className="visually-hidden">Stops of the last 24 hours, newest first</caption>
          <thead>
            <tr>
              <th scope="col">
                <span className="visually-hidden">Select to merge</span>
              </th>
              <th scope="col">Started</th>
              <th scope="col">Equipment</th>
              <th scope="col">Duration</th>
              <th scope="col">Fault</th>
              <th scope="col">Reason</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {stops.length === 0 ? (
              <tr>
                <td colSpan={7} className="muted">
                  {result.fetching ? "Loading…" : "No stops in the last 24 hours."}
                </td>
              </tr>
            ) : null}
            {stops.map((stop) => (
              <tr key={stop.id} data-testid="downtime-row" data-downtime-id={stop.id}>
                <td>
                  {stop.endedAt ? (
                    <input
                      type="checkbox"
                      aria-label={`Select the stop of ${stop.equipment?.name} at ${stop.startedAt ? new Date(stop.startedAt).toLocaleTimeString() : ""} to merge`}
                      checked={selected.includes(stop.id!)}
                      onChange={(event) =>
                        setSelected(
                          event.target.checked ? [...selected, stop.id!] : selected.filter((id) => id !== stop.id),
                        )
                      }
                    />
                  ) : null}
                </td>
                <td>{stop.startedAt ? new Date(stop.startedAt).toLocaleTimeString() : ""}</td>
                <td>{stop.equipment?.name}</td>
                <td>
                  {stop.endedAt ? formatDuration(stop.durationSeconds ?? 0) : "ongoing"}
                  {stop.isMicroStop ? " (small stop)" : ""}
                </td>
                <td>{stop.firstOutFaultCode ?? "–"}</td>
                <td>
                  {stop.reason ? (
                    <>
                      ✓ {stop.reason.name}
                      {stop.confirmedBy?.name ? <span className="muted"> · {stop.confirmedBy.name}</span> : null}
                    </>
                  ) : (
                    <span className="muted">suggested: {stop.suggestedReason?.name ?? "none"} (unconfirmed)</span>
                  )}
                </td>
                <td>
                  {stop.endedAt ? (
                    editing?.id === stop.id ? (
                      editing.action === "reclassify" ? (
                        <Reclassify
                          stop={stop}
                          onDone={() => {
                            setEditing(null);
                            again();
                          }}
                        />
                      ) : (
                        <Split
                          stop={stop}
                          onDone={() => {
                            setEditing(null);
                            again();
                          }}
                        />
                      )
                    ) : (
                      <div className="row">
                        <button type="button" onClick={() => setEditing({ id: stop.id!, action: "reclassify" })}>
                          Reclassify
                        </button>
                        <button type="button" onClick={() => setEditing({ id: stop.id!, action: "split" })}>
                          Split…
                        </button>
                      </div>
                    )
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
