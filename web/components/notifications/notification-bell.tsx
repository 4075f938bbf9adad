"use client";
// The bell in the header: one's unread in-app notifications, counted by the server and kept live by
// the notification feed (each arrival reads the count again, so marking read elsewhere is seen too).
import Link from "next/link";
import { useMemo } from "react";
import { useQuery } from "urql";
import { MyNotificationArrivedSubscription, UnreadNotificationCountQuery } from "@/lib/graphql/notifications";
import { useLiveEvents, useRefetchOnReconnect } from "@/lib/react/use-live";

const NO_VARIABLES = {};

export function NotificationBell() {
  // The count holds no Notification object, so urql's document cache would not see a mark-read
  // mutation touch it: naming the typename makes every mutation whose result holds a Notification
  // (the stored documents ask for __typename: see lib/graphql/codegen-typename-transform.mjs) read
  // the count again.
  const context = useMemo(() => ({ additionalTypenames: ["Notification"] }), []);
  const [result, refetch] = useQuery({
    query: UnreadNotificationCountQuery,
    requestPolicy: "cache-and-network",
    context,
  });
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
