"use client";
// Reports: run a template now and follow it to its PDF, the past runs with their downloads, and the
// schedules with their next five fire times (edited by those holding report:schedule).
import { useState } from "react";
import { useQuery } from "urql";
import { AppShell } from "@/components/app-shell";
import { QueryError } from "@/components/query-error";
import { PastRunsTable } from "@/components/reports/past-runs-table";
import { ReportRunProgress } from "@/components/reports/report-run-progress";
import { RunReportForm } from "@/components/reports/run-report-form";
import { ScheduleEditor } from "@/components/reports/schedule-editor";
import type { ReportRunFieldsFragment } from "@/lib/graphql/generated/graphql";
import { ReportsQuery } from "@/lib/graphql/reports";
import { useSession } from "@/lib/react/stores";

function Reports() {
  const session = useSession();
  const permissions = session.status === "signed-in" ? session.session.permissions : new Set<string>();
  const [result, refetch] = useQuery({ query: ReportsQuery, requestPolicy: "cache-and-network" });
  const [running, setRunning] = useState<ReportRunFieldsFragment[]>([]);
  const templates = (result.data?.reportTemplates ?? []).filter((template) => template.active);
  const runs = result.data?.reportRuns ?? [];
  return (
    <>
      <h1>Reports</h1>
      <QueryError error={result.error} />
      <div className="grid">
        {permissions.has("report:run") ? (
          <div>
            <RunReportForm templates={templates} onQueued={(run) => setRunning((list) => [run, ...list])} />
            {running.map((run) => (
              <ReportRunProgress key={run.id} run={run} onFinished={() => refetch({ requestPolicy: "network-only" })} />
            ))}
          </div>
        ) : null}
        <PastRunsTable runs={runs} />
      </div>
      <ScheduleEditor templates={templates} canEdit={permissions.has("report:schedule")} />
    </>
  );
}

export default function ReportsPage() {
  return (
    <AppShell screen="reports">
      <Reports />
    </AppShell>
  );
}
