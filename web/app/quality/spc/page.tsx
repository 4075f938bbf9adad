"use client";
// Quality › SPC charts: a characteristic's control chart with its limits, zones and violations, and
// its capability. New subgroups from the check weigher (spcSubgroupsAdded) read the chart again; a
// violation published live (from the check weigher or a check) is also announced at once.
import { AppShell } from "@/components/app-shell";
import { SpcScreen } from "@/components/quality/spc-screen";

export default function SpcPage() {
  return (
    <AppShell screen="spc">
      <SpcScreen />
    </AppShell>
  );
}
