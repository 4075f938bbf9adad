"use client";
// Admin > Fault catalog: what each PLC fault bit of a machine means, the andon it raises and the
// reason it suggests to the operator. Everyone on site may read it; engineers and administrators
// (reason-code:manage) add, change and switch entries on and off. Refusals are shown beside the control.
import { type FormEvent, useMemo, useState } from "react";
import { useMutation, useQuery } from "urql";
import { AdminTabs } from "@/components/admin/admin-tabs";
import { useRowAction } from "@/components/admin/use-row-action";
import { AppShell } from "@/components/app-shell";
import { type LeafReason, leavesOf } from "@/components/reason-picker";
import {
  CreateFaultCatalogEntryMutation,
  FaultCatalogEquipmentQuery,
  FaultCatalogQuery,
  SetFaultCatalogEntryActiveMutation,
  UpdateFaultCatalogEntryMutation,
} from "@/lib/graphql/fault-catalog";
import type {
  AndonPriority,
  AndonType,
  FaultCatalogEntryFieldsFragment,
  FaultCategory,
} from "@/lib/graphql/generated/graphql";
import { refusalMessageOf, refusalOf } from "@/lib/graphql/mutation-outcome";
import { ReasonCodesQuery } from "@/lib/graphql/plant";
import { useSession } from "@/lib/react/stores";

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

type EntryForm = {
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

function EntryFields({
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

function EntryRow({
  entry,
  reasons,
  canEdit,
  onChanged,
}: {
  entry: FaultCatalogEntryFieldsFragment;
  reasons: LeafReason[];
  canEdit: boolean;
  onChanged: () => void;
}) {
  const [form, setForm] = useState<EntryForm | null>(null);
  const [, update] = useMutation(UpdateFaultCatalogEntryMutation);
  const [, setActive] = useMutation(SetFaultCatalogEntryActiveMutation);
  const id = entry.id!;
  const { busy, error, run } = useRowAction(onChanged);
  const save = (event: FormEvent) => {
    event.preventDefault();
    if (!form) return;
    const before = entry.suggestedReason?.id ?? "";
    void run(
      () =>
        update({
          id,
          input: {
            faultCode: form.faultCode.trim(),
            text: form.text.trim(),
            category: form.category,
            andonType: form.andonType,
            andonPriority: form.andonPriority,
            // Sent only when changed; "" removes the suggestion.
            suggestedReasonCodeId: form.reasonId !== before ? form.reasonId : undefined,
          },
        }),
      "updateFaultCatalogEntry",
      () => setForm(null),
    );
  };
  return (
    <tr data-testid="fault-entry" data-code={entry.faultCode}>
      <td>{entry.bitIndex}</td>
      <td>
        <strong>{entry.faultCode}</strong>
        <div>{entry.text}</div>
        <div className="muted">{entry.category}</div>
      </td>
      <td data-testid="fault-andon">
        {entry.andonType} · {entry.andonPriority}
      </td>
      <td data-testid="fault-reason">{entry.suggestedReason?.name ?? <span className="muted">no suggestion</span>}</td>
      <td>{entry.active ? "● Active" : "○ Off"}</td>
      {canEdit ? (
        <td>
          {form ? (
            <form onSubmit={save} aria-label={`Change ${entry.faultCode}`}>
              <EntryFields prefix={`entry-${id}`} form={form} reasons={reasons} withBit={false} onChange={setForm} />
              <div className="row">
                <button type="submit" className="primary" disabled={busy}>
                  Save fault
                </button>
                <button type="button" onClick={() => setForm(null)}>
                  Cancel
                </button>
              </div>
            </form>
          ) : (
            <div className="row" style={{ flexWrap: "wrap" }}>
              <button
                type="button"
                aria-label={`Change ${entry.faultCode}`}
                onClick={() =>
                  setForm({
                    bitIndex: String(entry.bitIndex ?? ""),
                    faultCode: entry.faultCode ?? "",
                    text: entry.text ?? "",
                    category: entry.category ?? "OTHER",
                    andonType: entry.andonType ?? "MAINTENANCE",
                    andonPriority: entry.andonPriority ?? "MEDIUM",
                    reasonId: entry.suggestedReason?.id ?? "",
                  })
                }
              >
                Change
              </button>
              <button
                type="button"
                className={entry.active ? "danger" : undefined}
                disabled={busy}
                aria-label={`${entry.active ? "Switch off" : "Switch on"} ${entry.faultCode}`}
                onClick={() => run(() => setActive({ id, active: !entry.active }), "setFaultCatalogEntryActive")}
              >
                {entry.active ? "Switch off" : "Switch on"}
              </button>
            </div>
          )}
          {error ? (
            <p className="error" role="alert" data-testid="fault-refusal">
              {error}
            </p>
          ) : null}
        </td>
      ) : null}
    </tr>
  );
}

function NewEntry({
  equipmentId,
  reasons,
  onCreated,
}: {
  equipmentId: string;
  reasons: LeafReason[];
  onCreated: () => void;
}) {
  const empty: EntryForm = {
    bitIndex: "",
    faultCode: "",
    text: "",
    category: "MECHANICAL",
    andonType: "MAINTENANCE",
    andonPriority: "MEDIUM",
    reasonId: "",
  };
  const [form, setForm] = useState(empty);
  const [error, setError] = useState<string | null>(null);
  const [state, create] = useMutation(CreateFaultCatalogEntryMutation);
  return (
    <form
      className="panel"
      aria-labelledby="new-fault-heading"
      onSubmit={async (event) => {
        event.preventDefault();
        setError(null);
        const refusal = await refusalMessageOf(
          () =>
            create({
              input: {
                equipmentId,
                bitIndex: Number(form.bitIndex),
                faultCode: form.faultCode.trim(),
                text: form.text.trim(),
                category: form.category,
                andonType: form.andonType,
                andonPriority: form.andonPriority,
                suggestedReasonCodeId: form.reasonId || null,
              },
            }),
          "createFaultCatalogEntry",
        );
        if (refusal) return setError(refusal);
        setForm(empty);
        onCreated();
      }}
    >
      <h2 id="new-fault-heading">New fault</h2>
      <EntryFields prefix="new-fault" form={form} reasons={reasons} withBit onChange={setForm} />
      <div className="row">
        <button type="submit" className="primary" disabled={state.fetching}>
          Add fault
        </button>
      </div>
      {error ? (
        <p className="error" role="alert" data-testid="new-fault-refusal">
          {error}
        </p>
      ) : null}
    </form>
  );
}

function FaultCatalog() {
  const session = useSession();
  const canEdit = session.status === "signed-in" && session.session.permissions.has("reason-code:manage");
  const [equipmentResult] = useQuery({ query: FaultCatalogEquipmentQuery });
  const equipment = (equipmentResult.data?.allEquipment?.edges ?? []).flatMap((edge) => (edge.node ? [edge.node] : []));
  const [chosen, setChosen] = useState<string>("");
  const equipmentId = chosen || equipment[0]?.id || "";
  const [result, refetch] = useQuery({
    query: FaultCatalogQuery,
    variables: { equipmentId },
    pause: !equipmentId,
    requestPolicy: "cache-and-network",
  });
  const again = () => refetch({ requestPolicy: "network-only" });
  const [reasonResult] = useQuery({ query: ReasonCodesQuery, pause: !canEdit });
  const reasons = useMemo(() => leavesOf(reasonResult.data?.reasonCodes ?? []), [reasonResult.data]);
  const entries = [...(result.data?.faultCatalog ?? [])].sort((a, b) => (a.bitIndex ?? 0) - (b.bitIndex ?? 0));
  const error = equipmentResult.error ?? result.error;
  return (
    <>
      <AdminTabs />
      <h1>Fault catalog</h1>
      {error ? (
        <p className="error" role="alert">
          {refusalOf(null, error)?.message}
        </p>
      ) : null}
      <section className="panel" aria-labelledby="faults-heading">
        <div className="row spread" style={{ flexWrap: "wrap" }}>
          <h2 id="faults-heading">Faults</h2>
          <div>
            <label htmlFor="fault-equipment">Equipment</label>
            <select id="fault-equipment" value={equipmentId} onChange={(event) => setChosen(event.target.value)}>
              {equipment.map((item) => (
                <option key={item.id} value={item.id!}>
                  {item.name} ({item.code}) · {item.line?.name}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div style={{ overflowX: "auto" }}>
          <table data-testid="fault-catalog">
            <thead>
              <tr>
                <th scope="col">Bit</th>
                <th scope="col">Fault</th>
                <th scope="col">Andon</th>
                <th scope="col">Suggested reason</th>
                <th scope="col">State</th>
                {canEdit ? (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {entries.length === 0 ? (
                <tr>
                  <td colSpan={canEdit ? 6 : 5} className="muted">
                    {result.fetching || equipmentResult.fetching
                      ? "Loading…"
                      : "No faults catalogued for this machine."}
                  </td>
                </tr>
              ) : null}
              {entries.map((entry) => (
                <EntryRow
                  key={`${entry.id}-${entry.active}-${entry.andonPriority}-${entry.suggestedReason?.id}-${entry.faultCode}`}
                  entry={entry}
                  reasons={reasons}
                  canEdit={canEdit}
                  onChanged={again}
                />
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {canEdit && equipmentId ? (
        <NewEntry key={equipmentId} equipmentId={equipmentId} reasons={reasons} onCreated={again} />
      ) : null}
    </>
  );
}

export default function FaultCatalogPage() {
  return (
    <AppShell screen="faultCatalog">
      <FaultCatalog />
    </AppShell>
  );
}
