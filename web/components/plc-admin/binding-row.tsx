"use client";
// One binding of a tag map: its settings, the bridge's last read of it (a value, or that tag's error),
// and an edit in a row below it that saves through setTagBinding (same signal, new settings).
import { Fragment, useState } from "react";
import { useMutation } from "urql";
import {
  BINDING_FIELDS,
  BindingFields,
  type BindingForm,
  bindingFormOf,
  bindingInputOf,
  bindingRefusal,
} from "@/components/plc-admin/binding-fields";
import { FormRefusal } from "@/components/plc-admin/field-error";
import type { ConnectionTest } from "@/components/plc-admin/plc-detail";
import type { PlcAdminTagMapFieldsFragment } from "@/lib/graphql/generated/graphql";
import { type FieldRefusal, fieldRefusalOf } from "@/lib/graphql/mutation-outcome";
import { RemoveTagBindingMutation, SetTagBindingMutation } from "@/lib/graphql/plc-admin";

type Binding = NonNullable<PlcAdminTagMapFieldsFragment["bindings"]>[number];
type TagResult = NonNullable<NonNullable<ConnectionTest>["tags"]>[number];

/** REALs as read carry float noise (0.699999988): six significant digits say what the PLC holds. */
function rounded(value: unknown): unknown {
  if (typeof value === "number" && !Number.isInteger(value)) return Number(value.toPrecision(6));
  return Array.isArray(value) ? value.map(rounded) : value;
}

/** A value as the bridge read it (JSON), rounded, and shortened so the table keeps its width. */
function shown(value: string | null | undefined): string {
  if (value === null || value === undefined) return "";
  let text: string;
  try {
    text = JSON.stringify(rounded(JSON.parse(value)));
  } catch {
    text = value;
  }
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

export function BindingRow({
  plcId,
  tagMap,
  binding,
  results,
  showEquipment,
  tagPrefixes,
  onChanged,
}: {
  plcId: string;
  tagMap: PlcAdminTagMapFieldsFragment;
  binding: Binding;
  results: readonly TagResult[];
  showEquipment: boolean;
  tagPrefixes: readonly string[];
  onChanged: () => void;
}) {
  const signal = binding.signal ?? "";
  const [form, setForm] = useState<BindingForm | null>(null);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<FieldRefusal | null>(null);
  const [, setBinding] = useMutation(SetTagBindingMutation);
  const [, removeBinding] = useMutation(RemoveTagBindingMutation);
  const run = async (action: Parameters<typeof fieldRefusalOf>[0], field: string, after: () => void) => {
    setBusy(true);
    setRefusal(null);
    const outcome = bindingRefusal(await fieldRefusalOf(action, field));
    setBusy(false);
    setRefusal(outcome);
    if (!outcome) {
      after();
      onChanged();
    }
  };
  const prefix = `binding-${tagMap.id}-${signal}`;
  return (
    <Fragment>
      <tr data-testid="tag-binding" data-signal={signal}>
        <td>
          <strong>{signal}</strong>
          {binding.canonical ? null : <div className="muted">sample</div>}
        </td>
        <td>
          <code data-testid="binding-address">{binding.address}</code>
          <div className="muted">
            {binding.type}
            {binding.length && binding.length > 1 ? `[${binding.length}]` : ""}
          </div>
        </td>
        <td>
          every {binding.scanMs} ms
          {binding.deadband ? <div className="muted">deadband {binding.deadband}</div> : null}
          {binding.heartbeatMs ? <div className="muted">heartbeat {binding.heartbeatMs} ms</div> : null}
        </td>
        <td data-testid="live-value" aria-live="polite">
          {results.length === 0 ? <span className="muted">–</span> : null}
          {results.map((result) => (
            <div key={`${result.equipmentCode}-${result.address}`} data-ok={String(result.ok)}>
              {showEquipment ? <span className="muted">{result.equipmentCode}: </span> : null}
              {result.ok ? (
                <code>{shown(result.value)}</code>
              ) : (
                <span className="error" data-testid="tag-error">
                  ✕ {result.error}
                </span>
              )}
            </div>
          ))}
        </td>
        <td>
          <div className="row" style={{ flexWrap: "wrap" }}>
            {form ? null : (
              <button
                type="button"
                aria-label={`Edit binding ${signal}`}
                onClick={() => {
                  setRefusal(null);
                  setForm(bindingFormOf(binding));
                }}
              >
                Edit
              </button>
            )}
            <button
              type="button"
              className="danger"
              disabled={busy}
              aria-label={`Remove binding ${signal}`}
              onClick={() =>
                run(
                  () => removeBinding({ tagMapId: tagMap.id!, signal }),
                  "removeTagBinding",
                  () => {},
                )
              }
            >
              Remove
            </button>
          </div>
          {form ? null : <FormRefusal refusal={refusal} fields={[]} testId="binding-refusal" />}
        </td>
      </tr>
      {form ? (
        <tr data-testid="binding-edit-row" data-signal={signal}>
          <td colSpan={5}>
            <form
              aria-label={`Binding ${signal} of ${tagMap.name}`}
              onSubmit={(event) => {
                event.preventDefault();
                void run(
                  () => setBinding({ tagMapId: tagMap.id!, binding: bindingInputOf(form) }),
                  "setTagBinding",
                  () => setForm(null),
                );
              }}
            >
              <BindingFields
                prefix={prefix}
                form={form}
                onChange={setForm}
                refusal={refusal}
                withSignal={false}
                driver={tagMap.driver}
                plcId={plcId}
                tagPrefixes={tagPrefixes}
              />
              <div className="row">
                <button type="submit" className="primary" disabled={busy}>
                  Save binding
                </button>
                <button type="button" onClick={() => setForm(null)}>
                  Cancel
                </button>
              </div>
              <FormRefusal refusal={refusal} fields={BINDING_FIELDS} testId="binding-refusal" />
            </form>
          </td>
        </tr>
      ) : null}
    </Fragment>
  );
}
