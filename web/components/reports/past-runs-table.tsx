"use client";
// The latest runs, newest first, each with its state and, once it succeeded, its download.
import type { ReportRunFieldsFragment } from "@/lib/graphql/generated/graphql";
import { DownloadButton } from "./report-run-progress";

const when = (value: string | null | undefined) =>
  value ? new Date(value).toLocaleString([], { dateStyle: "short", timeStyle: "short" }) : "–";

function rangeOf(parameters: string | null | undefined): string {
  try {
    const { from, to } = JSON.parse(parameters ?? "{}") as { from?: string; to?: string };
    return from && to ? `${when(from)} – ${when(to)}` : "–";
  } catch {
    return "–";
  }
}

export function PastRunsTable({ runs }: { runs: readonly ReportRunFieldsFragment[] }) {
  return (
    <section className="panel" aria-labelledby="past-runs-heading">
      <h2 id="past-runs-heading">Past runs</h2>
      <div style={{ overflowX: "auto" }}>
        <table data-testid="report-runs">
          <thead>
            <tr>
              <th scope="col">Report</th>
              <th scope="col">Covers</th>
              <th scope="col">Queued</th>
              <th scope="col">State</th>
              <th scope="col">File</th>
            </tr>
          </thead>
          <tbody>
            {runs.length === 0 ? (
              <tr>
                <td colSpan={5} className="muted">
                  No runs yet.
                </td>
              </tr>
            ) : null}
            {runs.map((run) => (
              <tr key={run.id}>
                <td>{run.template?.name}</td>
                <td>{rangeOf(run.parameters)}</td>
                <td>{when(run.queuedAt)}</td>
                <td>
                  {run.status}
                  {run.failureReason ? <div className="muted">{run.failureReason}</div> : null}
                </td>
                <td>
                  {run.status === "SUCCEEDED" ? (
                    <DownloadButton runId={run.id!} label={`PDF (${Math.ceil((run.fileSizeBytes ?? 0) / 1024)} KB)`} />
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
