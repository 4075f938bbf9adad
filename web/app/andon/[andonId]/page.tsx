"use client";
// One andon: finish it (start work, resolve with a root cause, close, reopen, escalate by hand), its
// photos and its history.
import { use } from "react";
import { AndonDetail } from "@/components/andon/andon-detail";
import { AppShell } from "@/components/app-shell";

export default function AndonDetailPage({ params }: { params: Promise<{ andonId: string }> }) {
  const { andonId } = use(params);
  return (
    <AppShell screen="andon">
      <AndonDetail andonId={andonId} />
    </AppShell>
  );
}
