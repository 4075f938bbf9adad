"use client";
// Splitting a past stop at a time strictly inside it, with a note.
import { useState } from "react";
import { useMutation } from "urql";
import { SplitDowntimeEventMutation } from "@/lib/graphql/downtime";
import type { DowntimeFieldsFragment } from "@/lib/graphql/generated/graphql";
import { refusalOf } from "@/lib/graphql/mutation-outcome";

/** `HH:MM:SS` of an instant in the browser's time zone, for a time input. */
function clockOf(iso: string): string {
  const date = new Date(iso);
  return [date.getHours(), date.getMinutes(), date.getSeconds()].map((part) => String(part).padStart(2, "0")).join(":");
}

export function Split({ stop, onDone }: { stop: DowntimeFieldsFragment; onDone: () => void }) {
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
