"use client";
// One PLC of Admin > PLCs: its settings at a glance, edited in a row below it, deleted after a second
// press (the API refuses while equipment is read from it).
import { Fragment, useState } from "react";
import { useMutation } from "urql";
import { FormRefusal } from "@/components/plc-admin/field-error";
import { PLC_FORM_FIELDS, PlcFields, type PlcForm, plcInputOf } from "@/components/plc-admin/plc-fields";
import { PlcLink } from "@/components/plc-admin/plc-link";
import type { PlcAdminPlcFieldsFragment } from "@/lib/graphql/generated/graphql";
import { type FieldRefusal, fieldRefusalOf } from "@/lib/graphql/mutation-outcome";
import { DeletePlcMutation, UpdatePlcMutation } from "@/lib/graphql/plc-admin";

function formOf(plc: PlcAdminPlcFieldsFragment): PlcForm {
  return {
    name: plc.name ?? "",
    driver: plc.driver ?? "LOGIX",
    host: plc.host ?? "",
    port: String(plc.port ?? ""),
    slot: String(plc.slot ?? ""),
    timeoutMs: String(plc.timeoutMs ?? ""),
    connected: plc.connected === false ? "no" : "yes",
    model: plc.model ?? "",
  };
}

export function PlcRow({
  plc,
  selected,
  onSelect,
  onChanged,
}: {
  plc: PlcAdminPlcFieldsFragment;
  selected: boolean;
  onSelect: () => void;
  onChanged: () => void;
}) {
  const id = plc.id!;
  const [form, setForm] = useState<PlcForm | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<FieldRefusal | null>(null);
  const [, update] = useMutation(UpdatePlcMutation);
  const [, remove] = useMutation(DeletePlcMutation);
  const run = async (action: Parameters<typeof fieldRefusalOf>[0], field: string, after: () => void) => {
    setBusy(true);
    setRefusal(null);
    const outcome = await fieldRefusalOf(action, field);
    setBusy(false);
    setRefusal(outcome);
    if (!outcome) after();
    onChanged();
  };
  return (
    <Fragment>
      <tr data-testid="plc-row" data-name={plc.name}>
        <td>
          <strong>{plc.name}</strong>
          <div className="muted">{plc.model}</div>
          <div data-testid="plc-driver">{plc.driver}</div>
        </td>
        <td>
          <span data-testid="plc-address">
            {plc.host}:{plc.port} · slot {plc.slot}
          </span>
          <div className="muted">
            {plc.timeoutMs} ms timeout · {plc.connected ? "connected" : "unconnected"}
          </div>
        </td>
        <td>
          {(plc.scanGroups ?? []).length === 0 ? <span className="muted">none</span> : null}
          {(plc.scanGroups ?? []).map((group) => (
            <div key={group.scanMs} style={{ whiteSpace: "nowrap" }}>
              {group.tagCount} @ {group.scanMs} ms
            </div>
          ))}
        </td>
        <td data-testid="plc-link">
          <PlcLink plc={plc} />
        </td>
        <td>
          <div className="row" style={{ flexWrap: "wrap" }}>
            <button type="button" aria-pressed={selected} aria-label={`Tags of ${plc.name}`} onClick={onSelect}>
              Tags
            </button>
            {form ? null : (
              <button
                type="button"
                aria-label={`Edit ${plc.name}`}
                onClick={() => {
                  setRefusal(null);
                  setForm(formOf(plc));
                }}
              >
                Edit
              </button>
            )}
            {confirming ? (
              <>
                <button
                  type="button"
                  className="danger"
                  disabled={busy}
                  aria-label={`Confirm deleting ${plc.name}`}
                  onClick={() =>
                    run(
                      () => remove({ id }),
                      "deletePlc",
                      () => setConfirming(false),
                    )
                  }
                >
                  Confirm delete
                </button>
                <button type="button" onClick={() => setConfirming(false)}>
                  Keep
                </button>
              </>
            ) : (
              <button
                type="button"
                className="danger"
                aria-label={`Delete ${plc.name}`}
                onClick={() => {
                  setRefusal(null);
                  setConfirming(true);
                }}
              >
                Delete
              </button>
            )}
          </div>
          {form ? null : <FormRefusal refusal={refusal} fields={[]} testId="plc-refusal" />}
        </td>
      </tr>
      {form ? (
        <tr data-testid="plc-edit-row">
          <td colSpan={5}>
            <form
              aria-label={`Settings of ${plc.name}`}
              onSubmit={(event) => {
                event.preventDefault();
                void run(
                  () => update({ id, input: plcInputOf(form) }),
                  "updatePlc",
                  () => setForm(null),
                );
              }}
            >
              <PlcFields prefix={`plc-${id}`} form={form} onChange={setForm} refusal={refusal} />
              <div className="row">
                <button type="submit" className="primary" disabled={busy}>
                  Save PLC
                </button>
                <button type="button" onClick={() => setForm(null)}>
                  Cancel
                </button>
              </div>
              <FormRefusal refusal={refusal} fields={PLC_FORM_FIELDS} testId="plc-refusal" />
            </form>
          </td>
        </tr>
      ) : null}
    </Fragment>
  );
}
