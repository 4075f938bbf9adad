"use client";
// One run followed live through reportRunUpdated: a progress bar while it is queued or rendering,
// then its outcome (a download, or the reason it failed).
import { useState } from "react";
import { useClient } from "urql";
import type { ReportRunFieldsFragment } from "@/lib/graphql/generated/graphql";
import { ReportRunDownloadLinkQuery, ReportRunUpdatedSubscription } from "@/lib/graphql/reports";
import { useLiveEvents } from "@/lib/react/use-live";

const FINISHED = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);

/** Asks for a fresh signed link (five minutes) and opens it through the app's own origin. */
export function DownloadButton({ runId, label = "Download PDF" }: { runId: string; label?: string }) {
  const client = useClient();
  const [error, setError] = useState<string | null>(null);
  async function download() {
    setError(null);
    const result = await client.query(ReportRunDownloadLinkQuery, { id: runId }, { requestPolicy: "network-only" });
    const path = result.data?.reportRunDownloadLink?.path;
    if (!path) {
      setError(result.error?.graphQLErrors[0]?.message ?? "The file cannot be downloaded.");
      return;
    }
    window.location.assign(`/api${path}`);
  }
  return (
    <>
      <button type="button" onClick={() => void download()}>
        {label}
      </button>
      {error ? (
        <span className="error" role="alert">
          {error}
        </span>
      ) : null}
    </>
  );
}

export function ReportRunProgress({
  run: first,
  onFinished,
}: {
  run: ReportRunFieldsFragment;
  onFinished?: (run: ReportRunFieldsFragment) => void;
}) {
  const [run, setRun] = useState<ReportRunFieldsFragment>(first);
  const live = !FINISHED.has(run.status ?? "");
  useLiveEvents(ReportRunUpdatedSubscription, live ? { id: first.id! } : null, (data) => {
    const next = data.reportRunUpdated;
    if (!next) return;
    setRun(next);
    if (FINISHED.has(next.status ?? "")) onFinished?.(next);
  });
  const progress = Math.round((run.progress ?? 0) * 100);
  return (
    <div className="panel" data-testid="report-run-progress" aria-live="polite">
      <div className="row spread">
        <strong>{run.template?.name}</strong>
        <span data-testid="report-run-status">{run.status}</span>
      </div>
      <progress max={100} value={progress} aria-label={`Report progress ${progress} %`} style={{ width: "100%" }} />
      {run.status === "SUCCEEDED" ? <DownloadButton runId={run.id!} /> : null}
      {run.status === "FAILED" ? (
        <p className="error" role="alert">
          Failed: {run.failureReason}
        </p>
      ) : null}
    </div>
  );
}
