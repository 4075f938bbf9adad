"use client";
// A maintenance work order's status steps: start, hold with a reason, complete with the failure cause.
import { useState } from "react";
import { useMutation } from "urql";
import type { MaintenanceFieldsFragment, MaintenanceStatus } from "@/lib/graphql/generated/graphql";
import {
  CompleteMaintenanceWorkOrderMutation,
  HoldMaintenanceWorkOrderMutation,
  StartMaintenanceWorkOrderMutation,
} from "@/lib/graphql/maintenance";
import { refusalOf } from "@/lib/graphql/mutation-outcome";

export const STATUSES: MaintenanceStatus[] = ["OPEN", "ASSIGNED", "IN_PROGRESS", "ON_HOLD", "COMPLETED", "CANCELLED"];

export function Steps({ order, onChanged }: { order: MaintenanceFieldsFragment; onChanged: () => void }) {
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
