"use client";
// One tag map of a PLC: its bindings with the value the bridge last read for each machine using the
// map (or that tag's own read error), edited in place, removed, or added to.
import { useState } from "react";
import { useMutation } from "urql";
import { DataTable } from "@/components/data/data-table";
import {
  BINDING_FIELDS,
  BindingFields,
  type BindingForm,
  bindingInputOf,
  bindingRefusal,
  EMPTY_BINDING_FORM,
} from "@/components/plc-admin/binding-fields";
import { BindingRow } from "@/components/plc-admin/binding-row";
import { FormRefusal } from "@/components/plc-admin/field-error";
import type { ConnectionTest } from "@/components/plc-admin/plc-detail";
import type { PlcAdminPlcFieldsFragment, PlcAdminTagMapFieldsFragment } from "@/lib/graphql/generated/graphql";
import { type FieldRefusal, fieldRefusalOf } from "@/lib/graphql/mutation-outcome";
import { SetTagBindingMutation } from "@/lib/graphql/plc-admin";

type Equipment = NonNullable<PlcAdminPlcFieldsFragment["equipment"]>[number];

export function TagMapEditor({
  plc,
  tagMap,
  equipment,
  test,
  onChanged,
}: {
  plc: PlcAdminPlcFieldsFragment;
  tagMap: PlcAdminTagMapFieldsFragment;
  equipment: readonly Equipment[];
  test: ConnectionTest | null;
  onChanged: () => void;
}) {
  const headingId = `tag-map-${tagMap.id}-heading`;
  const codes = equipment.map((item) => item.code ?? "");
  const tagPrefixes = equipment.flatMap((item) => (item.plcTagPrefix ? [item.plcTagPrefix] : []));
  const resultsOf = (signal: string) =>
    (test?.tags ?? []).filter((tag) => tag.signal === signal && codes.includes(tag.equipmentCode ?? ""));
  return (
    <section aria-labelledby={headingId} data-testid="tag-map" data-name={tagMap.name}>
      <h3 id={headingId}>
        Tag map {tagMap.name}{" "}
        <span className="muted">
          ({tagMap.driver}, version {tagMap.version}) · read by {equipment.map((item) => item.name).join(", ")}
        </span>
      </h3>
      <DataTable
        testId="tag-bindings"
        rows={tagMap.bindings ?? []}
        rowKey={(binding) => binding.signal ?? ""}
        empty="No bindings: the bridge reads nothing with this map."
        columns={[
          { header: "Signal" },
          { header: "Address" },
          { header: "Read" },
          { header: "Live value" },
          { header: <span className="visually-hidden">Actions</span> },
        ]}
        renderRow={(binding) => (
          <BindingRow
            key={`${binding.signal}-${tagMap.version}`}
            plcId={plc.id!}
            tagMap={tagMap}
            binding={binding}
            results={resultsOf(binding.signal ?? "")}
            showEquipment={equipment.length > 1}
            tagPrefixes={tagPrefixes}
            onChanged={onChanged}
          />
        )}
      />
      <NewBinding plcId={plc.id!} tagMap={tagMap} tagPrefixes={tagPrefixes} onChanged={onChanged} />
    </section>
  );
}

function NewBinding({
  plcId,
  tagMap,
  tagPrefixes,
  onChanged,
}: {
  plcId: string;
  tagMap: PlcAdminTagMapFieldsFragment;
  tagPrefixes: readonly string[];
  onChanged: () => void;
}) {
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState<BindingForm>(EMPTY_BINDING_FORM);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<FieldRefusal | null>(null);
  const [, setBinding] = useMutation(SetTagBindingMutation);
  const headingId = `new-binding-${tagMap.id}-heading`;
  if (!open)
    return (
      <div className="row">
        <button type="button" onClick={() => setOpen(true)}>
          Add a binding to {tagMap.name}
        </button>
      </div>
    );
  return (
    <form
      aria-labelledby={headingId}
      onSubmit={async (event) => {
        event.preventDefault();
        if (busy) return;
        if (tagMap.bindings?.some((binding) => binding.signal === form.signal.trim())) {
          setRefusal({ field: "signal", message: `${form.signal.trim()} is bound already: edit its row instead.` });
          return;
        }
        setBusy(true);
        setRefusal(null);
        const outcome = bindingRefusal(
          await fieldRefusalOf(
            () => setBinding({ tagMapId: tagMap.id!, binding: bindingInputOf(form) }),
            "setTagBinding",
          ),
        );
        setBusy(false);
        setRefusal(outcome);
        if (outcome) return;
        setForm(EMPTY_BINDING_FORM);
        setOpen(false);
        onChanged();
      }}
    >
      <h4 id={headingId}>New binding in {tagMap.name}</h4>
      <BindingFields
        prefix={`new-binding-${tagMap.id}`}
        form={form}
        onChange={setForm}
        refusal={refusal}
        withSignal
        driver={tagMap.driver}
        plcId={plcId}
        tagPrefixes={tagPrefixes}
      />
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>
          Add binding
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
      <FormRefusal refusal={refusal} fields={BINDING_FIELDS} testId="new-binding-refusal" />
    </form>
  );
}
