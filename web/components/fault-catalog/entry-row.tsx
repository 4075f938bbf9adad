"use client";
// One fault catalog entry: change it in place, switch it off or on.
import { type FormEvent, useState } from "react";
import { useMutation } from "urql";
import { useRowAction } from "@/components/admin/use-row-action";
import { EntryFields, type EntryForm } from "@/components/fault-catalog/entry-fields";
import type { LeafReason } from "@/components/reason-picker";
import { SetFaultCatalogEntryActiveMutation, UpdateFaultCatalogEntryMutation } from "@/lib/graphql/fault-catalog";
import type { FaultCatalogEntryFieldsFragment } from "@/lib/graphql/generated/graphql";

export function EntryRow({
  entry,
  reasons,
  canEdit,
  onChanged,
}: {
  entry: FaultCatalogEntryFieldsFragment;
  reasons: LeafReason[];
  canEdit: boolean;
  onChanged: () => void;
}) {
  const [form, setForm] = useState<EntryForm | null>(null);
  const [, update] = useMutation(UpdateFaultCatalogEntryMutation);
  const [, setActive] = useMutation(SetFaultCatalogEntryActiveMutation);
  const id = entry.id!;
  const { busy, error, run } = useRowAction(onChanged);
  const save = (event: FormEvent) => {
    event.preventDefault();
    if (!form) return;
    const before = entry.suggestedReason?.id ?? "";
    void run(
      () =>
        update({
          id,
          input: {
            faultCode: form.faultCode.trim(),
            text: form.text.trim(),
            category: form.category,
            andonType: form.andonType,
            andonPriority: form.andonPriority,
            // Sent only when changed; "" removes the suggestion.
            suggestedReasonCodeId: form.reasonId !== before ? form.reasonId : undefined,
          },
        }),
      "updateFaultCatalogEntry",
      () => setForm(null),
    );
  };
  return (
    <tr data-testid="fault-entry" data-code={entry.faultCode}>
      <td>{entry.bitIndex}</td>
      <td>
        <strong>{entry.faultCode}</strong>
        <div>{entry.text}</div>
        <div className="muted">{entry.category}</div>
      </td>
      <td data-testid="fault-andon">
        {entry.andonType} · {entry.andonPriority}
      </td>
      <td data-testid="fault-reason">{entry.suggestedReason?.name ?? <span className="muted">no suggestion</span>}</td>
      <td>{entry.active ? "● Active" : "○ Off"}</td>
      {canEdit ? (
        <td>
          {form ? (
            <form onSubmit={save} aria-label={`Change ${entry.faultCode}`}>
              <EntryFields prefix={`entry-${id}`} form={form} reasons={reasons} withBit={false} onChange={setForm} />
              <div className="row">
                <button type="submit" className="primary" disabled={busy}>
                  Save fault
                </button>
                <button type="button" onClick={() => setForm(null)}>
                  Cancel
                </button>
              </div>
            </form>
          ) : (
            <div className="row" style={{ flexWrap: "wrap" }}>
              <button
                type="button"
                aria-label={`Change ${entry.faultCode}`}
                onClick={() =>
                  setForm({
                    bitIndex: String(entry.bitIndex ?? ""),
                    faultCode: entry.faultCode ?? "",
                    text: entry.text ?? "",
                    category: entry.category ?? "OTHER",
                    andonType: entry.andonType ?? "MAINTENANCE",
                    andonPriority: entry.andonPriority ?? "MEDIUM",
                    reasonId: entry.suggestedReason?.id ?? "",
                  })
                }
              >
                Change
              </button>
              <button
                type="button"
                className={entry.active ? "danger" : undefined}
                disabled={busy}
                aria-label={`${entry.active ? "Switch off" : "Switch on"} ${entry.faultCode}`}
                onClick={() => run(() => setActive({ id, active: !entry.active }), "setFaultCatalogEntryActive")}
              >
                {entry.active ? "Switch off" : "Switch on"}
              </button>
            </div>
          )}
          {error ? (
            <p className="error" role="alert" data-testid="fault-refusal">
              {error}
            </p>
          ) : null}
        </td>
      ) : null}
    </tr>
  );
}
