"use client";
// Stops entered by hand for machines without a PLC.
import { AppShell } from "@/components/app-shell";
import { ManualStops } from "@/components/manual-stops/manual-stops";

export default function ManualStopsPage() {
  return (
    <AppShell screen="manualStops">
      <ManualStops />
    </AppShell>
  );
}
