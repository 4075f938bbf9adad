"use client";
// The one shape of a mutation form: its values, a field binding for inputs, busy while the mutation
// runs, the server's refusal in words (kept beside the form, values kept so the person can correct
// them), and on success an optional reset and a callback (usually: read the list again).
import { type FormEvent, useState } from "react";
import { type MutationOutcome, refusalMessageOf } from "@/lib/graphql/mutation-outcome";

export type MutationFormOptions<Values> = {
  /** The result field the mutation answers in (its typed refusal is read from there). */
  field: string;
  /** After the mutation was applied. */
  onApplied?: (values: Values) => void;
  /** Back to the initial values after success (a "new ..." form); an edit form keeps them. */
  resetOnApplied?: boolean;
};

export function useMutationForm<Values extends Record<string, unknown>>(
  initial: Values,
  send: (values: Values) => Promise<MutationOutcome>,
  { field, onApplied, resetOnApplied = false }: MutationFormOptions<Values>,
) {
  const [values, setValues] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const set = <Key extends keyof Values>(key: Key, value: Values[Key]) =>
    setValues((current) => ({ ...current, [key]: value }));

  /** value/onChange for a text, number or select control bound to a string field. */
  const bind = <Key extends { [K in keyof Values]: Values[K] extends string ? K : never }[keyof Values]>(key: Key) => ({
    value: values[key] as string,
    onChange: (event: { target: { value: string } }) => set(key, event.target.value as Values[Key]),
  });

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    const refusal = await refusalMessageOf(() => send(values), field).finally(() => setBusy(false));
    if (refusal) return setError(refusal);
    if (resetOnApplied) setValues(initial);
    onApplied?.(values);
  };

  return { values, setValues, set, bind, busy, error, setError, submit };
}
