"use client";
// Fault analysis: a line's top faults, their timeline per machine, and stops opened to their faults.
import { AppShell } from "@/components/app-shell";
import { FaultAnalysis } from "@/components/faults/fault-analysis";

export default function FaultsPage() {
  return (
    <AppShell screen="faults">
      <FaultAnalysis />
    </AppShell>
  );
}
