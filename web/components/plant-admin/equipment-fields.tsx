"use client";
import { CRITICALITIES } from "@/components/plant-admin/plant-form-parts";
import type { Criticality } from "@/lib/graphql/generated/graphql";

export type EquipmentForm = {
  code: string;
  name: string;
  kind: string;
  speed: string;
  sequence: string;
  criticality: Criticality;
  isConstraint: boolean;
};

export function EquipmentFields({
  prefix,
  form,
  onChange,
  withCode,
}: {
  prefix: string;
  form: EquipmentForm;
  onChange: (form: EquipmentForm) => void;
  withCode: boolean;
}) {
  const text = (name: "code" | "name" | "kind", label: string) => (
    <div>
      <label htmlFor={`${prefix}-${name}`}>{label}</label>
      <input
        id={`${prefix}-${name}`}
        required
        value={form[name]}
        onChange={(event) => onChange({ ...form, [name]: event.target.value })}
      />
    </div>
  );
  return (
    <div className="grid two">
      {withCode ? text("code", "Equipment code") : null}
      {text("name", "Equipment name")}
      {text("kind", "Kind (bagger, palletiser…)")}
      <div>
        <label htmlFor={`${prefix}-speed`}>Nameplate speed, units per minute</label>
        <input
          id={`${prefix}-speed`}
          type="number"
          min={0}
          step="any"
          required
          value={form.speed}
          onChange={(event) => onChange({ ...form, speed: event.target.value })}
        />
      </div>
      <div>
        <label htmlFor={`${prefix}-sequence`}>Position on the line</label>
        <input
          id={`${prefix}-sequence`}
          type="number"
          min={0}
          step={1}
          value={form.sequence}
          onChange={(event) => onChange({ ...form, sequence: event.target.value })}
        />
      </div>
      <div>
        <label htmlFor={`${prefix}-criticality`}>Criticality</label>
        <select
          id={`${prefix}-criticality`}
          value={form.criticality}
          onChange={(event) => onChange({ ...form, criticality: event.target.value as Criticality })}
        >
          {CRITICALITIES.map((item) => (
            <option key={item} value={item}>
              {item}
            </option>
          ))}
        </select>
      </div>
      <label htmlFor={`${prefix}-constraint`} className="row" style={{ fontWeight: 400 }}>
        <input
          id={`${prefix}-constraint`}
          type="checkbox"
          checked={form.isConstraint}
          onChange={(event) => onChange({ ...form, isConstraint: event.target.checked })}
        />
        The line's constraint
      </label>
    </div>
  );
}
