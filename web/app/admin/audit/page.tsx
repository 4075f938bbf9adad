"use client";
// Admin > Audit log: administrative and supervisory changes, newest first, a page at a time.
import { AuditLog } from "@/components/admin/audit-log";
import { AppShell } from "@/components/app-shell";

export default function AuditPage() {
  return (
    <AppShell screen="audit">
      <AuditLog />
    </AppShell>
  );
}
