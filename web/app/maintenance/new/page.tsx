"use client";
// A maintenance work order made by hand, for whoever may manage maintenance.
import { AppShell } from "@/components/app-shell";
import { NewWorkOrder } from "@/components/maintenance/new-work-order";

export default function NewWorkOrderPage() {
  return (
    <AppShell screen="maintenanceNew">
      <NewWorkOrder />
    </AppShell>
  );
}
