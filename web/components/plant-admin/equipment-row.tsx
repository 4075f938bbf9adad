"use client";
// One machine of a line: change it in place, take it out of use or reactivate it.
import { useState } from "react";
import { useMutation } from "urql";
import { useRowAction } from "@/components/admin/use-row-action";
import { EquipmentFields, type EquipmentForm } from "@/components/plant-admin/equipment-fields";
import { numberOr, Refusal } from "@/components/plant-admin/plant-form-parts";
import type { PlantAdminEquipmentFieldsFragment } from "@/lib/graphql/generated/graphql";
import { DeactivateEquipmentMutation, UpdateEquipmentMutation } from "@/lib/graphql/plant-admin";

export function EquipmentRow({ item, onChanged }: { item: PlantAdminEquipmentFieldsFragment; onChanged: () => void }) {
  const [editing, setEditing] = useState(false);
  const [form, setForm] = useState<EquipmentForm | null>(null);
  const [, update] = useMutation(UpdateEquipmentMutation);
  const [, deactivate] = useMutation(DeactivateEquipmentMutation);
  const id = item.id!;
  const { busy, error, run } = useRowAction(onChanged);
  return (
    <tr data-testid="plant-equipment" data-code={item.code}>
      <td>
        <strong>{item.name}</strong>
        <div className="muted">
          {item.code} · {item.kind} · #{item.sequence}
          {item.isConstraint ? " · ◆ constraint" : ""}
        </div>
      </td>
      <td>
        {editing && form ? (
          <form
            onSubmit={(event) => {
              event.preventDefault();
              void run(
                () =>
                  update({
                    id,
                    input: {
                      name: form.name.trim(),
                      kind: form.kind.trim(),
                      targetSpeedPerMinute: Number(form.speed),
                      sequence: numberOr(form.sequence),
                      criticality: form.criticality,
                      // Sent only when changed: false on the constraint leaves the line without one.
                      isConstraint: form.isConstraint !== item.isConstraint ? form.isConstraint : undefined,
                    },
                  }),
                "updateEquipment",
                () => setEditing(false),
              );
            }}
          >
            <EquipmentFields prefix={`equipment-${id}`} form={form} onChange={setForm} withCode={false} />
            <div className="row">
              <button type="submit" className="primary" disabled={busy}>
                Save equipment
              </button>
              <button type="button" onClick={() => setEditing(false)}>
                Cancel
              </button>
            </div>
          </form>
        ) : (
          <span>
            {item.targetSpeedPerMinute} /min · {item.criticality}
          </span>
        )}
      </td>
      <td data-testid="plant-equipment-status">{item.active ? "● Active" : "○ Out of use"}</td>
      <td>
        <div className="row" style={{ flexWrap: "wrap" }}>
          {!editing ? (
            <button
              type="button"
              aria-label={`Edit ${item.name}`}
              onClick={() => {
                setForm({
                  code: item.code ?? "",
                  name: item.name ?? "",
                  kind: item.kind ?? "",
                  speed: String(item.targetSpeedPerMinute ?? ""),
                  sequence: String(item.sequence ?? ""),
                  criticality: item.criticality ?? "MEDIUM",
                  isConstraint: item.isConstraint ?? false,
                });
                setEditing(true);
              }}
            >
              Edit
            </button>
          ) : null}
          {item.active ? (
            <button
              type="button"
              className="danger"
              disabled={busy}
              aria-label={`Take ${item.name} out of use`}
              onClick={() => run(() => deactivate({ id }), "deactivateEquipment")}
            >
              Take out of use
            </button>
          ) : (
            <button
              type="button"
              disabled={busy}
              aria-label={`Reactivate ${item.name}`}
              onClick={() => run(() => update({ id, input: { active: true } }), "updateEquipment")}
            >
              Reactivate
            </button>
          )}
        </div>
        <Refusal text={error} testId="plant-equipment-refusal" />
      </td>
    </tr>
  );
}
