"use client";
// Manager > Shift handover: what a line's shift leaves open (andons, stops without a reason,
// unsigned checklists) and the notes written for the next shift.
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { LineSelect } from "@/components/line-select";
import { formatDuration } from "@/components/live-state-badge";
import { QueryError } from "@/components/query-error";
import { ShiftHandoverQuery, WriteHandoverNoteMutation } from "@/lib/graphql/manager";
import { refusalOf } from "@/lib/graphql/mutation-outcome";

const NOTE_LIMIT = 4000;

type Note = { id?: string | null; body?: string | null; createdAt?: string | null; authorName?: string | null };

function Notes({ title, notes }: { title: string; notes: Note[] }) {
  return (
    <section className="panel" aria-label={title}>
      <h2>{title}</h2>
      {notes.length === 0 ? <p className="muted">None.</p> : null}
      {notes.map((note) => (
        <article
          key={note.id}
          data-testid="handover-note"
          style={{ borderTop: "1px solid var(--line)", padding: "6px 0" }}
        >
          <p style={{ whiteSpace: "pre-wrap", margin: 0 }}>{note.body}</p>
          <p className="muted" style={{ margin: 0 }}>
            {note.authorName} · {note.createdAt ? new Date(note.createdAt).toLocaleString() : ""}
          </p>
        </article>
      ))}
    </section>
  );
}

function Handover({ lineId }: { lineId: string }) {
  const [result, refetch] = useQuery({
    query: ShiftHandoverQuery,
    variables: { lineId },
    requestPolicy: "network-only",
  });
  const [state, write] = useMutation(WriteHandoverNoteMutation);
  const [body, setBody] = useState("");
  const [error, setError] = useState<string | null>(null);
  const handover = result.data?.shiftHandover;
  const shift = handover?.shiftInstance;
  return (
    <>
      <QueryError error={result.error} />
      {result.fetching && !handover ? <p aria-busy="true">Loading…</p> : null}
      {handover ? (
        <div className="grid two">
          <p className="muted" style={{ gridColumn: "1 / -1" }}>
            {shift
              ? `${shift.shift?.name ?? "Shift"} ${new Date(shift.startsAt ?? "").toLocaleString()} – ${new Date(shift.endsAt ?? "").toLocaleTimeString()}`
              : "No shift is running now on this line."}
          </p>
          <section className="panel" aria-label="Open andons">
            <h2>Open andons ({handover.openAndons?.length ?? 0})</h2>
            <ul>
              {(handover.openAndons ?? []).map((andon) => (
                <li key={andon.id}>
                  {andon.priority} {andon.type} · {andon.equipment?.name ?? "line"} · {andon.status}
                  {andon.faultCode ? ` · fault ${andon.faultCode}` : ""}
                  {andon.note ? ` · ${andon.note}` : ""}
                </li>
              ))}
            </ul>
          </section>
          <section className="panel" aria-label="Stops without a reason">
            <h2>Stops without a reason ({handover.untaggedStops?.length ?? 0})</h2>
            <ul>
              {(handover.untaggedStops ?? []).map((stop) => (
                <li key={stop.id}>
                  {stop.startedAt ? new Date(stop.startedAt).toLocaleTimeString() : ""} · {stop.equipment?.name} ·{" "}
                  {formatDuration(stop.durationSeconds ?? 0)}
                  {stop.firstOutFaultCode ? ` · fault ${stop.firstOutFaultCode}` : ""}
                </li>
              ))}
            </ul>
          </section>
          <section className="panel" aria-label="Unsigned checklists">
            <h2>Unsigned checklists ({handover.unsignedChecklists?.length ?? 0})</h2>
          </section>
          <Notes title="Notes from the previous shift" notes={handover.notesFromPreviousShift ?? []} />
          <Notes title="Notes of this shift" notes={handover.notes ?? []} />
        </div>
      ) : null}
      <form
        className="panel"
        onSubmit={async (event) => {
          event.preventDefault();
          setError(null);
          const answer = await write({ lineId, body });
          const refusal = refusalOf(answer.data?.writeHandoverNote, answer.error);
          if (refusal) return setError(refusal.message);
          setBody("");
          refetch({ requestPolicy: "network-only" });
        }}
      >
        <label htmlFor="handover-note">Note for the next shift</label>
        <textarea
          id="handover-note"
          required
          maxLength={NOTE_LIMIT}
          rows={4}
          style={{ width: "100%", font: "inherit", background: "#0b0f14", color: "var(--text)" }}
          value={body}
          onChange={(event) => setBody(event.target.value)}
        />
        <div className="row">
          <button type="submit" className="primary" disabled={state.fetching}>
            Leave note
          </button>
          <span className="muted">
            {body.length} / {NOTE_LIMIT}; notes are not edited afterwards
          </span>
          {error ? (
            <span className="error" role="alert">
              {error}
            </span>
          ) : null}
        </div>
      </form>
    </>
  );
}

export function HandoverScreen() {
  const [lineId, setLineId] = useState<string | null>(null);
  return (
    <>
      <div className="row spread">
        <h1>Shift handover</h1>
        <LineSelect value={lineId} onChange={setLineId} />
      </div>
      {lineId ? <Handover key={lineId} lineId={lineId} /> : null}
    </>
  );
}
