"use client";
// Managers' production overview: every line live, with its stops of the last hours and their reasons.
import { AppShell } from "@/components/app-shell";
import { Overview } from "@/components/overview/production-overview";

export default function OverviewPage() {
  return (
    <AppShell screen="overview">
      <Overview />
    </AppShell>
  );
}
