"use client";
// The bell in the header: one's unread in-app notifications, counted by the server and kept live by
// the notification feed (each arrival reads the count again, so marking read elsewhere is seen too).
import Link from "next/link";
import { useQuery } from "urql";
import { MyNotificationArrivedSubscription, UnreadNotificationCountQuery } from "@/lib/graphql/notifications";
import { useLiveEvents, useRefetchOnReconnect } from "@/lib/react/use-live";

const NO_VARIABLES = {};

export function NotificationBell() {
  const [result, refetch] = useQuery({ query: UnreadNotificationCountQuery, requestPolicy: "cache-and-network" });
  const again = () => refetch({ requestPolicy: "network-only" });
  useRefetchOnReconnect(again);
  useLiveEvents(MyNotificationArrivedSubscription, NO_VARIABLES, again);
  const answer = result.data?.myNotifications;
  const unread = answer?.__typename === "QueryMyNotificationsSuccess" ? (answer.data.unreadCount ?? 0) : 0;
  return (
    <Link
      href="/notifications"
      className="button"
      data-testid="notification-bell"
      data-unread={unread}
      aria-label={unread ? `Notifications: ${unread} unread` : "Notifications: none unread"}
    >
      <span aria-hidden="true">🔔</span>
      {unread ? <span className="pill">{unread > 99 ? "99+" : unread}</span> : null}
    </Link>
  );
}
