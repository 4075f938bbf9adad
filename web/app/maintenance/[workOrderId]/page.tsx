"use client";
// One maintenance work order: assignment, status steps, tasks with time, parts with cost.
import { use } from "react";
import { AppShell } from "@/components/app-shell";
import { WorkOrderDetail } from "@/components/maintenance/work-order-detail";

export default function WorkOrderPage({ params }: { params: Promise<{ workOrderId: string }> }) {
  const { workOrderId } = use(params);
  return (
    <AppShell screen="maintenanceOrder">
      <WorkOrderDetail workOrderId={workOrderId} />
    </AppShell>
  );
}
