"use client";
// Admin > Lines and equipment: the plant's lines by site and area and each line's equipment; add a
// line or a machine, change one, take it out of use or back. A refusal (duplicate code, work still in
// progress...) is shown beside the control and the lists are read again from the server.
import { type FormEvent, useState } from "react";
import { useMutation, useQuery } from "urql";
import { AdminTabs } from "@/components/admin/admin-tabs";
import { useRowAction } from "@/components/admin/use-row-action";
import { AppShell } from "@/components/app-shell";
import { Pager } from "@/components/pager";
import { QueryError } from "@/components/query-error";
import type {
  Criticality,
  PlantAdminEquipmentFieldsFragment,
  PlantAdminLinesQuery as PlantAdminLinesResult,
} from "@/lib/graphql/generated/graphql";
import { refusalMessageOf } from "@/lib/graphql/mutation-outcome";
import {
  CreateEquipmentMutation,
  CreateLineMutation,
  DeactivateEquipmentMutation,
  DeactivateLineMutation,
  PlantAdminEquipmentQuery,
  PlantAdminLinesQuery,
  UpdateEquipmentMutation,
  UpdateLineMutation,
} from "@/lib/graphql/plant-admin";

const CRITICALITIES: Criticality[] = ["LOW", "MEDIUM", "HIGH", "CRITICAL"];

type Area = { id: string; label: string };

type PlantLine = NonNullable<NonNullable<NonNullable<PlantAdminLinesResult["lines"]>["edges"]>[number]["node"]>;

/** A number field's value, or undefined when left empty (the server then keeps or defaults it). */
function numberOr(value: string): number | undefined {
  return value.trim() === "" ? undefined : Number(value);
}

function Refusal({ text, testId }: { text: string | null; testId: string }) {
  return text ? (
    <p className="error" role="alert" data-testid={testId}>
      {text}
    </p>
  ) : null;
}

function AreaSelect({
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

function NewLine({ areas, onCreated }: { areas: Area[]; onCreated: () => void }) {
  const [state, create] = useMutation(CreateLineMutation);
  const empty = { areaId: "", code: "", name: "", microStop: "", oeeTarget: "" };
  const [form, setForm] = useState(empty);
  const [error, setError] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const refusal = await refusalMessageOf(
      () =>
        create({
          input: {
            areaId: form.areaId,
            code: form.code.trim(),
            name: form.name.trim(),
            microStopThresholdSeconds: numberOr(form.microStop),
            oeeTarget: numberOr(form.oeeTarget),
          },
        }),
      "createLine",
    );
    if (refusal) return setError(refusal);
    setForm(empty);
    onCreated();
  };
  return (
    <form className="panel" aria-labelledby="new-line-heading" onSubmit={submit}>
      <h2 id="new-line-heading">New line</h2>
      <div className="grid two">
        <div>
          <label htmlFor="new-line-area">Area</label>
          <AreaSelect
            id="new-line-area"
            areas={areas}
            value={form.areaId}
            onChange={(areaId) => setForm({ ...form, areaId })}
          />
        </div>
        <div>
          <label htmlFor="new-line-code">Line code</label>
          <input
            id="new-line-code"
            required
            pattern="[a-z0-9-]+"
            title="Lower case letters, digits and '-'"
            value={form.code}
            onChange={(event) => setForm({ ...form, code: event.target.value })}
          />
        </div>
        <div>
          <label htmlFor="new-line-name">Line name</label>
          <input
            id="new-line-name"
            required
            value={form.name}
            onChange={(event) => setForm({ ...form, name: event.target.value })}
          />
        </div>
        <div>
          <label htmlFor="new-line-micro">Micro-stop threshold, seconds (120 if empty)</label>
          <input
            id="new-line-micro"
            type="number"
            min={1}
            step={1}
            value={form.microStop}
            onChange={(event) => setForm({ ...form, microStop: event.target.value })}
          />
        </div>
        <div>
          <label htmlFor="new-line-oee">OEE target, 0–1 (0.85 if empty)</label>
          <input
            id="new-line-oee"
            type="number"
            min={0}
            max={1}
            step={0.01}
            value={form.oeeTarget}
            onChange={(event) => setForm({ ...form, oeeTarget: event.target.value })}
          />
        </div>
      </div>
      <div className="row">
        <button type="submit" className="primary" disabled={state.fetching}>
          Add line
        </button>
      </div>
      <Refusal text={error} testId="new-line-refusal" />
    </form>
  );
}

function LineRow({
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

type EquipmentForm = {
  code: string;
  name: string;
  kind: string;
  speed: string;
  sequence: string;
  criticality: Criticality;
  isConstraint: boolean;
};

function EquipmentFields({
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

function EquipmentRow({ item, onChanged }: { item: PlantAdminEquipmentFieldsFragment; onChanged: () => void }) {
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

function LineEquipment({ line }: { line: PlantLine }) {
  const [result, refetch] = useQuery({
    query: PlantAdminEquipmentQuery,
    variables: { lineId: line.id! },
    requestPolicy: "cache-and-network",
  });
  const again = () => refetch({ requestPolicy: "network-only" });
  const [state, create] = useMutation(CreateEquipmentMutation);
  const empty: EquipmentForm = {
    code: "",
    name: "",
    kind: "",
    speed: "",
    sequence: "",
    criticality: "MEDIUM",
    isConstraint: false,
  };
  const [form, setForm] = useState(empty);
  const [error, setError] = useState<string | null>(null);
  const equipment = (result.data?.allEquipment?.edges ?? []).flatMap((edge) => (edge.node ? [edge.node] : []));
  return (
    <section className="panel" aria-labelledby="equipment-heading">
      <h2 id="equipment-heading">Equipment of {line.name}</h2>
      <QueryError error={result.error} />
      <div style={{ overflowX: "auto" }}>
        <table data-testid="plant-equipment-table">
          <thead>
            <tr>
              <th scope="col">Equipment</th>
              <th scope="col">Settings</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {equipment.length === 0 ? (
              <tr>
                <td colSpan={4} className="muted">
                  {result.fetching ? "Loading…" : "No equipment on this line yet."}
                </td>
              </tr>
            ) : null}
            {equipment.map((item) => (
              <EquipmentRow
                key={`${item.id}-${item.active}-${item.name}-${item.isConstraint}`}
                item={item}
                onChanged={again}
              />
            ))}
          </tbody>
        </table>
      </div>
      <form
        aria-labelledby="new-equipment-heading"
        onSubmit={async (event) => {
          event.preventDefault();
          setError(null);
          const refusal = await refusalMessageOf(
            () =>
              create({
                input: {
                  lineId: line.id!,
                  code: form.code.trim(),
                  name: form.name.trim(),
                  kind: form.kind.trim(),
                  targetSpeedPerMinute: Number(form.speed),
                  sequence: numberOr(form.sequence),
                  criticality: form.criticality,
                  isConstraint: form.isConstraint,
                },
              }),
            "createEquipment",
          );
          if (refusal) return setError(refusal);
          setForm(empty);
          again();
        }}
      >
        <h3 id="new-equipment-heading">New equipment on {line.name}</h3>
        <EquipmentFields prefix="new-equipment" form={form} onChange={setForm} withCode />
        <div className="row">
          <button type="submit" className="primary" disabled={state.fetching}>
            Add equipment
          </button>
        </div>
        <Refusal text={error} testId="new-equipment-refusal" />
      </form>
    </section>
  );
}

function LinesAndEquipment() {
  const [after, setAfter] = useState<string | null>(null);
  const [result, refetch] = useQuery({
    query: PlantAdminLinesQuery,
    variables: { after },
    requestPolicy: "cache-and-network",
  });
  const again = () => refetch({ requestPolicy: "network-only" });
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const sites = (result.data?.sites?.edges ?? []).flatMap((edge) => (edge.node ? [edge.node] : []));
  const areas: Area[] = sites.flatMap((site) =>
    (site.areas ?? []).map((area) => ({ id: area.id!, label: `${site.name} › ${area.name}` })),
  );
  const lines = (result.data?.lines?.edges ?? []).flatMap((edge) => (edge.node ? [edge.node] : []));
  const pageInfo = result.data?.lines?.pageInfo;
  const selected = lines.find((line) => line.id === selectedId) ?? lines[0];
  return (
    <>
      <AdminTabs />
      <h1>Lines and equipment</h1>
      <QueryError error={result.error} />
      <section className="panel" aria-labelledby="lines-heading">
        <h2 id="lines-heading">Lines</h2>
        <div style={{ overflowX: "auto" }}>
          <table data-testid="plant-lines">
            <thead>
              <tr>
                <th scope="col">Line</th>
                <th scope="col">Settings</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {lines.length === 0 ? (
                <tr>
                  <td colSpan={4} className="muted">
                    {result.fetching ? "Loading…" : "No lines yet."}
                  </td>
                </tr>
              ) : null}
              {lines.map((line) => (
                <LineRow
                  key={`${line.id}-${line.active}-${line.name}-${line.area?.id}`}
                  line={line}
                  areas={areas}
                  selected={line.id === selected?.id}
                  onSelect={() => setSelectedId(line.id ?? null)}
                  onChanged={again}
                />
              ))}
            </tbody>
          </table>
        </div>
        <Pager after={after} pageInfo={pageInfo} onPage={setAfter} />
      </section>
      {selected ? <LineEquipment key={selected.id} line={selected} /> : null}
      <NewLine areas={areas} onCreated={again} />
    </>
  );
}

export default function PlantAdminPage() {
  return (
    <AppShell screen="plant">
      <LinesAndEquipment />
    </AppShell>
  );
}
