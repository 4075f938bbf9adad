"use client";
// Downtime review for supervisors: a line's stops of the last day with suggested and confirmed
// reasons, and reclassifying a past stop with a note (audited by the API; OEE is recomputed).
import { useMemo, useState } from "react";
import { useMutation, useQuery } from "urql";
import { AppShell } from "@/components/app-shell";
import { LineSelect } from "@/components/line-select";
import { formatDuration } from "@/components/live-state-badge";
import {
  DowntimeEventsQuery,
  DowntimeStartedSubscription,
  DowntimeUpdatedSubscription,
  ReclassifyDowntimeEventMutation,
} from "@/lib/graphql/downtime";
import type { DowntimeFieldsFragment } from "@/lib/graphql/generated/graphql";
import { ReasonCodesQuery } from "@/lib/graphql/plant";
import { useLiveEvents, useRefetchOnReconnect } from "@/lib/react/use-live";

function Reclassify({ stop, onDone }: { stop: DowntimeFieldsFragment; onDone: () => void }) {
  const [reasons] = useQuery({ query: ReasonCodesQuery });
  const [state, reclassify] = useMutation(ReclassifyDowntimeEventMutation);
  const [reasonId, setReasonId] = useState("");
  const [note, setNote] = useState("");
  const [error, setError] = useState<string | null>(null);
  const options = (reasons.data?.reasonCodes ?? []).flatMap((root) =>
    (root.children ?? []).flatMap((child) =>
      (child.children?.length ? child.children : [child]).map((leaf) => ({
        id: leaf.id!,
        name: `${root.name} › ${leaf.name}`,
      })),
    ),
  );
  return (
    <form
      className="row"
      onSubmit={async (event) => {
        event.preventDefault();
        const result = await reclassify({ downtimeEventId: stop.id!, reasonCodeId: reasonId, note });
        const payload = result.data?.reclassifyDowntimeEvent;
        if (payload?.__typename === "MutationReclassifyDowntimeEventSuccess") onDone();
        else
          setError(
            payload && "message" in payload
              ? payload.message
              : (result.error?.graphQLErrors[0]?.message ?? "Not saved."),
          );
      }}
    >
      <label className="visually-hidden" htmlFor={`reason-${stop.id}`}>
        New reason
      </label>
      <select id={`reason-${stop.id}`} required value={reasonId} onChange={(event) => setReasonId(event.target.value)}>
        <option value="" disabled>
          New reason…
        </option>
        {options.map((option) => (
          <option key={option.id} value={option.id}>
            {option.name}
          </option>
        ))}
      </select>
      <label className="visually-hidden" htmlFor={`note-${stop.id}`}>
        Why
      </label>
      <input
        id={`note-${stop.id}`}
        required
        placeholder="Why (kept in the audit trail)"
        value={note}
        onChange={(event) => setNote(event.target.value)}
      />
      <button type="submit" className="primary" disabled={state.fetching}>
        Reclassify
      </button>
      {error ? (
        <span className="error" role="alert">
          {error}
        </span>
      ) : null}
    </form>
  );
}

function DowntimeReview() {
  const [lineId, setLineId] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
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
        <LineSelect value={lineId} onChange={setLineId} />
      </div>
      {result.error ? (
        <p className="error" role="alert">
          {result.error.graphQLErrors[0]?.message ?? "The server cannot be reached."}
        </p>
      ) : null}
      <div className="panel" style={{ overflowX: "auto" }}>
        <table data-testid="downtime-table">
          <caption className="visually-hidden">Stops of the last 24 hours, newest first</caption>
          <thead>
            <tr>
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
                <td colSpan={6} className="muted">
                  {result.fetching ? "Loading…" : "No stops in the last 24 hours."}
                </td>
              </tr>
            ) : null}
            {stops.map((stop) => (
              <tr key={stop.id} data-testid="downtime-row">
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
                    editing === stop.id ? (
                      <Reclassify
                        stop={stop}
                        onDone={() => {
                          setEditing(null);
                          again();
                        }}
                      />
                    ) : (
                      <button type="button" onClick={() => setEditing(stop.id)}>
                        Reclassify
                      </button>
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

export default function DowntimePage() {
  return (
    <AppShell screen="downtime">
      <DowntimeReview />
    </AppShell>
  );
}
