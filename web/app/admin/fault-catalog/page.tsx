"use client";
// Admin > Fault catalog: what each PLC fault bit of a machine means, the andon it raises and the
// reason it suggests to the operator. Everyone on site may read it; engineers and administrators
// (reason-code:manage) add, change and switch entries on and off. Refusals are shown beside the control.
import { AppShell } from "@/components/app-shell";
import { FaultCatalog } from "@/components/fault-catalog/fault-catalog";

export default function FaultCatalogPage() {
  return (
    <AppShell screen="faultCatalog">
      <FaultCatalog />
    </AppShell>
  );
}
