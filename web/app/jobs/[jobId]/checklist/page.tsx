"use client";
// A job's pre-start checklist: started once per job and template (a stable idempotency key, so a
// revisit resumes the same record), each answer sent as it is given (queued while offline), then
// signed by re-entering the PIN or password. The secret is never queued or stored.
import { use } from "react";
import { AppShell } from "@/components/app-shell";
import { Checklist } from "@/components/checklist/checklist";

export default function ChecklistPage({ params }: { params: Promise<{ jobId: string }> }) {
  const { jobId } = use(params);
  return (
    <AppShell screen="jobs">
      <Checklist jobId={jobId} />
    </AppShell>
  );
}
