// A person's own notifications: the inbox (paged, unread count), marking read, how they want to be
// told (preferences), and the `myNotifications` subscription. Every entry point reads only the
// signed-in user's rows: there is no argument naming whose.
import type { Notification } from "@ms5/db";
import { ApiError, defineLoader, InputInvalid, NotFound, perViewer, type SubgraphContext } from "@ms5/kit/subgraph";
import { builder, uuidArgument } from "../builder.ts";
import { NOTIFICATION_DEFAULTS } from "../notifications/notification-defaults.ts";
import type { NotificationEvent } from "../notifications/notification-feed.ts";
import { inboxPage, markAllNotificationsRead, markNotificationsRead } from "../notifications/notification-inbox.ts";
import {
  clockTimeOf,
  notificationPreferencesOf,
  setNotificationPreferences,
} from "../notifications/notification-preferences.ts";
import { AndonPriorityEnum } from "./andon.ts";
import { nowFor } from "./schema-clock.ts";

/** The signed-in person; a service account has no inbox. */
function recipientOf(context: SubgraphContext): string {
  if (context.identity.kind !== "user") {
    throw new ApiError("FORBIDDEN", "Only a signed-in person has notifications, not a service account.");
  }
  return context.identity.userId;
}

export const NotificationChannelEnum = builder.enumType("NotificationChannel", {
  description: "How a notification reaches a person.",
  values: ["IN_APP", "EMAIL", "SMS"] as const,
});
const NotificationStatusEnum = builder.enumType("NotificationStatus", {
  description: "PENDING while being sent; SENT; FAILED (see lastError; a fallback was tried); READ.",
  values: ["PENDING", "SENT", "FAILED", "READ"] as const,
});

export const NotificationRef = builder.prismaObject("Notification", {
  description: "A message to one person on one channel: an escalation level, a reminder, a production alert.",
  authScopes: { permission: "notification:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    channel: t.field({ type: NotificationChannelEnum, resolve: (row) => row.channel }),
    status: t.field({ type: NotificationStatusEnum, resolve: (row) => row.status }),
    title: t.exposeString("title"),
    body: t.exposeString("body"),
    severity: t.field({ type: AndonPriorityEnum, resolve: (row) => row.severity }),
    andonId: t.exposeID("andonId", { nullable: true }),
    escalationId: t.exposeID("escalationId", { nullable: true }),
    alertId: t.exposeID("alertId", { nullable: true }),
    fallbackOfId: t.exposeID("fallbackOfId", {
      nullable: true,
      description: "The notification on another channel that failed, when this one is its fallback.",
    }),
    lastError: t.exposeString("lastError", { nullable: true, description: "Why the channel failed." }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    sentAt: t.expose("sentAt", { type: "DateTime", nullable: true }),
    readAt: t.expose("readAt", { type: "DateTime", nullable: true }),
  }),
});

const NotificationPageRef = builder
  .objectRef<{ nodes: Notification[]; endCursor: string | null; hasNextPage: boolean; unreadCount: number }>(
    "NotificationPage",
  )
  .implement({
    description: "One page of the in-app inbox, newest first.",
    fields: (t) => ({
      nodes: t.field({
        type: [NotificationRef],
        listSize: { assumedSize: NOTIFICATION_DEFAULTS.maxPageSize },
        resolve: (page) => page.nodes,
      }),
      endCursor: t.exposeString("endCursor", { nullable: true, description: "Pass as `after` for the next page." }),
      hasNextPage: t.exposeBoolean("hasNextPage"),
      unreadCount: t.exposeInt("unreadCount", { description: "Unread in-app notifications in the whole inbox." }),
    }),
  });

const NotificationPreferenceRef = builder.prismaObject("NotificationPreference", {
  description: "How one channel is used for you: on or off, from which priority, and its place in the fallback order.",
  authScopes: { permission: "notification:read" },
  fields: (t) => ({
    channel: t.field({ type: NotificationChannelEnum, resolve: (row) => row.channel }),
    enabled: t.exposeBoolean("enabled"),
    minPriority: t.field({ type: AndonPriorityEnum, resolve: (row) => row.minPriority }),
    rank: t.exposeInt("rank", { description: "Fallback order, lower first." }),
    quietFrom: t.string({
      nullable: true,
      description: "Start of quiet hours (HH:MM local); CRITICAL messages still come through.",
      resolve: (row) => clockTimeOf(row.quietStartMinute),
    }),
    quietTo: t.string({ nullable: true, resolve: (row) => clockTimeOf(row.quietEndMinute) }),
    timeZone: t.exposeString("timeZone", { description: "IANA time zone of the quiet hours." }),
  }),
});

const NotificationPreferenceInput = builder.inputType("NotificationPreferenceInput", {
  fields: (t) => ({
    channel: t.field({ type: NotificationChannelEnum, required: true }),
    enabled: t.boolean({ required: true }),
    minPriority: t.field({
      type: AndonPriorityEnum,
      required: true,
      description: "Messages below this priority skip the channel.",
    }),
    rank: t.int({ required: true, description: "0 to 100; the fallback order, lower first." }),
    quietFrom: t.string({ description: "Quiet hours start, HH:MM local (e.g. 22:00); give quietTo too." }),
    quietTo: t.string({ description: "Quiet hours end, HH:MM local (e.g. 06:00); may be past midnight." }),
    timeZone: t.string({ description: "IANA time zone of the quiet hours; default UTC." }),
  }),
});

builder.queryFields((t) => ({
  myNotifications: t.field({
    type: NotificationPageRef,
    description: `Your in-app notifications, newest first (${NOTIFICATION_DEFAULTS.defaultPageSize} a page unless \`first\` says otherwise, at most ${NOTIFICATION_DEFAULTS.maxPageSize}).`,
    authScopes: { permission: "notification:read" },
    errors: { types: [InputInvalid] },
    args: {
      first: t.arg.int({ required: false }),
      after: t.arg.string({ required: false }),
      unreadOnly: t.arg.boolean({ required: false }),
    },
    resolve: (_root, args, context) => inboxPage(context.prisma, recipientOf(context), args),
  }),
  myNotificationPreferences: t.field({
    type: [NotificationPreferenceRef],
    description: "Your notification preferences; a channel not listed is on for every priority.",
    authScopes: { permission: "notification:read" },
    resolve: (_root, _args, context) => notificationPreferencesOf(context.prisma, recipientOf(context)),
  }),
}));

builder.mutationFields((t) => ({
  markNotificationsRead: t.field({
    type: [NotificationRef],
    description: "Marks your notifications read; an id that is not yours refuses the whole call.",
    authScopes: { permission: "notification:read" },
    errors: { types: [NotFound, InputInvalid] },
    args: { notificationIds: t.arg.idList({ required: true }) },
    resolve: (_root, args, context) => {
      if (args.notificationIds.length === 0 || args.notificationIds.length > NOTIFICATION_DEFAULTS.maxPageSize) {
        throw new InputInvalid("notificationIds", `Name 1 to ${NOTIFICATION_DEFAULTS.maxPageSize} notifications.`);
      }
      const ids = args.notificationIds.map((id) => uuidArgument(id, "notificationIds"));
      return markNotificationsRead(context.prisma, recipientOf(context), ids, nowFor(context));
    },
  }),
  markAllNotificationsRead: t.int({
    description: "Marks every unread in-app notification of yours read; returns how many.",
    authScopes: { permission: "notification:read" },
    resolve: (_root, _args, context) => markAllNotificationsRead(context.prisma, recipientOf(context), nowFor(context)),
  }),
  setNotificationPreferences: t.field({
    type: [NotificationPreferenceRef],
    description: "Replaces your notification preferences as a whole.",
    authScopes: { permission: "notification:read" },
    errors: { types: [InputInvalid] },
    args: { preferences: t.arg({ type: [NotificationPreferenceInput], required: true }) },
    resolve: (_root, args, context) =>
      setNotificationPreferences(context.prisma, recipientOf(context), args.preferences),
  }),
}));

const notificationById = defineLoader<string, Notification | null>(async (ids, { prisma }) => {
  const rows = await prisma.notification.findMany({ where: { id: { in: [...ids] } } });
  return ids.map((id) => rows.find((row) => row.id === id) ?? null);
});

builder.subscriptionFields((t) => ({
  myNotifications: t.field({
    type: NotificationRef,
    description: "Each new in-app notification of yours, from whichever instance sent it.",
    authScopes: { permission: "notification:read" },
    directives: perViewer(),
    subscribe: (_root, _args, context) => {
      const userId = recipientOf(context);
      const feed = context.notificationFeed;
      if (!feed) throw new Error("the notification feed is not running on this instance");
      return feed.events(userId);
    },
    resolve: async (event: NotificationEvent, _args, context) => {
      const row = await context.loaders.of(notificationById).load(event.notificationId);
      // The channel is the user's own; checked again so a stray message never shows someone else's row.
      if (!row || row.userId !== recipientOf(context)) {
        throw new ApiError("NOT_FOUND", "This notification no longer exists.");
      }
      return row;
    },
  }),
}));
