"use client";
// Manager > Shift handover: what a line's shift leaves open (andons, stops without a reason,
// unsigned checklists) and the notes written for the next shift.
import { AppShell } from "@/components/app-shell";
import { HandoverScreen } from "@/components/handover/shift-handover";

export default function HandoverPage() {
  return (
    <AppShell screen="handover">
      <HandoverScreen />
    </AppShell>
  );
}
