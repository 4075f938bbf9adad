"use client";
// One line of Admin > Lines and equipment: change it in place, take it out of use or reactivate it.
import { useState } from "react";
import { useMutation } from "urql";
import { useRowAction } from "@/components/admin/use-row-action";
import { type Area, AreaSelect, numberOr, type PlantLine, Refusal } from "@/components/plant-admin/plant-form-parts";
import { DeactivateLineMutation, UpdateLineMutation } from "@/lib/graphql/plant-admin";

export function LineRow({
  line,
  areas,
  selected,
  onSelect,
  onChanged,
}: {
  line: PlantLine;
  areas: Area[];
  selected: boolean;
  onSelect: () => void;
  onChanged: () => void;
}) {
  const [editing, setEditing] = useState(false);
  const [form, setForm] = useState({ name: "", areaId: "", microStop: "", oeeTarget: "" });
  const [, update] = useMutation(UpdateLineMutation);
  const [, deactivate] = useMutation(DeactivateLineMutation);
  const id = line.id!;
  const { busy, error, run } = useRowAction(onChanged);
  return (
    <tr data-testid="plant-line" data-code={line.code} aria-selected={selected}>
      <td>
        <strong>{line.name}</strong>
        <div className="muted">
          {line.code} · {line.site?.name} › {line.area?.name}
        </div>
      </td>
      <td>
        {editing ? (
          <form
            onSubmit={(event) => {
              event.preventDefault();
              void run(
                () =>
                  update({
                    id,
                    input: {
                      name: form.name.trim(),
                      areaId: form.areaId,
                      microStopThresholdSeconds: numberOr(form.microStop),
                      oeeTarget: numberOr(form.oeeTarget),
                    },
                  }),
                "updateLine",
                () => setEditing(false),
              );
            }}
          >
            <div className="grid two">
              <div>
                <label htmlFor={`line-name-${id}`}>Name</label>
                <input
                  id={`line-name-${id}`}
                  required
                  value={form.name}
                  onChange={(event) => setForm({ ...form, name: event.target.value })}
                />
              </div>
              <div>
                <label htmlFor={`line-area-${id}`}>Area</label>
                <AreaSelect
                  id={`line-area-${id}`}
                  areas={areas}
                  value={form.areaId}
                  onChange={(areaId) => setForm({ ...form, areaId })}
                />
              </div>
              <div>
                <label htmlFor={`line-micro-${id}`}>Micro-stop threshold, seconds</label>
                <input
                  id={`line-micro-${id}`}
                  type="number"
                  min={1}
                  step={1}
                  required
                  value={form.microStop}
                  onChange={(event) => setForm({ ...form, microStop: event.target.value })}
                />
              </div>
              <div>
                <label htmlFor={`line-oee-${id}`}>OEE target, 0–1</label>
                <input
                  id={`line-oee-${id}`}
                  type="number"
                  min={0}
                  max={1}
                  step={0.01}
                  required
                  value={form.oeeTarget}
                  onChange={(event) => setForm({ ...form, oeeTarget: event.target.value })}
                />
              </div>
            </div>
            <div className="row">
              <button type="submit" className="primary" disabled={busy}>
                Save line
              </button>
              <button type="button" onClick={() => setEditing(false)}>
                Cancel
              </button>
            </div>
          </form>
        ) : (
          <span>
            micro-stop &lt; {line.microStopThresholdSeconds} s · OEE target {Math.round((line.oeeTarget ?? 0) * 100)} %
          </span>
        )}
      </td>
      <td data-testid="plant-line-status">{line.active ? "● Active" : "○ Out of use"}</td>
      <td>
        <div className="row" style={{ flexWrap: "wrap" }}>
          <button type="button" aria-pressed={selected} onClick={onSelect}>
            Equipment
          </button>
          {!editing ? (
            <button
              type="button"
              onClick={() => {
                setForm({
                  name: line.name ?? "",
                  areaId: line.area?.id ?? "",
                  microStop: String(line.microStopThresholdSeconds ?? ""),
                  oeeTarget: String(line.oeeTarget ?? ""),
                });
                setEditing(true);
              }}
            >
              Edit line
            </button>
          ) : null}
          {line.active ? (
            <button
              type="button"
              className="danger"
              disabled={busy}
              onClick={() => run(() => deactivate({ id }), "deactivateLine")}
            >
              Take out of use
            </button>
          ) : (
            <button
              type="button"
              disabled={busy}
              onClick={() => run(() => update({ id, input: { active: true } }), "updateLine")}
            >
              Reactivate
            </button>
          )}
        </div>
        <Refusal text={error} testId="plant-line-refusal" />
      </td>
    </tr>
  );
}
