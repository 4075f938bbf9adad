"use client";
// My jobs: accept, clear the pre-start checklist, start and complete with quantities. Each step goes
// through the offline queue with an idempotency key; a refusal from the server is explained.
import { AppShell } from "@/components/app-shell";
import { MyJobs } from "@/components/jobs/my-jobs";

export default function JobsPage() {
  return (
    <AppShell screen="jobs">
      <MyJobs />
    </AppShell>
  );
}
