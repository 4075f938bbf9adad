"use client";
// A line's jobs, each cancellable with a reason.
import { useMemo, useState } from "react";
import { useMutation, useQuery } from "urql";
import { DataTable } from "@/components/data/data-table";
import { QueryError } from "@/components/query-error";
import type { LineJobFieldsFragment } from "@/lib/graphql/generated/graphql";
import { CancelJobMutation, LineJobsQuery, OperatorsQuery } from "@/lib/graphql/manager";
import { refusalOf } from "@/lib/graphql/mutation-outcome";

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

export function LineJobs({ lineId }: { lineId: string }) {
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
      <DataTable
        testId="line-jobs"
        rows={jobs}
        rowKey={(job) => job.id!}
        rowProps={(job) => ({ "data-testid": "line-job", "data-job-status": job.status ?? undefined })}
        loading={result.fetching}
        empty="No jobs on this line."
        columns={[
          {
            header: "Job",
            cell: (job) => (
              <>
                {job.title}
                {job.equipment?.name ? <div className="muted">{job.equipment.name}</div> : null}
              </>
            ),
          },
          { header: "Operator", cell: (job) => nameOf(job.assigneeId) },
          {
            header: "Status",
            cell: (job) => (
              <>
                {job.status}
                {job.cancelReason ? <div className="muted">{job.cancelReason}</div> : null}
              </>
            ),
          },
          { header: "Quantity", cell: (job) => `${job.actualGoodQuantity ?? 0} / ${job.plannedQuantity ?? "–"}` },
          {
            header: <span className="visually-hidden">Actions</span>,
            cell: (job) =>
              job.status === "COMPLETED" || job.status === "CANCELLED" ? null : cancelling === job.id ? (
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
              ),
          },
        ]}
      />
    </section>
  );
}
