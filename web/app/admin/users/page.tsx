"use client";
// Admin > Users and roles: find people, create an account (its temporary password and PIN shown
// once), change roles, deactivate or reactivate, reset a password or PIN, lift a lockout.
import { UsersAndRoles } from "@/components/admin/users/users-and-roles";
import { AppShell } from "@/components/app-shell";

export default function AdminUsersPage() {
  return (
    <AppShell screen="users">
      <UsersAndRoles />
    </AppShell>
  );
}
