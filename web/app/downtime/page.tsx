"use client";
// Downtime review for supervisors: a line's stops of the last day with suggested and confirmed
// reasons; reclassifying, splitting and merging past stops with a note (audited by the API; OEE is
// recomputed).
import { useMemo, useState } from "react";
import { useMutation, useQuery } from "urql";
import { AppShell } from "@/components/app-shell";
import { LineSelect } from "@/components/line-select";
import { formatDuration } from "@/components/live-state-badge";
import {
  DowntimeEventsQuery,
  DowntimeStartedSubscription,
  DowntimeUpdatedSubscription,
  MergeDowntimeEventsMutation,
  ReclassifyDowntimeEventMutation,
  SplitDowntimeEventMutation,
} from "@/lib/graphql/downtime";
import type { DowntimeFieldsFragment } from "@/lib/graphql/generated/graphql";
import { refusalOf } from "@/lib/graphql/mutation-outcome";
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

/** `HH:MM:SS` of an instant in the browser's time zone, for a time input. */
function clockOf(iso: string): string {
  const date = new Date(iso);
  return [date.getHours(), date.getMinutes(), date.getSeconds()].map((part) => String(part).padStart(2, "0")).join(":");
}

function Split({ stop, onDone }: { stop: DowntimeFieldsFragment; onDone: () => void }) {
  const [state, split] = useMutation(SplitDowntimeEventMutation);
  const start = new Date(stop.startedAt!);
  const end = new Date(stop.endedAt!);
  const [at, setAt] = useState(clockOf(new Date((start.getTime() + end.getTime()) / 2).toISOString()));
  const [note, setNote] = useState("");
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="row"
      style={{ flexWrap: "wrap" }}
      onSubmit={async (event) => {
        event.preventDefault();
        setError(null);
        // The clock time is taken on the stop's start day, rolled to the next day for a stop over midnight.
        const [hours = 0, minutes = 0, seconds = 0] = at.split(":").map(Number);
        const instant = new Date(start);
        instant.setHours(hours, minutes, seconds, 0);
        if (instant <= start) instant.setDate(instant.getDate() + 1);
        if (instant <= start || instant >= end)
          return setError(`Pick a time strictly between ${clockOf(stop.startedAt!)} and ${clockOf(stop.endedAt!)}.`);
        const result = await split({ downtimeEventId: stop.id!, at: instant.toISOString(), note });
        const refusal = refusalOf(result.data?.splitDowntimeEvent, result.error);
        if (refusal) setError(refusal.message);
        else onDone();
      }}
    >
      <label htmlFor={`split-at-${stop.id}`} style={{ margin: 0 }}>
        Split at
      </label>
      <input
        id={`split-at-${stop.id}`}
        type="time"
        step={1}
        required
        value={at}
        onChange={(event) => setAt(event.target.value)}
      />
      <label className="visually-hidden" htmlFor={`split-note-${stop.id}`}>
        Why split
      </label>
      <input
        id={`split-note-${stop.id}`}
        required
        placeholder="Why (kept in the audit trail)"
        value={note}
        onChange={(event) => setNote(event.target.value)}
      />
      <button type="submit" className="primary" disabled={state.fetching}>
        Split
      </button>
      {error ? (
        <span className="error" role="alert">
          {error}
        </span>
      ) : null}
    </form>
  );
}

function Merge({ ids, onDone }: { ids: string[]; onDone: () => void }) {
  const [state, merge] = useMutation(MergeDowntimeEventsMutation);
  const [note, setNote] = useState("");
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="panel row"
      style={{ flexWrap: "wrap" }}
      data-testid="merge-stops"
      onSubmit={async (event) => {
        event.preventDefault();
        setError(null);
        const result = await merge({ downtimeEventIds: ids, note });
        const refusal = refusalOf(result.data?.mergeDowntimeEvents, result.error);
        if (refusal) setError(refusal.message);
        else {
          setNote("");
          onDone();
        }
      }}
    >
      <strong>{ids.length} stops selected</strong>
      <label className="visually-hidden" htmlFor="merge-note">
        Why merge
      </label>
      <input
        id="merge-note"
        required
        placeholder="Why (kept in the audit trail)"
        value={note}
        onChange={(event) => setNote(event.target.value)}
      />
      <button type="submit" className="primary" disabled={state.fetching || ids.length < 2}>
        Merge into one stop
      </button>
      <span className="muted">Only stops of one machine that touch or lie a few minutes apart.</span>
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
        <LineSelect value={lineId} onChange={setLineId} />
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

export default function DowntimePage() {
  return (
    <AppShell screen="downtime">
      <DowntimeReview />
    </AppShell>
  );
}
