"use client";
// A server refusal beside the input it names: the input is marked invalid and described by the
// message, so a screen reader reads why when the focus returns to it.
import type { FieldRefusal } from "@/lib/graphql/mutation-outcome";

/** id, aria-invalid and aria-describedby of the input `name` of a form whose inputs are `${prefix}-${name}`. */
export function fieldAttributes(prefix: string, name: string, refusal: FieldRefusal | null) {
  const invalid = refusal?.field === name;
  return {
    id: `${prefix}-${name}`,
    "aria-invalid": invalid ? (true as const) : undefined,
    "aria-describedby": invalid ? `${prefix}-${name}-error` : undefined,
  };
}

export function FieldError({ prefix, name, refusal }: { prefix: string; name: string; refusal: FieldRefusal | null }) {
  return refusal?.field === name ? (
    <p className="error" role="alert" id={`${prefix}-${name}-error`} data-testid="field-refusal" data-field={name}>
      {refusal.message}
    </p>
  ) : null;
}

/** The refusal of a form when no input of it is named (a duplicate, a PLC in use, no permission). */
export function FormRefusal({
  refusal,
  fields,
  testId,
}: {
  refusal: FieldRefusal | null;
  fields: readonly string[];
  testId: string;
}) {
  return refusal && !(refusal.field && fields.includes(refusal.field)) ? (
    <p className="error" role="alert" data-testid={testId}>
      {refusal.message}
    </p>
  ) : null;
}
