"use client";
// Engineer / technician > Maintenance work orders: the unfinished ones (or a chosen status) and their
// status steps: start, hold with a reason, complete with the failure cause.
import { AppShell } from "@/components/app-shell";
import { MaintenanceOrders } from "@/components/maintenance/maintenance-orders";

export default function MaintenancePage() {
  return (
    <AppShell screen="maintenance">
      <MaintenanceOrders />
    </AppShell>
  );
}
