"use client";
// Manager > Jobs: give an operator a job on a line, see the line's jobs and cancel one with a reason;
// the line's schedules and work orders alongside, read-only.
import { useMemo, useState } from "react";
import { useMutation, useQuery } from "urql";
import { AppShell } from "@/components/app-shell";
import { LineSelect } from "@/components/line-select";
import { QueryError } from "@/components/query-error";
import type { LineJobFieldsFragment } from "@/lib/graphql/generated/graphql";
import {
  AssignJobMutation,
  CancelJobMutation,
  LineJobsQuery,
  LineScheduleQuery,
  OperatorsQuery,
} from "@/lib/graphql/manager";
import { refusalOf } from "@/lib/graphql/mutation-outcome";
import { LineEquipmentQuery } from "@/lib/graphql/plant";

function AssignJob({ lineId, onAssigned }: { lineId: string; onAssigned: () => void }) {
  const [operators] = useQuery({ query: OperatorsQuery });
  const [equipment] = useQuery({ query: LineEquipmentQuery, variables: { lineId } });
  const [state, assign] = useMutation(AssignJobMutation);
  const [title, setTitle] = useState("");
  const [assigneeId, setAssigneeId] = useState("");
  const [equipmentId, setEquipmentId] = useState("");
  const [planned, setPlanned] = useState("");
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  // One key per attempt the server has not answered yet: a double tap or a resend after a lost
  // answer makes one job; any answer from the server starts a fresh key.
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const people = (operators.data?.users?.edges ?? []).flatMap((edge) => (edge.node ? [edge.node] : []));
  return (
    <form
      className="panel"
      aria-labelledby="assign-heading"
      onSubmit={async (event) => {
        event.preventDefault();
        setMessage(null);
        const quantity = planned === "" ? null : Number(planned);
        if (quantity !== null && (!Number.isInteger(quantity) || quantity <= 0))
          return setMessage({ error: true, text: "Planned quantity must be a whole number above 0." });
        const result = await assign({
          input: {
            title,
            lineId,
            assigneeId,
            equipmentId: equipmentId || null,
            plannedQuantity: quantity,
            idempotencyKey,
          },
        });
        const payload = result.data?.assignJob;
        const refusal = refusalOf(payload, result.error);
        if (refusal?.code !== "NETWORK") setIdempotencyKey(crypto.randomUUID());
        if (refusal) return setMessage({ error: true, text: refusal.message });
        const who = people.find((person) => person.id === assigneeId)?.name ?? "the operator";
        setMessage({ error: false, text: `Assigned to ${who}.` });
        setTitle("");
        setPlanned("");
        onAssigned();
      }}
    >
      <h2 id="assign-heading">Assign a job</h2>
      <div className="grid two">
        <div>
          <label htmlFor="job-title">Job</label>
          <input
            id="job-title"
            required
            maxLength={200}
            value={title}
            onChange={(event) => setTitle(event.target.value)}
          />
        </div>
        <div>
          <label htmlFor="job-operator">Operator</label>
          <select id="job-operator" required value={assigneeId} onChange={(event) => setAssigneeId(event.target.value)}>
            <option value="" disabled>
              {operators.fetching ? "Loading…" : "Choose an operator…"}
            </option>
            {people.map((person) => (
              <option key={person.id} value={person.id!}>
                {person.name} ({person.employeeId})
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="job-equipment">Equipment</label>
          <select id="job-equipment" value={equipmentId} onChange={(event) => setEquipmentId(event.target.value)}>
            <option value="">The whole line</option>
            {(equipment.data?.line?.equipment ?? []).map((item) => (
              <option key={item.id} value={item.id!}>
                {item.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="job-planned">Planned quantity</label>
          <input
            id="job-planned"
            inputMode="numeric"
            value={planned}
            onChange={(event) => setPlanned(event.target.value)}
          />
        </div>
      </div>
      <div className="row">
        <button type="submit" className="primary" disabled={state.fetching}>
          Assign job
        </button>
        {message ? (
          <span
            className={message.error ? "error" : undefined}
            role={message.error ? "alert" : "status"}
            data-testid="assign-outcome"
          >
            {message.text}
          </span>
        ) : null}
      </div>
    </form>
  );
}

function CancelJob({ job, onDone }: { job: LineJobFieldsFragment; onDone: () => void }) {
  const [state, cancel] = useMutation(CancelJobMutation);
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const idempotencyKey = useMemo(() => crypto.randomUUID(), []);
  return (
    <form
      className="row"
      onSubmit={async (event) => {
        event.preventDefault();
        const result = await cancel({ jobId: job.id!, reason, idempotencyKey });
        const refusal = refusalOf(result.data?.cancelJob, result.error);
        if (refusal) setError(refusal.message);
        else onDone();
      }}
    >
      <label htmlFor={`cancel-${job.id}`} className="visually-hidden">
        Why cancel
      </label>
      <input
        id={`cancel-${job.id}`}
        required
        placeholder="Why (kept in the audit trail)"
        value={reason}
        onChange={(event) => setReason(event.target.value)}
      />
      <button type="submit" className="danger" disabled={state.fetching}>
        Cancel job
      </button>
      {error ? (
        <span className="error" role="alert">
          {error}
        </span>
      ) : null}
    </form>
  );
}

function LineJobs({ lineId }: { lineId: string }) {
  const [operators] = useQuery({ query: OperatorsQuery });
  const [result, refetch] = useQuery({ query: LineJobsQuery, variables: { lineId }, requestPolicy: "network-only" });
  const [cancelling, setCancelling] = useState<string | null>(null);
  const nameOf = (id?: string | null) =>
    operators.data?.users?.edges?.find((edge) => edge.node?.id === id)?.node?.name ?? "someone else";
  const jobs = result.data?.jobs ?? [];
  return (
    <section className="panel" aria-labelledby="line-jobs-heading">
      <h2 id="line-jobs-heading">The line's jobs</h2>
      <QueryError error={result.error} />
      <div style={{ overflowX: "auto" }}>
        <table data-testid="line-jobs">
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Operator</th>
              <th scope="col">Status</th>
              <th scope="col">Quantity</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {jobs.length === 0 ? (
              <tr>
                <td colSpan={5} className="muted">
                  {result.fetching ? "Loading…" : "No jobs on this line."}
                </td>
              </tr>
            ) : null}
            {jobs.map((job) => (
              <tr key={job.id} data-testid="line-job" data-job-status={job.status}>
                <td>
                  {job.title}
                  {job.equipment?.name ? <div className="muted">{job.equipment.name}</div> : null}
                </td>
                <td>{nameOf(job.assigneeId)}</td>
                <td>
                  {job.status}
                  {job.cancelReason ? <div className="muted">{job.cancelReason}</div> : null}
                </td>
                <td>
                  {job.actualGoodQuantity ?? 0} / {job.plannedQuantity ?? "–"}
                </td>
                <td>
                  {job.status === "COMPLETED" || job.status === "CANCELLED" ? null : cancelling === job.id ? (
                    <CancelJob
                      job={job}
                      onDone={() => {
                        setCancelling(null);
                        refetch({ requestPolicy: "network-only" });
                      }}
                    />
                  ) : (
                    <button type="button" onClick={() => setCancelling(job.id ?? null)}>
                      Cancel…
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function LineSchedule({ lineId }: { lineId: string }) {
  const [result] = useQuery({ query: LineScheduleQuery, variables: { lineId } });
  const schedules = (result.data?.productionSchedules?.edges ?? []).flatMap((edge) => (edge.node ? [edge.node] : []));
  const orders = (result.data?.workOrders?.edges ?? []).flatMap((edge) => (edge.node ? [edge.node] : []));
  const when = (value?: string | null) => (value ? new Date(value).toLocaleString() : "–");
  return (
    <section className="panel" aria-labelledby="schedule-heading">
      <h2 id="schedule-heading">Schedules and work orders</h2>
      <QueryError error={result.error} />
      <ul>
        {schedules.length === 0 ? <li className="muted">{result.fetching ? "Loading…" : "No schedules."}</li> : null}
        {schedules.map((schedule) => (
          <li key={schedule.id}>
            {schedule.name} · {schedule.status} · {when(schedule.periodStart)} – {when(schedule.periodEnd)}
          </li>
        ))}
      </ul>
      <div style={{ overflowX: "auto" }}>
        <table data-testid="work-orders">
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Product</th>
              <th scope="col">Status</th>
              <th scope="col">Good / planned</th>
              <th scope="col">Planned start</th>
            </tr>
          </thead>
          <tbody>
            {orders.length === 0 ? (
              <tr>
                <td colSpan={5} className="muted">
                  No work orders.
                </td>
              </tr>
            ) : null}
            {orders.map((order) => (
              <tr key={order.id}>
                <td>{order.number}</td>
                <td>{order.productType?.name}</td>
                <td>{order.status}</td>
                <td>
                  {order.goodQuantity ?? 0} / {order.plannedQuantity}
                </td>
                <td>{when(order.plannedStart)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function ManagerJobs() {
  const [lineId, setLineId] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  return (
    <>
      <div className="row spread">
        <h1>Assign jobs</h1>
        <LineSelect value={lineId} onChange={setLineId} />
      </div>
      {lineId ? (
        <div className="grid">
          <AssignJob lineId={lineId} onAssigned={() => setVersion((value) => value + 1)} />
          {/* Remounted after an assignment so the list is read again from the server. */}
          <LineJobs key={version} lineId={lineId} />
          <LineSchedule lineId={lineId} />
        </div>
      ) : null}
    </>
  );
}

export default function AssignPage() {
  return (
    <AppShell screen="assign">
      <ManagerJobs />
    </AppShell>
  );
}
