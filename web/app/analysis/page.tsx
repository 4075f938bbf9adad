"use client";
// Fault and downtime analysis: a Pareto of downtime by reason over the last 7 days and the line's
// hourly OEE trend with availability, performance and quality, each with its figures in a table.
import { Analysis } from "@/components/analysis/analysis";
import { AppShell } from "@/components/app-shell";

export default function AnalysisPage() {
  return (
    <AppShell screen="analysis">
      <Analysis />
    </AppShell>
  );
}
