"use client";
// Engineer / technician > Maintenance work orders: the unfinished ones (or a chosen status) and their
// status steps: start, hold with a reason, complete with the failure cause.
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { AppShell } from "@/components/app-shell";
import { Pager } from "@/components/pager";
import { QueryError } from "@/components/query-error";
import type { MaintenanceFieldsFragment, MaintenanceStatus } from "@/lib/graphql/generated/graphql";
import {
  CompleteMaintenanceWorkOrderMutation,
  HoldMaintenanceWorkOrderMutation,
  MaintenanceWorkOrdersQuery,
  StartMaintenanceWorkOrderMutation,
} from "@/lib/graphql/maintenance";
import { refusalOf } from "@/lib/graphql/mutation-outcome";

const STATUSES: MaintenanceStatus[] = ["OPEN", "ASSIGNED", "IN_PROGRESS", "ON_HOLD", "COMPLETED", "CANCELLED"];

function Steps({ order, onChanged }: { order: MaintenanceFieldsFragment; onChanged: () => void }) {
  const [, start] = useMutation(StartMaintenanceWorkOrderMutation);
  const [, hold] = useMutation(HoldMaintenanceWorkOrderMutation);
  const [, complete] = useMutation(CompleteMaintenanceWorkOrderMutation);
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const workOrderId = order.id!;
  const step = async (
    run: () => Promise<{ payload: Parameters<typeof refusalOf>[0]; error?: Parameters<typeof refusalOf>[1] }>,
  ) => {
    setBusy(true);
    setError(null);
    const { payload, error: failure } = await run();
    setBusy(false);
    const refusal = refusalOf(payload, failure);
    if (refusal) return setError(refusal.message);
    setText("");
    onChanged();
  };
  const open = order.status !== "COMPLETED" && order.status !== "CANCELLED";
  if (!open) return null;
  return (
    <div>
      <div className="row" style={{ flexWrap: "wrap" }}>
        {order.status !== "IN_PROGRESS" ? (
          <button
            type="button"
            className="primary"
            disabled={busy}
            onClick={() =>
              step(async () => {
                const answer = await start({ workOrderId });
                return { payload: answer.data?.startMaintenanceWorkOrder, error: answer.error };
              })
            }
          >
            Start
          </button>
        ) : null}
        <label htmlFor={`mwo-text-${workOrderId}`} className="visually-hidden">
          Hold reason or failure cause
        </label>
        <input
          id={`mwo-text-${workOrderId}`}
          placeholder="Hold reason / failure cause"
          value={text}
          onChange={(event) => setText(event.target.value)}
        />
        {order.status === "IN_PROGRESS" ? (
          <>
            <button
              type="button"
              disabled={busy}
              onClick={() => {
                if (!text.trim()) return setError("Say why it is put on hold.");
                return step(async () => {
                  const answer = await hold({ workOrderId, reason: text });
                  return { payload: answer.data?.holdMaintenanceWorkOrder, error: answer.error };
                });
              }}
            >
              Hold
            </button>
            <button
              type="button"
              disabled={busy}
              onClick={() =>
                step(async () => {
                  const answer = await complete({ workOrderId, failureCause: text || null });
                  return { payload: answer.data?.completeMaintenanceWorkOrder, error: answer.error };
                })
              }
            >
              Complete
            </button>
          </>
        ) : null}
      </div>
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function MaintenanceOrders() {
  const [status, setStatus] = useState<MaintenanceStatus | "">("");
  const [after, setAfter] = useState<string | null>(null);
  const [result, refetch] = useQuery({
    query: MaintenanceWorkOrdersQuery,
    variables: { status: status ? [status] : null, after },
    requestPolicy: "cache-and-network",
  });
  const connection = result.data?.maintenanceWorkOrdersConnection;
  const orders = connection?.edges?.flatMap((edge) => (edge?.node ? [edge.node] : [])) ?? [];
  return (
    <>
      <div className="row spread">
        <h1>Maintenance work orders</h1>
        <div className="row">
          <label htmlFor="mwo-status" style={{ margin: 0 }}>
            Status
          </label>
          <select
            id="mwo-status"
            value={status}
            onChange={(event) => {
              setStatus(event.target.value as MaintenanceStatus | "");
              setAfter(null);
            }}
          >
            <option value="">Unfinished</option>
            {STATUSES.map((item) => (
              <option key={item} value={item}>
                {item}
              </option>
            ))}
          </select>
        </div>
      </div>
      <QueryError error={result.error} />
      <div className="panel" style={{ overflowX: "auto" }}>
        <table data-testid="maintenance-orders">
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Equipment</th>
              <th scope="col">Priority</th>
              <th scope="col">Status</th>
              <th scope="col">Steps</th>
            </tr>
          </thead>
          <tbody>
            {orders.length === 0 ? (
              <tr>
                <td colSpan={5} className="muted">
                  {result.fetching ? "Loading…" : "No work orders."}
                </td>
              </tr>
            ) : null}
            {orders.map((order) => (
              <tr key={order.id} data-testid="maintenance-order" data-status={order.status}>
                <td>
                  <strong>{order.number}</strong> {order.title}
                  <div className="muted">
                    {order.type} · opened {order.createdAt ? new Date(order.createdAt).toLocaleString() : ""}
                  </div>
                </td>
                <td>{order.equipment?.name}</td>
                <td>{order.priority}</td>
                <td>
                  {order.status}
                  {order.failureCause ? <div className="muted">{order.failureCause}</div> : null}
                </td>
                <td>
                  <Steps order={order} onChanged={() => refetch({ requestPolicy: "network-only" })} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager after={after} pageInfo={connection?.pageInfo} onPage={setAfter} />
    </>
  );
}

export default function MaintenancePage() {
  return (
    <AppShell screen="maintenance">
      <MaintenanceOrders />
    </AppShell>
  );
}
