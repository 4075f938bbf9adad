"use client";
// MTBF and MTTR per equipment of a line.
import { AppShell } from "@/components/app-shell";
import { Reliability } from "@/components/maintenance/reliability";

export default function ReliabilityPage() {
  return (
    <AppShell screen="maintenanceReliability">
      <Reliability />
    </AppShell>
  );
}
