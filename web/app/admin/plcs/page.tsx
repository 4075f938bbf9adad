"use client";
// Admin > PLCs and tag maps: the controllers the bridge polls, their tag maps with live values and
// per-tag read errors, a connection test and a Logix tag browser. Engineers and administrators only.
import { AppShell } from "@/components/app-shell";
import { PlcAdmin } from "@/components/plc-admin/plc-admin";

export default function PlcAdminPage() {
  return (
    <AppShell screen="plcs">
      <PlcAdmin />
    </AppShell>
  );
}
