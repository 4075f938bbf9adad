"use client";
// A row's administrative actions: one at a time, busy while it runs, its refusal shown beside the
// row, and the list refreshed after every attempt (a refusal may mean the row changed meanwhile).
import { useState } from "react";
import { type MutationOutcome, refusalMessageOf } from "@/lib/graphql/mutation-outcome";

export function useRowAction(onChanged: () => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  /** Runs `action` (a mutation answering in `field`); `after` follows only when it was applied. */
  const run = async (action: () => Promise<MutationOutcome>, field: string, after?: () => void) => {
    setBusy(true);
    setError(null);
    const refusal = await refusalMessageOf(action, field);
    setBusy(false);
    if (refusal) setError(refusal);
    else after?.();
    onChanged();
  };
  return { busy, error, run };
}
