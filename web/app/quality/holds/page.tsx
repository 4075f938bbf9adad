"use client";
// Quality › Holds: work orders held by quality. An inspector puts a line's work order on hold; a
// disposition (use as is, rework, scrap) is approved with quality:manage, then the hold is released.
// Controls show only with the permission; the server refuses the steps whatever the screen shows.
import { AppShell } from "@/components/app-shell";
import { Holds } from "@/components/quality/holds";

export default function HoldsPage() {
  return (
    <AppShell screen="holds">
      <Holds />
    </AppShell>
  );
}
