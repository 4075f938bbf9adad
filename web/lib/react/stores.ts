"use client";
// React bindings of the app's browser-side stores: session, link state and queued actions.
import { useSyncExternalStore } from "react";
import { type SessionState, sessionStore } from "@/lib/auth/session-store";
import { connectionStatus } from "@/lib/live/connection-status";
import { actionQueue } from "@/lib/offline/action-queue";

const LOADING: SessionState = { status: "loading" };

export function useSession(): SessionState {
  return useSyncExternalStore(sessionStore.subscribe, sessionStore.snapshot, () => LOADING);
}

export function useConnectionStatus() {
  return useSyncExternalStore(connectionStatus.subscribe, connectionStatus.snapshot, connectionStatus.serverSnapshot);
}

export function useQueuedActions() {
  return useSyncExternalStore(actionQueue.subscribe, actionQueue.snapshot, actionQueue.serverSnapshot);
}
