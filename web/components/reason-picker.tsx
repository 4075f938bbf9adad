"use client";
// Confirming a stop's reason in at most two taps: one to accept the suggested reason, or "Change"
// then the reason. Sent through the offline queue, so it is kept on the device while offline.
import { useMemo, useState } from "react";
import { useQuery } from "urql";
import type { DowntimeFieldsFragment, ReasonCodesQuery as ReasonCodesResult } from "@/lib/graphql/generated/graphql";
import { ReasonCodesQuery } from "@/lib/graphql/plant";
import { actionQueue } from "@/lib/offline/action-queue";
import { useQueuedActions } from "@/lib/react/stores";

export interface LeafReason {
  id: string;
  name: string;
  path: string;
}

/** The reasons one can choose (the tree's leaves), each with the path of its parents. */
export function leavesOf(nodes: ReasonCodesResult["reasonCodes"], parents: string[] = []): LeafReason[] {
  const out: LeafReason[] = [];
  for (const node of nodes ?? []) {
    const children = "children" in node ? (node.children as ReasonCodesResult["reasonCodes"]) : null;
    if (children && children.length > 0) out.push(...leavesOf(children, [...parents, node.name ?? ""]));
    else if (node.id) out.push({ id: node.id, name: node.name ?? node.code ?? node.id, path: parents.join(" › ") });
  }
  return out;
}

export function ReasonPicker({ stop, canConfirm }: { stop: DowntimeFieldsFragment; canConfirm: boolean }) {
  const [changing, setChanging] = useState(false);
  const [{ data }] = useQuery({ query: ReasonCodesQuery, pause: !changing });
  const reasons = useMemo(() => leavesOf(data?.reasonCodes ?? []), [data]);
  const queued = useQueuedActions();
  const pending = queued.find(
    (item) => item.kind === "confirmDowntimeReason" && item.variables.downtimeEventId === stop.id,
  );

  if (!canConfirm) return null;
  if (pending) {
    return (
      <p className="notice" role="status" data-testid="reason-pending">
        ◷ Pending: {pending.label}. It is kept on this tablet and sent when the connection is back.
      </p>
    );
  }

  const confirm = (reasonId: string, reasonName: string) => {
    actionQueue.enqueue(
      "confirmDowntimeReason",
      { downtimeEventId: stop.id, reasonCodeId: reasonId },
      `reason “${reasonName}” for the stop of ${stop.equipment?.name ?? "equipment"}`,
    );
    setChanging(false);
  };

  return (
    <div>
      <div className="row">
        {stop.suggestedReason?.id ? (
          <button
            type="button"
            className="primary"
            data-testid="confirm-suggested"
            onClick={() => confirm(stop.suggestedReason!.id!, stop.suggestedReason!.name ?? "suggested")}
          >
            ✓ Confirm: {stop.suggestedReason.name}
          </button>
        ) : null}
        <button type="button" aria-expanded={changing} onClick={() => setChanging((open) => !open)}>
          {stop.reason ? "Change reason" : stop.suggestedReason ? "Different reason" : "Choose reason"}
        </button>
      </div>
      {changing ? (
        <fieldset className="reason-list" aria-label="Downtime reasons" style={{ border: 0, padding: 0 }}>
          {reasons.length === 0 ? <p className="muted">Loading reasons…</p> : null}
          {reasons.map((reason) => (
            <button key={reason.id} type="button" onClick={() => confirm(reason.id, reason.name)}>
              <span>
                {reason.name}
                {reason.path ? <span className="muted"> · {reason.path}</span> : null}
              </span>
            </button>
          ))}
        </fieldset>
      ) : null}
    </div>
  );
}
