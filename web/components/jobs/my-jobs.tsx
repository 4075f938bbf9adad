"use client";
// My jobs: the caller's open jobs, kept live by each line's jobUpdated feed (assigned to me) so an
// assignment, a manager's cancel or a step taken on another tablet shows without a reload.
import { useCallback, useEffect, useState } from "react";
import { useQuery } from "urql";
import { explainRefusal, JobCard } from "@/components/jobs/job-card";
import { JobLinesQuery, MyJobsQuery, MyJobUpdatedSubscription } from "@/lib/graphql/jobs";
import { actionQueue } from "@/lib/offline/action-queue";
import { useLiveEvents, useRefetchOnReconnect } from "@/lib/react/use-live";

/** One line's feed of the caller's jobs; renders nothing. */
function JobFeed({ lineId, onEvent }: { lineId: string; onEvent: () => void }) {
  useLiveEvents(MyJobUpdatedSubscription, { lineId }, onEvent);
  return null;
}

export function MyJobs() {
  const [result, refetch] = useQuery({ query: MyJobsQuery, variables: {}, requestPolicy: "network-only" });
  const [lines] = useQuery({ query: JobLinesQuery, variables: {} });
  const [refusal, setRefusal] = useState<string | null>(null);
  // An event can add a job to the list or take one off it (done, cancelled, reassigned), which the
  // event alone does not say: the list is read again.
  const again = useCallback(() => refetch({ requestPolicy: "network-only" }), [refetch]);
  useRefetchOnReconnect(again);
  useEffect(
    () =>
      actionQueue.onOutcome((outcome) => {
        if (!["acceptJob", "startJob", "completeJob"].includes(outcome.action.kind)) return;
        setRefusal(outcome.status === "refused" ? explainRefusal(outcome.typename, outcome.message) : null);
        again();
      }),
    [again],
  );
  const jobs = result.data?.myJobs ?? [];
  const lineIds = (lines.data?.lines?.edges ?? []).flatMap((edge) => (edge.node?.id ? [edge.node.id] : []));
  return (
    <>
      {lineIds.map((lineId) => (
        <JobFeed key={lineId} lineId={lineId} onEvent={again} />
      ))}
      <h1>My jobs</h1>
      {refusal ? (
        <p className="error" role="alert" data-testid="job-refusal">
          {refusal}
        </p>
      ) : null}
      {result.fetching && !result.data ? <p aria-busy="true">Loading jobs…</p> : null}
      {result.error ? (
        <p className="error" role="alert">
          {result.error.graphQLErrors[0]?.message ?? "The server cannot be reached."}
        </p>
      ) : null}
      {result.data && jobs.length === 0 ? <p className="muted">No open jobs for you.</p> : null}
      <div className="grid">
        {jobs.map((job) => (
          <JobCard key={job.id} job={job} />
        ))}
      </div>
    </>
  );
}
