"use client";
// Merging ticked stops of one machine into one, with a note.
import { useState } from "react";
import { useMutation } from "urql";
import { MergeDowntimeEventsMutation } from "@/lib/graphql/downtime";
import { refusalOf } from "@/lib/graphql/mutation-outcome";

export function Merge({ ids, onDone }: { ids: string[]; onDone: () => void }) {
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
