"use client";
// The settings of one PLC as a form: driver, address, slot, timeout, messaging and model, each with
// the server's refusal beside it.
import { FieldError, fieldAttributes } from "@/components/plc-admin/field-error";
import type { PlcDriver } from "@/lib/graphql/generated/graphql";
import type { FieldRefusal } from "@/lib/graphql/mutation-outcome";

/** The drivers the bridge has; MODBUS_TCP and OPC_UA are in the enum but not read yet. */
export const BRIDGE_DRIVERS: { value: PlcDriver; label: string }[] = [
  { value: "LOGIX", label: "Logix (ControlLogix / CompactLogix)" },
  { value: "SLC_PCCC", label: "SLC 500 / MicroLogix (PCCC)" },
];

export type PlcForm = {
  name: string;
  driver: PlcDriver;
  host: string;
  port: string;
  slot: string;
  timeoutMs: string;
  connected: "yes" | "no";
  model: string;
};

export const PLC_FORM_FIELDS = ["name", "driver", "host", "port", "slot", "timeoutMs", "connected", "model"] as const;

export const EMPTY_PLC_FORM: PlcForm = {
  name: "",
  driver: "LOGIX",
  host: "",
  port: "44818",
  slot: "0",
  timeoutMs: "2000",
  connected: "yes",
  model: "",
};

/** A number input's value, or undefined when left empty (the server then keeps or defaults it). */
export function numberOr(value: string): number | undefined {
  return value.trim() === "" ? undefined : Number(value);
}

/** The form's values as the API's PLC input (without the site, which only a new PLC takes). */
export function plcInputOf(form: PlcForm) {
  return {
    name: form.name.trim(),
    driver: form.driver,
    host: form.host.trim(),
    port: numberOr(form.port),
    slot: numberOr(form.slot),
    timeoutMs: numberOr(form.timeoutMs),
    connected: form.connected === "yes",
    model: form.model.trim() || undefined,
  };
}

export function PlcFields({
  prefix,
  form,
  onChange,
  refusal,
}: {
  prefix: string;
  form: PlcForm;
  onChange: (form: PlcForm) => void;
  refusal: FieldRefusal | null;
}) {
  const text = (name: "name" | "host" | "model", label: string, required = true) => (
    <div>
      <label htmlFor={`${prefix}-${name}`}>{label}</label>
      <input
        {...fieldAttributes(prefix, name, refusal)}
        required={required}
        value={form[name]}
        onChange={(event) => onChange({ ...form, [name]: event.target.value })}
      />
      <FieldError prefix={prefix} name={name} refusal={refusal} />
    </div>
  );
  const number = (name: "port" | "slot" | "timeoutMs", label: string) => (
    <div>
      <label htmlFor={`${prefix}-${name}`}>{label}</label>
      <input
        {...fieldAttributes(prefix, name, refusal)}
        type="number"
        inputMode="numeric"
        step={1}
        value={form[name]}
        onChange={(event) => onChange({ ...form, [name]: event.target.value })}
      />
      <FieldError prefix={prefix} name={name} refusal={refusal} />
    </div>
  );
  return (
    <div className="grid two">
      {text("name", "PLC name")}
      <div>
        <label htmlFor={`${prefix}-driver`}>Driver</label>
        <select
          {...fieldAttributes(prefix, "driver", refusal)}
          value={form.driver}
          onChange={(event) => onChange({ ...form, driver: event.target.value as PlcDriver })}
        >
          {BRIDGE_DRIVERS.map((driver) => (
            <option key={driver.value} value={driver.value}>
              {driver.label}
            </option>
          ))}
        </select>
        <FieldError prefix={prefix} name="driver" refusal={refusal} />
      </div>
      {text("host", "Address (host name or IP)")}
      {number("port", "EtherNet/IP port")}
      {number("slot", "CPU slot")}
      {number("timeoutMs", "Request timeout, ms")}
      <div>
        <label htmlFor={`${prefix}-connected`}>Messaging</label>
        <select
          {...fieldAttributes(prefix, "connected", refusal)}
          value={form.connected}
          onChange={(event) => onChange({ ...form, connected: event.target.value as "yes" | "no" })}
        >
          <option value="yes">Connected (Forward Open)</option>
          <option value="no">Unconnected</option>
        </select>
      </div>
      {text("model", "Model (as documented)", false)}
    </div>
  );
}
