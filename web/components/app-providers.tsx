"use client";
// Client-side wiring: one urql client, the silent session restore from the refresh cookie, the
// browser's online/offline events, and the offline queue bound to whoever is signed in.
import { type ReactNode, useEffect, useState } from "react";
import { Provider } from "urql";
import { createFloorClient } from "@/lib/graphql/urql-client";
import { connectionStatus } from "@/lib/live/connection-status";
import { actionQueue } from "@/lib/offline/action-queue";
import { useConnectionStatus, useSession } from "@/lib/react/stores";

export function AppProviders({ webSocketUrl, children }: { webSocketUrl: string; children: ReactNode }) {
  const [{ client, restartLive }] = useState(() => createFloorClient(webSocketUrl));
  const session = useSession();
  const { reconnections, link } = useConnectionStatus();
  const userId = session.status === "signed-in" ? session.session.user.id : null;

  useEffect(() => {
    const online = () => connectionStatus.browserOnlineChanged(true);
    const offline = () => connectionStatus.browserOnlineChanged(false);
    window.addEventListener("online", online);
    window.addEventListener("offline", offline);
    connectionStatus.browserOnlineChanged(navigator.onLine);
    return () => {
      window.removeEventListener("online", online);
      window.removeEventListener("offline", offline);
    };
  }, []);

  useEffect(() => {
    actionQueue.attach(client, userId);
  }, [client, userId]);

  // Another person signed in on this device: the open socket speaks for the previous one.
  const [liveUser, setLiveUser] = useState<string | null>(null);
  useEffect(() => {
    if (userId === liveUser) return;
    if (liveUser !== null) restartLive();
    setLiveUser(userId);
  }, [userId, liveUser, restartLive]);

  // Back online or reconnected: send what waited.
  useEffect(() => {
    if (link === "live" || reconnections > 0) void actionQueue.flush();
  }, [link, reconnections]);

  return <Provider value={client}>{children}</Provider>;
}
