"use client";
// Quality › Holds: work orders held by quality. An inspector puts a line's work order on hold; a
// disposition (use as is, rework, scrap) is approved with quality:manage, then the hold is released.
// Controls show only with the permission; the server refuses the steps whatever the screen shows.
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { useRowAction } from "@/components/admin/use-row-action";
import { AppShell } from "@/components/app-shell";
import { LineSelect } from "@/components/line-select";
import { QualityTabs } from "@/components/quality/quality-tabs";
import type { HoldDisposition, QualityHoldsQuery as HoldsResult } from "@/lib/graphql/generated/graphql";
import { LineScheduleQuery } from "@/lib/graphql/manager";
import { refusalMessageOf, refusalOf } from "@/lib/graphql/mutation-outcome";
import {
  DispositionQualityHoldMutation,
  PlaceQualityHoldMutation,
  QualityHoldsQuery,
  ReleaseQualityHoldMutation,
} from "@/lib/graphql/quality";
import { useSession } from "@/lib/react/stores";

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
  const [workOrderId, setWorkOrderId] = useState("");
  const [reason, setReason] = useState("");
  const [quantity, setQuantity] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [state, place] = useMutation(PlaceQualityHoldMutation);
  const chosen = workOrderId || workOrders[0]?.id || "";
  return (
    <form
      className="panel"
      aria-labelledby="place-hold-heading"
      onSubmit={async (event) => {
        event.preventDefault();
        setError(null);
        const count = quantity.trim() === "" ? null : Number(quantity);
        if (count !== null && (!Number.isInteger(count) || count <= 0))
          return setError("The quantity held is a whole number above zero, or empty for the whole order.");
        const refusal = await refusalMessageOf(
          () => place({ workOrderId: chosen, reason: reason.trim(), quantity: count }),
          "placeQualityHold",
        );
        if (refusal) return setError(refusal);
        setReason("");
        setQuantity("");
        onPlaced();
      }}
    >
      <h2 id="place-hold-heading">Put a work order on hold</h2>
      <div className="grid two">
        <div>
          <label htmlFor="hold-work-order">Work order</label>
          <select id="hold-work-order" value={chosen} onChange={(event) => setWorkOrderId(event.target.value)}>
            {workOrders.map((order) => (
              <option key={order.id} value={order.id}>
                {order.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="hold-quantity">Units held (empty: the whole order)</label>
          <input
            id="hold-quantity"
            inputMode="numeric"
            value={quantity}
            onChange={(event) => setQuantity(event.target.value)}
          />
        </div>
      </div>
      <label htmlFor="hold-reason">Reason</label>
      <input
        id="hold-reason"
        required
        maxLength={2000}
        value={reason}
        onChange={(event) => setReason(event.target.value)}
        style={{ width: "100%" }}
      />
      <div className="row" style={{ marginTop: 12 }}>
        <button type="submit" className="primary" disabled={!chosen || state.fetching}>
          Put on hold
        </button>
      </div>
      {error ? (
        <p className="error" role="alert" data-testid="place-hold-refusal">
          {error}
        </p>
      ) : null}
    </form>
  );
}

function Holds() {
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
          <table data-testid="holds">
            <tbody>
              {holds.length === 0 ? (
                <tr>
                  <td className="muted">{result.fetching ? "Loading…" : "Nothing is on hold."}</td>
                </tr>
              ) : null}
              {holds.map((hold) => (
                <HoldRow
                  key={`${hold.id}-${hold.status}`}
                  hold={hold}
                  workOrderName={nameOf.get(hold.workOrderId ?? "") ?? `Work order ${hold.workOrderId?.slice(0, 8)}`}
                  canManage={canManage}
                  onChanged={again}
                />
              ))}
            </tbody>
          </table>
        </section>
        {permissions.has("quality:perform") && workOrders.length > 0 ? (
          <PlaceHold workOrders={workOrders} onPlaced={again} />
        ) : null}
      </div>
    </>
  );
}

export default function HoldsPage() {
  return (
    <AppShell screen="holds">
      <Holds />
    </AppShell>
  );
}
