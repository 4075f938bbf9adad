"use client";
// The form adding a fault catalog entry on a machine's PLC fault bit.
import { useMutation } from "urql";
import { EntryFields, type EntryForm } from "@/components/fault-catalog/entry-fields";
import type { LeafReason } from "@/components/reason-picker";
import { CreateFaultCatalogEntryMutation } from "@/lib/graphql/fault-catalog";
import { useMutationForm } from "@/lib/react/use-mutation-form";

export function NewEntry({
  equipmentId,
  reasons,
  onCreated,
}: {
  equipmentId: string;
  reasons: LeafReason[];
  onCreated: () => void;
}) {
  const empty: EntryForm = {
    bitIndex: "",
    faultCode: "",
    text: "",
    category: "MECHANICAL",
    andonType: "MAINTENANCE",
    andonPriority: "MEDIUM",
    reasonId: "",
  };
  const [, create] = useMutation(CreateFaultCatalogEntryMutation);
  const form = useMutationForm(
    empty,
    (values) =>
      create({
        input: {
          equipmentId,
          bitIndex: Number(values.bitIndex),
          faultCode: values.faultCode.trim(),
          text: values.text.trim(),
          category: values.category,
          andonType: values.andonType,
          andonPriority: values.andonPriority,
          suggestedReasonCodeId: values.reasonId || null,
        },
      }),
    { field: "createFaultCatalogEntry", resetOnApplied: true, onApplied: onCreated },
  );
  return (
    <form className="panel" aria-labelledby="new-fault-heading" onSubmit={form.submit}>
      <h2 id="new-fault-heading">New fault</h2>
      <EntryFields prefix="new-fault" form={form.values} reasons={reasons} withBit onChange={form.setValues} />
      <div className="row">
        <button type="submit" className="primary" disabled={form.busy}>
          Add fault
        </button>
      </div>
      {form.error ? (
        <p className="error" role="alert" data-testid="new-fault-refusal">
          {form.error}
        </p>
      ) : null}
    </form>
  );
}
