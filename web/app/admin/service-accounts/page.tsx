"use client";
// Admin > Service accounts: machine identities for integrations, their API keys (a new key is
// shown once), and revoking a key at once.
import { ServiceAccounts } from "@/components/admin/service-accounts/service-accounts";
import { AppShell } from "@/components/app-shell";

export default function ServiceAccountsPage() {
  return (
    <AppShell screen="serviceAccounts">
      <ServiceAccounts />
    </AppShell>
  );
}
