"use client";
// Quality › Due checks: a line's checks due or in progress, the most overdue first, kept live by
// qualityCheckDue; an inspector opens one (or a plan's check by hand) and records it in the check form.
import { AppShell } from "@/components/app-shell";
import { QualityChecks } from "@/components/quality/due-checks";

export default function QualityPage() {
  return (
    <AppShell screen="quality">
      <QualityChecks />
    </AppShell>
  );
}
