"use client";
import type { Role } from "@/lib/graphql/generated/graphql";
import { ROLE_NAMES, ROLES } from "@/lib/navigation";

export type Shown = { title: string; secrets: { label: string; value: string }[] };

export function secretsOf(data: { temporaryPassword?: string | null; temporaryPin?: string | null }) {
  return [
    ...(data.temporaryPassword ? [{ label: "Temporary password", value: data.temporaryPassword }] : []),
    ...(data.temporaryPin ? [{ label: "Temporary PIN", value: data.temporaryPin }] : []),
  ];
}

export function RoleChoices({
  idPrefix,
  value,
  onChange,
}: {
  idPrefix: string;
  value: Role[];
  onChange: (roles: Role[]) => void;
}) {
  return (
    <fieldset className="row" style={{ border: 0, padding: 0, margin: 0, flexWrap: "wrap" }}>
      <legend className="visually-hidden">Roles</legend>
      {ROLES.map((role) => (
        <label key={role} htmlFor={`${idPrefix}-${role}`} className="row" style={{ fontWeight: 400, margin: 0 }}>
          <input
            id={`${idPrefix}-${role}`}
            type="checkbox"
            checked={value.includes(role)}
            onChange={(event) =>
              onChange(event.target.checked ? [...value, role] : value.filter((item) => item !== role))
            }
          />
          {ROLE_NAMES[role]}
        </label>
      ))}
    </fieldset>
  );
}
