"use client";
// One tag binding as a form: signal (new bindings only), address in the map's driver syntax (picked
// from the controller's symbols on a Logix PLC), type, length, scan rate, deadband and heartbeat.
import { FieldError, fieldAttributes } from "@/components/plc-admin/field-error";
import { numberOr } from "@/components/plc-admin/plc-fields";
import { SymbolBrowser } from "@/components/plc-admin/symbol-browser";
import type { PlcAdminTagMapFieldsFragment, PlcDriver, TagType } from "@/lib/graphql/generated/graphql";
import type { FieldRefusal } from "@/lib/graphql/mutation-outcome";

type Binding = NonNullable<PlcAdminTagMapFieldsFragment["bindings"]>[number];

export const TAG_TYPES: readonly TagType[] = ["BOOL", "SINT", "INT", "DINT", "LINT", "REAL", "LREAL"];

export const BINDING_FIELDS = ["signal", "address", "type", "length", "scanMs", "deadband", "heartbeatMs"] as const;

export type BindingForm = {
  signal: string;
  address: string;
  type: TagType;
  length: string;
  scanMs: string;
  deadband: string;
  heartbeatMs: string;
};

export const EMPTY_BINDING_FORM: BindingForm = {
  signal: "",
  address: "",
  type: "DINT",
  length: "",
  scanMs: "1000",
  deadband: "",
  heartbeatMs: "",
};

export function bindingFormOf(binding: Binding): BindingForm {
  const text = (value: number | null | undefined) => (value === null || value === undefined ? "" : String(value));
  return {
    signal: binding.signal ?? "",
    address: binding.address ?? "",
    type: binding.type ?? "DINT",
    length: binding.length && binding.length > 1 ? String(binding.length) : "",
    scanMs: text(binding.scanMs),
    deadband: text(binding.deadband),
    heartbeatMs: text(binding.heartbeatMs),
  };
}

export function bindingInputOf(form: BindingForm) {
  return {
    signal: form.signal.trim(),
    address: form.address.trim(),
    type: form.type,
    length: numberOr(form.length),
    scanMs: Number(form.scanMs),
    deadband: numberOr(form.deadband),
    heartbeatMs: numberOr(form.heartbeatMs),
  };
}

/** The API names a binding's fields `binding.address`...; the form's inputs are named without the prefix. */
export function bindingRefusal(refusal: FieldRefusal | null): FieldRefusal | null {
  return refusal?.field ? { ...refusal, field: refusal.field.replace(/^binding\./, "") } : refusal;
}

export function BindingFields({
  prefix,
  form,
  onChange,
  refusal,
  withSignal,
  driver,
  plcId,
  tagPrefixes,
}: {
  prefix: string;
  form: BindingForm;
  onChange: (form: BindingForm) => void;
  refusal: FieldRefusal | null;
  withSignal: boolean;
  driver: PlcDriver | null | undefined;
  plcId: string;
  tagPrefixes: readonly string[];
}) {
  const input = (name: Exclude<keyof BindingForm, "type">, label: string, numeric: boolean, required = false) => (
    <div>
      <label htmlFor={`${prefix}-${name}`}>{label}</label>
      <input
        {...fieldAttributes(prefix, name, refusal)}
        required={required}
        {...(numeric ? { type: "number", step: "any", inputMode: "decimal" as const } : {})}
        value={form[name]}
        onChange={(event) => onChange({ ...form, [name]: event.target.value })}
      />
      <FieldError prefix={prefix} name={name} refusal={refusal} />
    </div>
  );
  return (
    <>
      <div className="grid two">
        {withSignal ? input("signal", "Signal (running, goodCount… or a sample name)", false, true) : null}
        {input(
          "address",
          driver === "SLC_PCCC" ? "Address (N7:0, B3:1/5, F8:2, T4:0.ACC)" : "Address (tag name)",
          false,
          true,
        )}
        <div>
          <label htmlFor={`${prefix}-type`}>Type</label>
          <select
            {...fieldAttributes(prefix, "type", refusal)}
            value={form.type}
            onChange={(event) => onChange({ ...form, type: event.target.value as TagType })}
          >
            {TAG_TYPES.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
          <FieldError prefix={prefix} name="type" refusal={refusal} />
        </div>
        {input("length", "Length (array elements; empty for one)", true)}
        {input("scanMs", "Scan rate, ms", true, true)}
        {input("deadband", "Deadband (empty for none)", true)}
        {input("heartbeatMs", "Heartbeat, ms (empty for none)", true)}
      </div>
      {driver === "LOGIX" ? (
        <SymbolBrowser
          plcId={plcId}
          idPrefix={prefix}
          prefixes={tagPrefixes}
          onPick={(pick) => onChange({ ...form, address: pick.address, type: pick.type ?? form.type })}
        />
      ) : null}
    </>
  );
}
