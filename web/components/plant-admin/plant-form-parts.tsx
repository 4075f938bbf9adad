"use client";
import type { Criticality, PlantAdminLinesQuery as PlantAdminLinesResult } from "@/lib/graphql/generated/graphql";

export const CRITICALITIES: Criticality[] = ["LOW", "MEDIUM", "HIGH", "CRITICAL"];

export type Area = { id: string; label: string };

export type PlantLine = NonNullable<NonNullable<NonNullable<PlantAdminLinesResult["lines"]>["edges"]>[number]["node"]>;

/** A number field's value, or undefined when left empty (the server then keeps or defaults it). */
export function numberOr(value: string): number | undefined {
  return value.trim() === "" ? undefined : Number(value);
}

export function Refusal({ text, testId }: { text: string | null; testId: string }) {
  return text ? (
    <p className="error" role="alert" data-testid={testId}>
      {text}
    </p>
  ) : null;
}

export function AreaSelect({
  id,
  areas,
  value,
  onChange,
}: {
  id: string;
  areas: Area[];
  value: string;
  onChange: (v: string) => void;
}) {
  return (
    <select id={id} required value={value} onChange={(event) => onChange(event.target.value)}>
      <option value="" disabled>
        Choose an area
      </option>
      {areas.map((area) => (
        <option key={area.id} value={area.id}>
          {area.label}
        </option>
      ))}
    </select>
  );
}
