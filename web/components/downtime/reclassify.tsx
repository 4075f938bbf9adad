"use client";
// Reclassifying a past stop: a different reason and a note for the audit trail.
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { ReclassifyDowntimeEventMutation } from "@/lib/graphql/downtime";
import type { DowntimeFieldsFragment } from "@/lib/graphql/generated/graphql";
import { ReasonCodesQuery } from "@/lib/graphql/plant";

export function Reclassify({ stop, onDone }: { stop: DowntimeFieldsFragment; onDone: () => void }) {
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
