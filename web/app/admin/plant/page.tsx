"use client";
// Admin > Lines and equipment: the plant's lines by site and area and each line's equipment; add a
// line or a machine, change one, take it out of use or back.
import { AppShell } from "@/components/app-shell";
import { LinesAndEquipment } from "@/components/plant-admin/lines-and-equipment";

export default function PlantAdminPage() {
  return (
    <AppShell screen="plant">
      <LinesAndEquipment />
    </AppShell>
  );
}
