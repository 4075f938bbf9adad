"use client";
// The inbox: one's in-app notifications, newest first, a page at a time, new ones arriving live;
// unread ones marked read one by one or all at once. The bell counts what is left.
import Link from "next/link";
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { DataTable } from "@/components/data/data-table";
import { QueryError } from "@/components/query-error";
import { refusalMessageOf } from "@/lib/graphql/mutation-outcome";
import {
  MarkAllNotificationsReadMutation,
  MarkNotificationsReadMutation,
  MyNotificationArrivedSubscription,
  MyNotificationsQuery,
} from "@/lib/graphql/notifications";
import { useLiveEvents, useRefetchOnReconnect } from "@/lib/react/use-live";

const NO_VARIABLES = {};
/** Marking all read answers a bare count, which names no type: the document cache is told which it touched. */
const TOUCHES_NOTIFICATIONS = { additionalTypenames: ["Notification"] };

export function Inbox() {
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [cursors, setCursors] = useState<string[]>([]);
  const [result, refetch] = useQuery({
    query: MyNotificationsQuery,
    variables: { unreadOnly, after: cursors.at(-1) ?? null },
    requestPolicy: "cache-and-network",
  });
  const again = () => refetch({ requestPolicy: "network-only" });
  useRefetchOnReconnect(again);
  useLiveEvents(MyNotificationArrivedSubscription, NO_VARIABLES, again);
  const [, markRead] = useMutation(MarkNotificationsReadMutation);
  const [markAllState, markAll] = useMutation(MarkAllNotificationsReadMutation);
  const [error, setError] = useState<string | null>(null);
  const answer = result.data?.myNotifications;
  const page = answer?.__typename === "QueryMyNotificationsSuccess" ? answer.data : null;
  const notifications = page?.nodes ?? [];

  return (
    <>
      <div className="row spread">
        <h1>Notifications</h1>
        <span data-testid="inbox-unread">{page ? `${page.unreadCount ?? 0} unread` : ""}</span>
      </div>
      <div className="row">
        <label className="row" style={{ fontWeight: 400, margin: 0 }}>
          <input
            type="checkbox"
            checked={unreadOnly}
            onChange={(event) => {
              setCursors([]);
              setUnreadOnly(event.target.checked);
            }}
          />
          Unread only
        </label>
        <button
          type="button"
          disabled={markAllState.fetching || !page?.unreadCount}
          onClick={async () => {
            setError(null);
            const answered = await markAll({}, TOUCHES_NOTIFICATIONS);
            if (answered.error) setError("Not marked: the server cannot be reached. Try again.");
            again();
          }}
        >
          Mark all read
        </button>
      </div>
      {answer && answer.__typename !== "QueryMyNotificationsSuccess" && "message" in answer ? (
        <p className="error" role="alert">
          {answer.message}
        </p>
      ) : null}
      {error ? (
        <p className="error" role="alert" data-testid="inbox-refusal">
          {error}
        </p>
      ) : null}
      <QueryError error={result.error} />
      <DataTable
        panel
        testId="inbox"
        rows={notifications}
        rowKey={(item) => item.id ?? ""}
        rowProps={(item) => ({ "data-testid": "notification", "data-read": item.readAt ? "true" : "false" })}
        loading={result.fetching}
        empty={unreadOnly ? "Nothing unread." : "No notifications yet."}
        columns={[
          {
            header: "Notification",
            cell: (item) => (
              <>
                {item.readAt ? null : <span className="visually-hidden">Unread: </span>}
                <strong>
                  {item.readAt ? "" : "● "}
                  {item.title}
                </strong>
                <div className="muted">{item.body}</div>
              </>
            ),
          },
          { header: "Priority", cell: (item) => item.severity?.toLowerCase() },
          { header: "When", cell: (item) => (item.createdAt ? new Date(item.createdAt).toLocaleString() : "") },
          {
            header: <span className="visually-hidden">Actions</span>,
            cell: (item) => (
              <span className="row">
                {item.andonId ? (
                  <Link className="button" href={`/andon/${item.andonId}`}>
                    Open andon
                  </Link>
                ) : null}
                {item.readAt ? null : (
                  <button
                    type="button"
                    onClick={async () => {
                      setError(null);
                      const refusal = await refusalMessageOf(
                        () => markRead({ notificationIds: [item.id!] }),
                        "markNotificationsRead",
                      );
                      if (refusal) setError(refusal);
                      again();
                    }}
                  >
                    {/* The visible words start the accessible name (axe: label-content-name-mismatch). */}
                    Mark read<span className="visually-hidden">: “{item.title}”</span>
                  </button>
                )}
              </span>
            ),
          },
        ]}
      />
      <div className="row">
        {cursors.length ? (
          <button type="button" onClick={() => setCursors(cursors.slice(0, -1))}>
            Newer
          </button>
        ) : null}
        {page?.hasNextPage && page.endCursor ? (
          <button type="button" onClick={() => setCursors([...cursors, page.endCursor!])}>
            Older
          </button>
        ) : null}
      </div>
    </>
  );
}
