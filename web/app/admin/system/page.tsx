"use client";
import { SystemOverview } from "@/components/admin/system/system-overview";
// Admin > System: every service's health, stream lag, dead letters, storage and versions, live.
import { AppShell } from "@/components/app-shell";

export default function SystemPage() {
  return (
    <AppShell screen="system">
      <SystemOverview />
    </AppShell>
  );
}
