"use client";
import { type DataColumn, DataTable } from "@/components/data/data-table";
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

const COLUMNS: DataColumn<ReportRunFieldsFragment>[] = [
  { header: "Report", cell: (run) => run.template?.name },
  { header: "Covers", cell: (run) => rangeOf(run.parameters) },
  { header: "Queued", cell: (run) => when(run.queuedAt) },
  {
    header: "State",
    cell: (run) => (
      <>
        {run.status}
        {run.failureReason ? <div className="muted">{run.failureReason}</div> : null}
      </>
    ),
  },
  {
    header: "File",
    cell: (run) =>
      run.status === "SUCCEEDED" ? (
        <DownloadButton runId={run.id!} label={`PDF (${Math.ceil((run.fileSizeBytes ?? 0) / 1024)} KB)`} />
      ) : null,
  },
];

export function PastRunsTable({ runs }: { runs: readonly ReportRunFieldsFragment[] }) {
  return (
    <section className="panel" aria-labelledby="past-runs-heading">
      <h2 id="past-runs-heading">Past runs</h2>
      <DataTable columns={COLUMNS} rows={runs} rowKey={(run) => run.id!} empty="No runs yet." testId="report-runs" />
    </section>
  );
}
