"use client";
import { useEffect, useState } from "react";
import { useQuery } from "urql";
import { explainRefusal, JobCard } from "@/components/jobs/job-card";
import { MyJobsQuery } from "@/lib/graphql/jobs";
import { actionQueue } from "@/lib/offline/action-queue";
import { useRefetchOnReconnect } from "@/lib/react/use-live";

export function MyJobs() {
  const [result, refetch] = useQuery({ query: MyJobsQuery, variables: {}, requestPolicy: "network-only" });
  const [refusal, setRefusal] = useState<string | null>(null);
  useRefetchOnReconnect(() => refetch({ requestPolicy: "network-only" }));
  useEffect(
    () =>
      actionQueue.onOutcome((outcome) => {
        if (!["acceptJob", "startJob", "completeJob"].includes(outcome.action.kind)) return;
        setRefusal(outcome.status === "refused" ? explainRefusal(outcome.typename, outcome.message) : null);
        refetch({ requestPolicy: "network-only" });
      }),
    [refetch],
  );
  const jobs = result.data?.myJobs ?? [];
  return (
    <>
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
