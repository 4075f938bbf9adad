"use client";
// Quality › Defect Pareto: a line's defects by code over a range, largest first, with the running
// share; read again as each defect is recorded (defectRecorded).
import { AppShell } from "@/components/app-shell";
import { Defects } from "@/components/quality/defect-pareto";

export default function DefectsPage() {
  return (
    <AppShell screen="defects">
      <Defects />
    </AppShell>
  );
}
