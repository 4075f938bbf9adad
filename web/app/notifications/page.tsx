"use client";
// Notifications: one's in-app inbox, reached from the bell in the header.
import { AppShell } from "@/components/app-shell";
import { Inbox } from "@/components/notifications/inbox";

export default function NotificationsPage() {
  return (
    <AppShell screen="notifications">
      <Inbox />
    </AppShell>
  );
}
