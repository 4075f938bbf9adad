// A user's in-app inbox: newest first in keyset pages (a notification arriving between two pages
// neither repeats nor hides a row), the unread count, and marking read.

import type { Notification, PrismaClient } from "@ms5/db";
import { InputInvalid, NotFound } from "@ms5/kit/subgraph";
import { NOTIFICATION_DEFAULTS } from "./notification-defaults.ts";

export interface InboxPage {
  nodes: Notification[];
  /** Pass as `after` for the next page; null on the last page. */
  endCursor: string | null;
  hasNextPage: boolean;
  unreadCount: number;
}

function encodeCursor(row: Notification): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString("base64url");
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, "base64url").toString().split("|");
  const createdAt = new Date(at ?? "");
  if (!id || Number.isNaN(createdAt.getTime())) {
    throw new InputInvalid("after", "The cursor is not one this API handed out.");
  }
  return { createdAt, id };
}

export async function unreadNotificationCount(prisma: PrismaClient, userId: string): Promise<number> {
  return prisma.notification.count({ where: { userId, channel: "IN_APP", readAt: null } });
}

export async function inboxPage(
  prisma: PrismaClient,
  userId: string,
  options: { first?: number | null; after?: string | null; unreadOnly?: boolean | null },
): Promise<InboxPage> {
  const first = options.first ?? NOTIFICATION_DEFAULTS.defaultPageSize;
  if (!Number.isInteger(first) || first < 1 || first > NOTIFICATION_DEFAULTS.maxPageSize) {
    throw new InputInvalid("first", `first must be 1 to ${NOTIFICATION_DEFAULTS.maxPageSize}.`);
  }
  const after = options.after ? decodeCursor(options.after) : null;
  const rows = await prisma.notification.findMany({
    where: {
      userId,
      channel: "IN_APP",
      ...(options.unreadOnly ? { readAt: null } : {}),
      ...(after
        ? {
            OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }],
          }
        : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: first + 1,
  });
  const nodes = rows.slice(0, first);
  const last = nodes.at(-1);
  return {
    nodes,
    endCursor: rows.length > first && last ? encodeCursor(last) : null,
    hasNextPage: rows.length > first,
    unreadCount: await unreadNotificationCount(prisma, userId),
  };
}

/** Marks the caller's notifications read; an id that is not theirs refuses the whole call. */
export async function markNotificationsRead(
  prisma: PrismaClient,
  userId: string,
  notificationIds: readonly string[],
  now: Date,
): Promise<Notification[]> {
  const ids = [...new Set(notificationIds)];
  return prisma.$transaction(async (tx) => {
    const own = await tx.notification.findMany({ where: { id: { in: ids }, userId }, select: { id: true } });
    const missing = ids.find((id) => !own.some((row) => row.id === id));
    if (missing) throw new NotFound("notification", missing, `You have no notification ${missing}.`);
    // Already-read rows keep their first readAt.
    await tx.notification.updateMany({
      where: { id: { in: ids }, readAt: null },
      data: { status: "READ", readAt: now },
    });
    return tx.notification.findMany({ where: { id: { in: ids } }, orderBy: { createdAt: "desc" } });
  });
}

export async function markAllNotificationsRead(prisma: PrismaClient, userId: string, now: Date): Promise<number> {
  const { count } = await prisma.notification.updateMany({
    where: { userId, channel: "IN_APP", readAt: null },
    data: { status: "READ", readAt: now },
  });
  return count;
}
