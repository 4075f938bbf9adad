"use client";
// Manager > Jobs: give an operator a job on a line, see the line's jobs and cancel one with a reason,
// today's job statistics per operator and shift; the line's schedules and work orders alongside, read-only.
import { useState } from "react";
import { AssignJob } from "@/components/assign/assign-job";
import { JobStatistics } from "@/components/assign/job-statistics";
import { LineJobs } from "@/components/assign/line-jobs";
import { LineSchedule } from "@/components/assign/line-schedule";
import { LineSelect } from "@/components/line-select";

export function ManagerJobs() {
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
          <JobStatistics key={`statistics-${lineId}-${version}`} lineId={lineId} />
          <LineSchedule lineId={lineId} />
        </div>
      ) : null}
    </>
  );
}
