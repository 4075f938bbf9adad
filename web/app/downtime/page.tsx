"use client";
// Downtime review for supervisors: a line's stops of the last day with suggested and confirmed
// reasons; reclassifying, splitting and merging past stops with a note (audited by the API; OEE is
// recomputed).
import { AppShell } from "@/components/app-shell";
import { DowntimeReview } from "@/components/downtime/downtime-review";

export default function DowntimePage() {
  return (
    <AppShell screen="downtime">
      <DowntimeReview />
    </AppShell>
  );
}
