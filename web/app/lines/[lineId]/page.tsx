"use client";
// A line's dashboard (thin route; the screen is components/line-dashboard.tsx).
import { use } from "react";
import { AppShell } from "@/components/app-shell";
import { LineDashboard } from "@/components/line-dashboard";

export default function LinePage({ params }: { params: Promise<{ lineId: string }> }) {
  const { lineId } = use(params);
  return (
    <AppShell screen="lines">
      <LineDashboard lineId={lineId} />
    </AppShell>
  );
}
