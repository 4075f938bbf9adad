"use client";
// Manager > Jobs: give an operator a job on a line, see the line's jobs and cancel one with a reason;
// the line's schedules and work orders alongside, read-only.
import { AppShell } from "@/components/app-shell";
import { ManagerJobs } from "@/components/assign/manager-jobs";

export default function AssignPage() {
  return (
    <AppShell screen="assign">
      <ManagerJobs />
    </AppShell>
  );
}
