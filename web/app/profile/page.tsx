"use client";
// Profile: one's own details, password and PIN, and notification settings (every signed-in person).
import { AppShell } from "@/components/app-shell";
import { Profile } from "@/components/profile/profile";

export default function ProfilePage() {
  return (
    <AppShell screen="profile">
      <Profile />
    </AppShell>
  );
}
