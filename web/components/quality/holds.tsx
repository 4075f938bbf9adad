"use client";
// Quality › Holds: work orders held by quality. An inspector puts a line's work order on hold; a
// disposition (use as is, rework, scrap) is approved with quality:manage, then the hold is released.
// Controls show only with the permission; the server refuses the steps whatever the screen shows.
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { useRowAction } from "@/components/admin/use-row-action";
import { DataTable } from "@/components/data/data-table";
import { LineSelect } from "@/components/line-select";
import { QualityTabs } from "@/components/quality/quality-tabs";
import type { HoldDisposition, QualityHoldsQuery as HoldsResult } from "@/lib/graphql/generated/graphql";
import { LineScheduleQuery } from "@/lib/graphql/manager";
import { refusalOf } from "@/lib/graphql/mutation-outcome";
import {
  DispositionQualityHoldMutation,
  PlaceQualityHoldMutation,
  QualityHoldsQuery,
  ReleaseQualityHoldMutation,
} from "@/lib/graphql/quality";
import { useSession } from "@/lib/react/stores";
import { useMutationForm } from "@/lib/react/use-mutation-form";

type Hold = NonNullable<HoldsResult["qualityHolds"]>[number];

const DISPOSITIONS: { value: HoldDisposition; label: string }[] = [
  { value: "USE_AS_IS", label: "Use as is" },
  { value: "REWORK", label: "Rework" },
  { value: "SCRAP", label: "Scrap" },
];
const STATUS_WORDS: Record<string, string> = {
  ON_HOLD: "⏸ On hold",
  DISPOSITIONED: "◐ Dispositioned",
  RELEASED: "✓ Released",
};

function HoldRow({
  hold,
  workOrderName,
  canManage,
  onChanged,
}: {
  hold: Hold;
  workOrderName: string;
  canManage: boolean;
  onChanged: () => void;
}) {
  const [disposition, setDisposition] = useState<HoldDisposition>("USE_AS_IS");
  const [note, setNote] = useState("");
  const [, approve] = useMutation(DispositionQualityHoldMutation);
  const [, release] = useMutation(ReleaseQualityHoldMutation);
  const { busy, error, run } = useRowAction(onChanged);
  const id = hold.id!;
  return (
    <tr data-testid="hold" data-status={hold.status}>
      <td>
        <strong>{workOrderName}</strong>
        <div>{hold.reason}</div>
        <div className="muted">
          {hold.quantity ? `${hold.quantity} units · ` : ""}held {new Date(hold.placedAt ?? "").toLocaleString()}
        </div>
      </td>
      <td data-testid="hold-status">
        {STATUS_WORDS[hold.status ?? ""] ?? hold.status}
        {hold.disposition ? (
          <div>
            {DISPOSITIONS.find((item) => item.value === hold.disposition)?.label}
            {hold.dispositionNote ? ` · ${hold.dispositionNote}` : ""}
          </div>
        ) : null}
      </td>
      {canManage ? (
        <td>
          {hold.status === "ON_HOLD" ? (
            <form
              className="row"
              style={{ alignItems: "flex-end" }}
              onSubmit={(event) => {
                event.preventDefault();
                void run(
                  () => approve({ holdId: id, disposition, note: note.trim() || null }),
                  "dispositionQualityHold",
                );
              }}
            >
              <div>
                <label htmlFor={`disposition-${id}`}>Disposition</label>
                <select
                  id={`disposition-${id}`}
                  value={disposition}
                  onChange={(event) => setDisposition(event.target.value as HoldDisposition)}
                >
                  {DISPOSITIONS.map((item) => (
                    <option key={item.value} value={item.value}>
                      {item.label}
                    </option>
                  ))}
                </select>
              </div>
              <div>
                <label htmlFor={`disposition-note-${id}`}>Note</label>
                <input
                  id={`disposition-note-${id}`}
                  maxLength={2000}
                  value={note}
                  onChange={(event) => setNote(event.target.value)}
                />
              </div>
              <button type="submit" className="primary" disabled={busy}>
                Approve disposition
              </button>
            </form>
          ) : null}
          {hold.status === "DISPOSITIONED" ? (
            <button
              type="button"
              className="primary"
              disabled={busy}
              onClick={() => run(() => release({ holdId: id }), "releaseQualityHold")}
            >
              Release
            </button>
          ) : null}
          {error ? (
            <p className="error" role="alert" data-testid="hold-refusal">
              {error}
            </p>
          ) : null}
        </td>
      ) : null}
    </tr>
  );
}

function PlaceHold({ workOrders, onPlaced }: { workOrders: { id: string; name: string }[]; onPlaced: () => void }) {
  const [, place] = useMutation(PlaceQualityHoldMutation);
  const form = useMutationForm(
    { workOrderId: "", reason: "", quantity: "" },
    (values) =>
      place({
        workOrderId: values.workOrderId || workOrders[0]?.id || "",
        reason: values.reason.trim(),
        quantity: values.quantity.trim() === "" ? null : Number(values.quantity),
      }),
    { field: "placeQualityHold", resetOnApplied: true, onApplied: onPlaced },
  );
  const chosen = form.values.workOrderId || workOrders[0]?.id || "";
  return (
    <form
      className="panel"
      aria-labelledby="place-hold-heading"
      onSubmit={(event) => {
        event.preventDefault();
        const quantity = form.values.quantity.trim();
        if (quantity !== "" && (!/^\d+$/.test(quantity) || Number(quantity) <= 0))
          return form.setError("The quantity held is a whole number above zero, or empty for the whole order.");
        void form.submit();
      }}
    >
      <h2 id="place-hold-heading">Put a work order on hold</h2>
      <div className="grid two">
        <div>
          <label htmlFor="hold-work-order">Work order</label>
          <select id="hold-work-order" {...form.bind("workOrderId")} value={chosen}>
            {workOrders.map((order) => (
              <option key={order.id} value={order.id}>
                {order.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="hold-quantity">Units held (empty: the whole order)</label>
          <input id="hold-quantity" inputMode="numeric" {...form.bind("quantity")} />
        </div>
      </div>
      <label htmlFor="hold-reason">Reason</label>
      <input id="hold-reason" required maxLength={2000} {...form.bind("reason")} style={{ width: "100%" }} />
      <div className="row" style={{ marginTop: 12 }}>
        <button type="submit" className="primary" disabled={!chosen || form.busy}>
          Put on hold
        </button>
      </div>
      {form.error ? (
        <p className="error" role="alert" data-testid="place-hold-refusal">
          {form.error}
        </p>
      ) : null}
    </form>
  );
}

export function Holds() {
  const session = useSession();
  const permissions = session.status === "signed-in" ? session.session.permissions : new Set<string>();
  const [lineId, setLineId] = useState<string | null>(null);
  const [showReleased, setShowReleased] = useState(false);
  const [result, refetch] = useQuery({
    query: QualityHoldsQuery,
    variables: { statuses: showReleased ? ["ON_HOLD", "DISPOSITIONED", "RELEASED"] : ["ON_HOLD", "DISPOSITIONED"] },
    requestPolicy: "cache-and-network",
  });
  const again = () => refetch({ requestPolicy: "network-only" });
  const [scheduleResult] = useQuery({ query: LineScheduleQuery, variables: { lineId: lineId ?? "" }, pause: !lineId });
  const workOrders = (scheduleResult.data?.workOrders?.edges ?? []).flatMap((edge) =>
    edge.node?.id
      ? [{ id: edge.node.id, name: `${edge.node.number} · ${edge.node.productType?.name ?? ""} (${edge.node.status})` }]
      : [],
  );
  const nameOf = new Map(workOrders.map((order) => [order.id, order.name]));
  const holds = result.data?.qualityHolds ?? [];
  const canManage = permissions.has("quality:manage");
  return (
    <>
      <QualityTabs />
      <div className="row spread">
        <h1>Holds</h1>
        <LineSelect value={lineId} onChange={setLineId} />
      </div>
      <div className="grid">
        <section className="panel" aria-labelledby="holds-heading">
          <div className="row spread">
            <h2 id="holds-heading">Held work orders</h2>
            <label className="row" style={{ margin: 0, minHeight: 44 }}>
              <input
                type="checkbox"
                checked={showReleased}
                onChange={(event) => setShowReleased(event.target.checked)}
              />
              Show released
            </label>
          </div>
          {result.error ? (
            <p className="error" role="alert">
              {refusalOf(null, result.error)?.message}
            </p>
          ) : null}
          <DataTable
            testId="holds"
            columns={[
              { header: "Work order" },
              { header: "Status" },
              ...(canManage ? [{ header: <span className="visually-hidden">Actions</span> }] : []),
            ]}
            rows={holds}
            rowKey={(hold) => hold.id ?? ""}
            renderRow={(hold) => (
              <HoldRow
                key={`${hold.id}-${hold.status}`}
                hold={hold}
                workOrderName={nameOf.get(hold.workOrderId ?? "") ?? `Work order ${hold.workOrderId?.slice(0, 8)}`}
                canManage={canManage}
                onChanged={again}
              />
            )}
            loading={result.fetching}
            empty="Nothing is on hold."
          />
        </section>
        {permissions.has("quality:perform") && workOrders.length > 0 ? (
          <PlaceHold workOrders={workOrders} onPlaced={again} />
        ) : null}
      </div>
    </>
  );
}
