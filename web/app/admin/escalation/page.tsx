"use client";
// Admin > Escalation rules: which andons escalate, how fast and to which levels; switched on and off.
import { EscalationRules } from "@/components/admin/escalation-rules";
import { AppShell } from "@/components/app-shell";

export default function EscalationPage() {
  return (
    <AppShell screen="escalation">
      <EscalationRules />
    </AppShell>
  );
}
