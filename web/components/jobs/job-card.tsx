"use client";
// One job of My jobs: accept, clear the pre-start checklist, start and complete with quantities,
// each through the offline queue with an idempotency key; a refusal from the server is explained.
import Link from "next/link";
import { useState } from "react";
import type { JobFieldsFragment } from "@/lib/graphql/generated/graphql";
import { actionQueue } from "@/lib/offline/action-queue";
import { useQueuedActions } from "@/lib/react/stores";

const STATUS_WORD: Record<string, string> = {
  ASSIGNED: "Assigned to you",
  ACCEPTED: "Accepted",
  IN_PROGRESS: "In progress",
  COMPLETED: "Completed",
  CANCELLED: "Cancelled",
};

export function explainRefusal(typename: string | undefined, message: string | undefined): string {
  if (typename === "ChecklistRequired") return "Sign the pre-start checklist first, then start the job.";
  if (typename === "NotYourJob") return "This job is assigned to someone else.";
  if (typename === "InvalidJobTransition") return `${message ?? "The job has moved on."} Nothing changed.`;
  return message ?? "The server refused this step; nothing changed.";
}

export function JobCard({ job }: { job: JobFieldsFragment }) {
  const queued = useQueuedActions();
  const pending = queued.filter((item) => item.variables.jobId === job.id);
  const [good, setGood] = useState("");
  const [reject, setReject] = useState("0");
  const [inputError, setInputError] = useState<string | null>(null);
  const label = job.title ?? "job";

  const complete = () => {
    const goodQuantity = Number(good);
    const rejectQuantity = Number(reject || "0");
    if (
      !Number.isInteger(goodQuantity) ||
      goodQuantity < 0 ||
      !Number.isInteger(rejectQuantity) ||
      rejectQuantity < 0
    ) {
      setInputError("Enter whole numbers of 0 or more.");
      return;
    }
    setInputError(null);
    actionQueue.enqueue(
      "completeJob",
      { jobId: job.id, actualGoodQuantity: goodQuantity, actualRejectQuantity: rejectQuantity },
      `complete “${label}” (${goodQuantity} good, ${rejectQuantity} rejected)`,
    );
  };

  return (
    <article className="panel" data-testid="job" data-job-status={job.status}>
      <div className="row spread">
        <h2>{job.title}</h2>
        <span className="pill" data-testid="job-status">
          {STATUS_WORD[job.status ?? ""] ?? job.status}
        </span>
      </div>
      <p className="muted">
        {job.line?.name}
        {job.equipment ? ` · ${job.equipment.name}` : ""}
        {job.plannedQuantity ? ` · ${job.plannedQuantity} planned` : ""}
        {job.dueAt ? ` · due ${new Date(job.dueAt).toLocaleString()}` : ""}
      </p>
      {job.description ? <p>{job.description}</p> : null}
      {pending.length > 0 ? (
        <p className="notice" role="status">
          ◷ Waiting to send: {pending.map((item) => item.label).join("; ")}
        </p>
      ) : (
        <div className="row">
          {job.status === "ASSIGNED" ? (
            <button
              type="button"
              className="primary"
              onClick={() => actionQueue.enqueue("acceptJob", { jobId: job.id }, `accept “${label}”`)}
            >
              Accept job
            </button>
          ) : null}
          {job.status === "ACCEPTED" ? (
            <>
              <Link className="button" href={`/jobs/${job.id}/checklist`}>
                Pre-start checklist
              </Link>
              <button
                type="button"
                className="primary"
                onClick={() => actionQueue.enqueue("startJob", { jobId: job.id }, `start “${label}”`)}
              >
                Start job
              </button>
            </>
          ) : null}
          {job.status === "IN_PROGRESS" ? (
            <form
              className="row"
              onSubmit={(event) => {
                event.preventDefault();
                complete();
              }}
            >
              <label htmlFor={`good-${job.id}`} style={{ margin: 0 }}>
                Good
              </label>
              <input
                id={`good-${job.id}`}
                inputMode="numeric"
                value={good}
                onChange={(e) => setGood(e.target.value)}
                required
                size={6}
              />
              <label htmlFor={`reject-${job.id}`} style={{ margin: 0 }}>
                Rejected
              </label>
              <input
                id={`reject-${job.id}`}
                inputMode="numeric"
                value={reject}
                onChange={(e) => setReject(e.target.value)}
                size={6}
              />
              <button type="submit" className="primary">
                Complete job
              </button>
            </form>
          ) : null}
        </div>
      )}
      {inputError ? (
        <p className="error" role="alert">
          {inputError}
        </p>
      ) : null}
    </article>
  );
}
