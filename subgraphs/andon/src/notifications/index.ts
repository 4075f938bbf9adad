// Notifications: the dispatcher escalations and alerts send through, the in-app feed, the inbox
// and preferences.
export * from "./email-sender.ts";
export * from "./notification-defaults.ts";
export * from "./notification-dispatcher.ts";
export * from "./notification-errors.ts";
export * from "./notification-feed.ts";
export * from "./notification-inbox.ts";
export * from "./notification-preferences.ts";
export * from "./notification-routing.ts";
