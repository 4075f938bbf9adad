"use client";
// One machine's diagnostics: its tags live, fault bits, PLC connection and a trend.
import { use } from "react";
import { AppShell } from "@/components/app-shell";
import { EquipmentDiagnostics } from "@/components/diagnostics/equipment-diagnostics";

export default function EquipmentDiagnosticsPage({ params }: { params: Promise<{ equipmentId: string }> }) {
  const { equipmentId } = use(params);
  return (
    <AppShell screen="diagnostics">
      <EquipmentDiagnostics equipmentId={equipmentId} />
    </AppShell>
  );
}
