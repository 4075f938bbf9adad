"use client";
// Andon calls: raising one in two taps (what kind, then Raise), and the open calls with their
// escalation state, live. Raising and acknowledging go through the offline queue.
import Link from "next/link";
import { useEffect, useMemo, useReducer, useState } from "react";
import { useQuery } from "urql";
import { formatDuration } from "@/components/live-state-badge";
import { AndonEventsQuery, AndonRaisedSubscription, AndonUpdatedSubscription } from "@/lib/graphql/andon";
import type { AndonFieldsFragment, AndonPriority, AndonType } from "@/lib/graphql/generated/graphql";
import { actionQueue } from "@/lib/offline/action-queue";
import { useQueuedActions, useSession } from "@/lib/react/stores";
import { useLiveEvents, useRefetchOnReconnect } from "@/lib/react/use-live";

const TYPES: { type: AndonType; label: string; symbol: string; priority: AndonPriority }[] = [
  { type: "MAINTENANCE", label: "Maintenance", symbol: "⚙", priority: "HIGH" },
  { type: "QUALITY", label: "Quality", symbol: "✔", priority: "MEDIUM" },
  { type: "MATERIAL", label: "Material", symbol: "▦", priority: "MEDIUM" },
  { type: "SAFETY", label: "Safety", symbol: "⚠", priority: "CRITICAL" },
  { type: "HELP", label: "Help", symbol: "?", priority: "LOW" },
];

// The gateway prices a list by the size asked for; 25 open calls fit its cost limit with room.
const STATUS_WORD: Record<string, string> = {
  OPEN: "Open: waiting for someone",
  ACKNOWLEDGED: "Acknowledged",
  IN_PROGRESS: "Being worked on",
  RESOLVED: "Resolved",
  CLOSED: "Closed",
};

export function RaiseAndon({ lineId, lineName }: { lineId: string; lineName: string }) {
  const session = useSession();
  const [type, setType] = useState<(typeof TYPES)[number] | null>(null);
  const [priority, setPriority] = useState<AndonPriority>("MEDIUM");
  const [note, setNote] = useState("");
  if (session.status !== "signed-in" || !session.session.permissions.has("andon:raise")) return null;
  return (
    <form
      className="grid"
      aria-label={`Raise an andon on ${lineName}`}
      onSubmit={(event) => {
        event.preventDefault();
        if (!type) return;
        actionQueue.enqueue(
          "raiseAndon",
          { input: { lineId, type: type.type, priority, ...(note.trim() ? { note: note.trim() } : {}) } },
          `raise a ${type.label.toLowerCase()} andon on ${lineName}`,
        );
        setType(null);
        setNote("");
      }}
    >
      <fieldset className="row" style={{ border: 0, padding: 0, margin: 0 }}>
        <legend className="visually-hidden">Kind of help</legend>
        {TYPES.map((option) => (
          <button
            key={option.type}
            type="button"
            aria-pressed={type?.type === option.type}
            className={type?.type === option.type ? "primary" : undefined}
            onClick={() => {
              setType(option);
              setPriority(option.priority);
            }}
          >
            <span aria-hidden="true">{option.symbol}</span> {option.label}
          </button>
        ))}
      </fieldset>
      {type ? (
        <div className="row">
          <label htmlFor={`andon-priority-${lineId}`} style={{ margin: 0 }}>
            Priority
          </label>
          <select
            id={`andon-priority-${lineId}`}
            value={priority}
            onChange={(event) => setPriority(event.target.value as AndonPriority)}
          >
            {(["LOW", "MEDIUM", "HIGH", "CRITICAL"] as const).map((value) => (
              <option key={value} value={value}>
                {value.toLowerCase()}
              </option>
            ))}
          </select>
          <label htmlFor={`andon-note-${lineId}`} className="visually-hidden">
            Note
          </label>
          <input
            id={`andon-note-${lineId}`}
            placeholder="What is wrong (optional)"
            value={note}
            onChange={(event) => setNote(event.target.value)}
          />
          <button type="submit" className="danger">
            Raise {type.label.toLowerCase()} andon
          </button>
        </div>
      ) : null}
    </form>
  );
}

type Action = { type: "load"; andons: AndonFieldsFragment[] } | { type: "upsert"; andon: AndonFieldsFragment };

function reduce(state: Map<string, AndonFieldsFragment>, action: Action) {
  if (action.type === "load") return new Map(action.andons.map((andon) => [andon.id!, andon]));
  const next = new Map(state);
  next.set(action.andon.id!, { ...next.get(action.andon.id!), ...action.andon });
  return next;
}

export function AndonList({ lineId }: { lineId: string | null }) {
  const session = useSession();
  const canRespond = session.status === "signed-in" && session.session.permissions.has("andon:respond");
  const variables = useMemo(() => ({ lineId }), [lineId]);
  const [result, reexecute] = useQuery({ query: AndonEventsQuery, variables, requestPolicy: "network-only" });
  const [andons, dispatch] = useReducer(reduce, new Map<string, AndonFieldsFragment>());
  useEffect(() => {
    const page = result.data?.andonEventsConnection;
    if (page) dispatch({ type: "load", andons: page.edges?.flatMap((edge) => (edge?.node ? [edge.node] : [])) ?? [] });
  }, [result.data]);
  useRefetchOnReconnect(() => reexecute({ requestPolicy: "network-only" }));
  useLiveEvents(AndonRaisedSubscription, variables, (data) => {
    if (data.andonRaised?.id) dispatch({ type: "upsert", andon: data.andonRaised });
  });
  useLiveEvents(AndonUpdatedSubscription, variables, (data) => {
    if (data.andonUpdated?.id) dispatch({ type: "upsert", andon: data.andonUpdated });
  });
  useEffect(
    () =>
      actionQueue.onOutcome((outcome) => {
        if (outcome.action.kind !== "raiseAndon" && outcome.action.kind !== "acknowledgeAndon") return;
        if (outcome.status === "done" && outcome.data)
          dispatch({ type: "upsert", andon: outcome.data as AndonFieldsFragment });
      }),
    [],
  );
  const queued = useQueuedActions();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 5000);
    return () => clearInterval(timer);
  }, []);

  const open = [...andons.values()]
    .filter((andon) => andon.status !== "RESOLVED" && andon.status !== "CLOSED")
    .sort((a, b) => (b.raisedAt ?? "").localeCompare(a.raisedAt ?? ""));
  const pendingRaises = queued.filter(
    (item) =>
      item.kind === "raiseAndon" && (!lineId || (item.variables.input as { lineId?: string }).lineId === lineId),
  );
  if (result.error && andons.size === 0) {
    return (
      <p className="error" role="alert">
        Andons cannot be loaded: {result.error.graphQLErrors[0]?.message ?? "the server cannot be reached"}.
      </p>
    );
  }
  return (
    <ul style={{ listStyle: "none", padding: 0, margin: 0 }} className="grid" aria-label="Open andons">
      {pendingRaises.map((item) => (
        <li key={item.id} className="notice" data-testid="andon-pending">
          ◷ Pending: {item.label}. Sent when the connection is back.
        </li>
      ))}
      {open.length === 0 && pendingRaises.length === 0 ? (
        <li className="muted">{result.fetching ? "Loading andons…" : "No open andons."}</li>
      ) : null}
      {open.map((andon) => {
        const escalation = andon.escalations?.find((item) => item.status === "ACTIVE");
        const acknowledging = queued.some(
          (item) => item.kind === "acknowledgeAndon" && item.variables.andonId === andon.id,
        );
        return (
          <li key={andon.id} className="panel" data-testid="andon" data-andon-status={andon.status}>
            <div className="row spread">
              <strong>
                {andon.priority === "CRITICAL" ? "‼ " : andon.priority === "HIGH" ? "! " : ""}
                {andon.type?.toLowerCase()} · {andon.priority?.toLowerCase()} · {andon.line?.name}
                {andon.equipment ? ` · ${andon.equipment.name}` : ""}
              </strong>
              <span className="row">
                <span className="pill">{STATUS_WORD[andon.status ?? ""] ?? andon.status}</span>
                <Link
                  className="button"
                  href={`/andon/${andon.id}`}
                  aria-label={`Open the ${andon.type?.toLowerCase()} andon on ${andon.line?.name}`}
                >
                  Open
                </Link>
              </span>
            </div>
            <p className="muted" style={{ margin: "4px 0" }}>
              {andon.source === "PLC" ? `Raised by PLC fault ${andon.faultCode ?? ""}` : "Raised by hand"}
              {andon.raisedAt ? ` · ${formatDuration((now - Date.parse(andon.raisedAt)) / 1000)} ago` : ""}
              {andon.repeatCount ? ` · repeated ${andon.repeatCount}×` : ""}
              {andon.note ? ` · “${andon.note}”` : ""}
            </p>
            {escalation ? (
              <p style={{ margin: "4px 0" }} data-testid="andon-escalation">
                Escalation ({escalation.kind === "ACKNOWLEDGE" ? "until acknowledged" : "until resolved"}): level{" "}
                {escalation.currentLevel ?? 0}
                {escalation.nextDueAt ? `, next at ${new Date(escalation.nextDueAt).toLocaleTimeString()}` : ""}
              </p>
            ) : null}
            {canRespond && andon.status === "OPEN" ? (
              acknowledging ? (
                <p className="notice">◷ Acknowledgement waiting to be sent.</p>
              ) : (
                <button
                  type="button"
                  className="primary"
                  onClick={() =>
                    actionQueue.enqueue(
                      "acknowledgeAndon",
                      { andonId: andon.id },
                      `acknowledge the ${andon.type?.toLowerCase()} andon on ${andon.line?.name}`,
                    )
                  }
                >
                  Acknowledge
                </button>
              )
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}
