"use client";
// One maintenance work order: who it is assigned to (a manager gives it to a technician), its status
// steps, its tasks (add, finish done or skipped, log time), the parts used with their cost, and the
// totals; read again after every change.
import Link from "next/link";
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { DataTable } from "@/components/data/data-table";
import { Steps } from "@/components/maintenance/steps";
import { QueryError } from "@/components/query-error";
import {
  AddMaintenanceTaskMutation,
  AssignMaintenanceWorkOrderMutation,
  FinishMaintenanceTaskMutation,
  LogMaintenanceTimeMutation,
  MaintenanceWorkOrderDetailQuery,
  RecordMaintenancePartMutation,
  TechniciansQuery,
} from "@/lib/graphql/maintenance";
import { refusalOf } from "@/lib/graphql/mutation-outcome";
import { useSession } from "@/lib/react/stores";
import { useMutationForm } from "@/lib/react/use-mutation-form";

const money = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });

function minutesIn(text: string): number | null {
  const value = Number(text);
  return text.trim() !== "" && Number.isInteger(value) && value >= 0 ? value : null;
}

function Refusal({ message }: { message: string | null }) {
  return message ? (
    <p className="error" role="alert">
      {message}
    </p>
  ) : null;
}

function AssignTechnician({
  workOrderId,
  assigneeId,
  onChanged,
}: {
  workOrderId: string;
  assigneeId: string | null;
  onChanged: () => void;
}) {
  const [technicians] = useQuery({ query: TechniciansQuery });
  const [, assign] = useMutation(AssignMaintenanceWorkOrderMutation);
  const form = useMutationForm(
    { assigneeId: assigneeId ?? "" },
    (values) => assign({ workOrderId, assigneeId: values.assigneeId }),
    { field: "assignMaintenanceWorkOrder", onApplied: onChanged },
  );
  const people = (technicians.data?.users?.edges ?? []).flatMap((edge) => (edge.node ? [edge.node] : []));
  // Listing people needs user:read, which an engineer lacks: a manager assigns.
  if (technicians.error) return null;
  return (
    <form className="row" onSubmit={form.submit} data-testid="mwo-assign">
      <label htmlFor="mwo-assignee" style={{ margin: 0 }}>
        Technician
      </label>
      <select id="mwo-assignee" required {...form.bind("assigneeId")}>
        <option value="">Choose…</option>
        {people.map((person) => (
          <option key={person.id} value={person.id ?? ""}>
            {person.name} ({person.employeeId})
          </option>
        ))}
      </select>
      <button type="submit" disabled={form.busy}>
        Assign
      </button>
      <Refusal message={form.error} />
    </form>
  );
}

type Task = { id?: string | null; description?: string | null; status?: string | null; minutesSpent?: number | null };

function TaskActions({ task, canExecute, onChanged }: { task: Task; canExecute: boolean; onChanged: () => void }) {
  const [, finish] = useMutation(FinishMaintenanceTaskMutation);
  const [, log] = useMutation(LogMaintenanceTimeMutation);
  const [minutes, setMinutes] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!canExecute) return null;
  const taskId = task.id!;
  const run = async (send: () => Promise<{ refusal: string | null }>) => {
    setBusy(true);
    setError(null);
    const { refusal } = await send().finally(() => setBusy(false));
    if (refusal) return setError(refusal);
    setMinutes("");
    onChanged();
  };
  const parsed = () => {
    const value = minutesIn(minutes);
    if (minutes.trim() !== "" && value === null) setError("Enter whole minutes, 0 or more.");
    return value;
  };
  return (
    <div>
      <div className="row" style={{ flexWrap: "wrap" }}>
        <label htmlFor={`task-minutes-${taskId}`} className="visually-hidden">
          Minutes on “{task.description}”
        </label>
        <input
          id={`task-minutes-${taskId}`}
          inputMode="numeric"
          placeholder="Minutes"
          style={{ width: "7rem" }}
          value={minutes}
          onChange={(event) => setMinutes(event.target.value)}
        />
        <button
          type="button"
          disabled={busy}
          onClick={() => {
            if (minutes.trim() === "") return setError("Enter the minutes to log.");
            const value = parsed();
            if (value === null) return;
            return run(async () => {
              const answer = await log({ taskId, minutes: value });
              return { refusal: refusalOf(answer.data?.logMaintenanceTime, answer.error)?.message ?? null };
            });
          }}
        >
          Log time
        </button>
        {task.status === "TODO"
          ? (["DONE", "SKIPPED"] as const).map((outcome) => (
              <button
                key={outcome}
                type="button"
                className={outcome === "DONE" ? "primary" : undefined}
                disabled={busy}
                onClick={() => {
                  const value = parsed();
                  if (minutes.trim() !== "" && value === null) return;
                  return run(async () => {
                    const answer = await finish({ taskId, outcome, minutesSpent: value });
                    return { refusal: refusalOf(answer.data?.finishMaintenanceTask, answer.error)?.message ?? null };
                  });
                }}
              >
                {outcome === "DONE" ? "Done" : "Skip"}
              </button>
            ))
          : null}
      </div>
      <Refusal message={error} />
    </div>
  );
}

function AddTask({ workOrderId, onChanged }: { workOrderId: string; onChanged: () => void }) {
  const [, add] = useMutation(AddMaintenanceTaskMutation);
  const form = useMutationForm({ description: "" }, (values) => add({ workOrderId, description: values.description }), {
    field: "addMaintenanceTask",
    onApplied: onChanged,
    resetOnApplied: true,
  });
  return (
    <form className="row" onSubmit={form.submit} data-testid="mwo-add-task">
      <label htmlFor="mwo-new-task" style={{ margin: 0 }}>
        New task
      </label>
      <input id="mwo-new-task" required {...form.bind("description")} />
      <button type="submit" disabled={form.busy}>
        Add task
      </button>
      <Refusal message={form.error} />
    </form>
  );
}

function RecordPart({ workOrderId, onChanged }: { workOrderId: string; onChanged: () => void }) {
  const [, record] = useMutation(RecordMaintenancePartMutation);
  const form = useMutationForm(
    { partNumber: "", description: "", quantity: "1", unitCost: "" },
    (values) =>
      record({
        workOrderId,
        part: {
          partNumber: values.partNumber,
          description: values.description || null,
          quantity: Number(values.quantity),
          unitCost: values.unitCost.trim() === "" ? null : Number(values.unitCost),
        },
      }),
    { field: "recordMaintenancePart", onApplied: onChanged, resetOnApplied: true },
  );
  return (
    <form className="grid" onSubmit={form.submit} data-testid="mwo-record-part" style={{ marginTop: 8 }}>
      <div className="row" style={{ flexWrap: "wrap", alignItems: "flex-end" }}>
        <div>
          <label htmlFor="part-number">Part number</label>
          <input id="part-number" required {...form.bind("partNumber")} />
        </div>
        <div>
          <label htmlFor="part-description">Description (optional)</label>
          <input id="part-description" {...form.bind("description")} />
        </div>
        <div>
          <label htmlFor="part-quantity">Quantity</label>
          <input id="part-quantity" required inputMode="decimal" style={{ width: "6rem" }} {...form.bind("quantity")} />
        </div>
        <div>
          <label htmlFor="part-unit-cost">Unit cost (optional)</label>
          <input id="part-unit-cost" inputMode="decimal" style={{ width: "8rem" }} {...form.bind("unitCost")} />
        </div>
        <button type="submit" disabled={form.busy}>
          Record part
        </button>
      </div>
      <Refusal message={form.error} />
    </form>
  );
}

export function WorkOrderDetail({ workOrderId }: { workOrderId: string }) {
  const session = useSession();
  const permissions = session.status === "signed-in" ? session.session.permissions : new Set<string>();
  const me = session.status === "signed-in" ? session.session.user.id : null;
  const [result, refetch] = useQuery({
    query: MaintenanceWorkOrderDetailQuery,
    variables: { id: workOrderId },
    requestPolicy: "network-only",
  });
  const again = () => refetch({ requestPolicy: "network-only" });
  const order = result.data?.maintenanceWorkOrder;
  if (!order) {
    return (
      <>
        <QueryError error={result.error} />
        <p className="muted">{result.fetching ? "Loading…" : "No such work order."}</p>
      </>
    );
  }
  const open = order.status !== "COMPLETED" && order.status !== "CANCELLED";
  const canExecute = open && permissions.has("maintenance:execute");
  const tasks = order.tasks ?? [];
  const parts = order.parts ?? [];
  return (
    <div className="grid" data-testid="mwo-detail" data-status={order.status ?? undefined}>
      <div className="row spread">
        <h1>
          {order.number} · {order.title}
        </h1>
        <Link className="button" href="/maintenance">
          All work orders
        </Link>
      </div>
      <section className="panel" aria-labelledby="mwo-summary">
        <h2 id="mwo-summary">Summary</h2>
        <dl>
          <dt>Equipment</dt>
          <dd>{order.equipment?.name}</dd>
          <dt>Type and priority</dt>
          <dd>
            {order.type?.toLowerCase()} · {order.priority?.toLowerCase()}
          </dd>
          <dt>Status</dt>
          <dd data-testid="mwo-status">{order.status}</dd>
          <dt>Assigned to</dt>
          <dd data-testid="mwo-assignee">
            {order.assigneeId ? (order.assigneeId === me ? "You" : "A technician") : "Nobody yet"}
          </dd>
          <dt>Time logged</dt>
          <dd data-testid="mwo-minutes">{order.minutesSpent ?? 0} min</dd>
          <dt>Parts cost</dt>
          <dd data-testid="mwo-parts-cost">
            {money.format(order.partsCost ?? 0)}
            {order.unpricedPartCount ? ` (+ ${order.unpricedPartCount} part(s) without a price)` : ""}
          </dd>
          {order.failureCause ? (
            <>
              <dt>Failure cause</dt>
              <dd>{order.failureCause}</dd>
            </>
          ) : null}
          {order.andon?.id ? (
            <>
              <dt>From</dt>
              <dd>
                <Link className="button" href={`/andon/${order.andon.id}`}>
                  Open the andon
                </Link>
              </dd>
            </>
          ) : null}
        </dl>
        {order.description ? <p>{order.description}</p> : null}
        {open && permissions.has("maintenance:manage") ? (
          <AssignTechnician workOrderId={workOrderId} assigneeId={order.assigneeId ?? null} onChanged={again} />
        ) : null}
        {canExecute ? (
          <div style={{ marginTop: 8 }} data-testid="mwo-steps">
            <Steps order={order} onChanged={again} />
          </div>
        ) : null}
      </section>

      <section className="panel" aria-labelledby="mwo-tasks">
        <h2 id="mwo-tasks">Tasks</h2>
        <DataTable
          testId="mwo-task-table"
          rows={tasks}
          rowKey={(task) => task.id!}
          rowProps={(task) => ({ "data-testid": "mwo-task", "data-task-status": task.status ?? undefined })}
          empty="No tasks yet."
          columns={[
            { header: "#", cell: (task) => (task.position ?? 0) + 1 },
            { header: "Task", cell: (task) => task.description },
            { header: "Status", cell: (task) => task.status?.toLowerCase() },
            { header: "Minutes", cell: (task) => task.minutesSpent ?? 0 },
            {
              header: <span className="visually-hidden">Actions</span>,
              cell: (task) => <TaskActions task={task} canExecute={canExecute} onChanged={again} />,
            },
          ]}
        />
        {canExecute ? <AddTask workOrderId={workOrderId} onChanged={again} /> : null}
      </section>

      <section className="panel" aria-labelledby="mwo-parts">
        <h2 id="mwo-parts">Parts</h2>
        <DataTable
          testId="mwo-part-table"
          rows={parts}
          rowKey={(part) => part.id!}
          rowProps={() => ({ "data-testid": "mwo-part" })}
          empty="No parts recorded."
          columns={[
            { header: "Part", cell: (part) => part.partNumber },
            { header: "Description", cell: (part) => part.description ?? "" },
            { header: "Quantity", cell: (part) => part.quantity },
            { header: "Unit cost", cell: (part) => (part.unitCost == null ? "–" : money.format(part.unitCost)) },
            { header: "Cost", cell: (part) => (part.cost == null ? "–" : money.format(part.cost)) },
          ]}
        />
        {canExecute ? <RecordPart workOrderId={workOrderId} onChanged={again} /> : null}
      </section>
    </div>
  );
}
