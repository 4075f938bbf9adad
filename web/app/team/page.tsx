"use client";
// Team: who works here, in which roles and department, whether the account is active and when they
// last signed in. Read-only; changing people is Admin > Users and roles.
import { AppShell } from "@/components/app-shell";
import { Team } from "@/components/team/team-list";

export default function TeamPage() {
  return (
    <AppShell screen="team">
      <Team />
    </AppShell>
  );
}
