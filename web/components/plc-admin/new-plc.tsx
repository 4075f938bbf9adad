"use client";
// The form adding a PLC; the bridge polls it once equipment is bound to it.
import { useState } from "react";
import { useMutation } from "urql";
import { FormRefusal } from "@/components/plc-admin/field-error";
import {
  EMPTY_PLC_FORM,
  PLC_FORM_FIELDS,
  PlcFields,
  type PlcForm,
  plcInputOf,
} from "@/components/plc-admin/plc-fields";
import { type FieldRefusal, fieldRefusalOf } from "@/lib/graphql/mutation-outcome";
import { CreatePlcMutation } from "@/lib/graphql/plc-admin";

export function NewPlc({
  sites,
  onCreated,
}: {
  sites: { id: string | null; name: string | null }[];
  onCreated: () => void;
}) {
  const [form, setForm] = useState<PlcForm>(EMPTY_PLC_FORM);
  const [siteId, setSiteId] = useState("");
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<FieldRefusal | null>(null);
  const [, create] = useMutation(CreatePlcMutation);
  const site = siteId || sites[0]?.id || "";
  return (
    <form
      className="panel"
      aria-labelledby="new-plc-heading"
      onSubmit={async (event) => {
        event.preventDefault();
        if (busy) return;
        setBusy(true);
        setRefusal(null);
        const outcome = await fieldRefusalOf(
          () => create({ input: { siteId: site, ...plcInputOf(form) } }),
          "createPlc",
        );
        setBusy(false);
        setRefusal(outcome);
        if (outcome) return;
        setForm(EMPTY_PLC_FORM);
        onCreated();
      }}
    >
      <h2 id="new-plc-heading">New PLC</h2>
      {sites.length > 1 ? (
        <div>
          <label htmlFor="new-plc-site">Site</label>
          <select id="new-plc-site" value={site} onChange={(event) => setSiteId(event.target.value)}>
            {sites.map((item) => (
              <option key={item.id} value={item.id!}>
                {item.name}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <PlcFields prefix="new-plc" form={form} onChange={setForm} refusal={refusal} />
      <div className="row">
        <button type="submit" className="primary" disabled={busy || !site}>
          Add PLC
        </button>
      </div>
      <FormRefusal refusal={refusal} fields={PLC_FORM_FIELDS} testId="new-plc-refusal" />
    </form>
  );
}
