"use client";
import type { LeafReason } from "@/components/reason-picker";
import type { AndonPriority, AndonType, FaultCategory } from "@/lib/graphql/generated/graphql";

const CATEGORIES: FaultCategory[] = [
  "MECHANICAL",
  "ELECTRICAL",
  "PNEUMATIC",
  "PROCESS",
  "MATERIAL",
  "SAFETY",
  "QUALITY",
  "OTHER",
];
const ANDON_TYPES: AndonType[] = ["MAINTENANCE", "QUALITY", "MATERIAL", "SAFETY", "HELP"];
const PRIORITIES: AndonPriority[] = ["LOW", "MEDIUM", "HIGH", "CRITICAL"];

export type EntryForm = {
  bitIndex: string;
  faultCode: string;
  text: string;
  category: FaultCategory;
  andonType: AndonType;
  andonPriority: AndonPriority;
  /** "" for no suggested reason. */
  reasonId: string;
};

function Choice<T extends string>({
  id,
  label,
  value,
  options,
  onChange,
}: {
  id: string;
  label: string;
  value: T;
  options: readonly T[];
  onChange: (value: T) => void;
}) {
  return (
    <div>
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value as T)}>
        {options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </div>
  );
}

export function EntryFields({
  prefix,
  form,
  reasons,
  withBit,
  onChange,
}: {
  prefix: string;
  form: EntryForm;
  reasons: LeafReason[];
  withBit: boolean;
  onChange: (form: EntryForm) => void;
}) {
  return (
    <div className="grid two">
      {withBit ? (
        <div>
          <label htmlFor={`${prefix}-bit`}>Fault bit (0–63)</label>
          <input
            id={`${prefix}-bit`}
            type="number"
            min={0}
            max={63}
            step={1}
            required
            value={form.bitIndex}
            onChange={(event) => onChange({ ...form, bitIndex: event.target.value })}
          />
        </div>
      ) : null}
      <div>
        <label htmlFor={`${prefix}-code`}>Fault code</label>
        <input
          id={`${prefix}-code`}
          required
          pattern="[A-Z0-9_\-]+"
          title="Upper-case letters, digits, - and _"
          value={form.faultCode}
          onChange={(event) => onChange({ ...form, faultCode: event.target.value })}
        />
      </div>
      <div>
        <label htmlFor={`${prefix}-text`}>Fault text</label>
        <input
          id={`${prefix}-text`}
          required
          value={form.text}
          onChange={(event) => onChange({ ...form, text: event.target.value })}
        />
      </div>
      <Choice
        id={`${prefix}-category`}
        label="Category"
        value={form.category}
        options={CATEGORIES}
        onChange={(category) => onChange({ ...form, category })}
      />
      <Choice
        id={`${prefix}-andon-type`}
        label="Andon type"
        value={form.andonType}
        options={ANDON_TYPES}
        onChange={(andonType) => onChange({ ...form, andonType })}
      />
      <Choice
        id={`${prefix}-priority`}
        label="Andon priority"
        value={form.andonPriority}
        options={PRIORITIES}
        onChange={(andonPriority) => onChange({ ...form, andonPriority })}
      />
      <div>
        <label htmlFor={`${prefix}-reason`}>Suggested reason</label>
        <select
          id={`${prefix}-reason`}
          value={form.reasonId}
          onChange={(event) => onChange({ ...form, reasonId: event.target.value })}
        >
          <option value="">No suggestion</option>
          {reasons.map((reason) => (
            <option key={reason.id} value={reason.id}>
              {reason.path ? `${reason.path} › ${reason.name}` : reason.name}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}
