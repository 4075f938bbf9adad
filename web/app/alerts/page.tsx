"use client";
// Production alerts: thresholds crossed on the lines, acknowledged by a responder.
import { AppShell } from "@/components/app-shell";
import { ProductionAlerts } from "@/components/notifications/production-alerts";

export default function AlertsPage() {
  return (
    <AppShell screen="alerts">
      <ProductionAlerts />
    </AppShell>
  );
}
