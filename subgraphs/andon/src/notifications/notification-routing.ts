// Which channels a user gets a message on, and in what order they fall back, from what the sender
// asked for and the user's preferences.
import type { AndonPriority, NotificationChannel, NotificationPreference } from "@ms5/db";
import { NOTIFICATION_DEFAULTS } from "./notification-defaults.ts";

const PRIORITY_ORDER: readonly AndonPriority[] = ["LOW", "MEDIUM", "HIGH", "CRITICAL"];

export function priorityRank(priority: AndonPriority): number {
  return PRIORITY_ORDER.indexOf(priority);
}

export interface ChannelRoute {
  /** Channels to deliver on, best first. */
  deliver: NotificationChannel[];
  /** Where a failed channel's message goes next, in order; always ends with IN_APP. */
  fallback: NotificationChannel[];
}

type Preference = Pick<
  NotificationPreference,
  "channel" | "enabled" | "minPriority" | "rank" | "quietStartMinute" | "quietEndMinute" | "timeZone"
>;

/** Minutes after midnight of `at` in `timeZone` (an IANA name). */
export function localMinuteOfDay(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(at);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return part("hour") * 60 + part("minute");
}

/** Inside the preference's quiet hours at `at`; a window whose end is before its start wraps past midnight. */
export function inQuietHours(
  preference: Pick<Preference, "quietStartMinute" | "quietEndMinute" | "timeZone">,
  at: Date,
): boolean {
  const { quietStartMinute: start, quietEndMinute: end } = preference;
  if (start == null || end == null) return false;
  const minute = localMinuteOfDay(at, preference.timeZone);
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/**
 * A channel the user switched off, set to a priority above this message's, or keeps quiet at this
 * hour (CRITICAL breaks through quiet hours) is not used. When that leaves nothing, the message
 * still lands in the in-app inbox: preferences choose how someone is told, never whether an
 * escalation reaches them.
 */
export function routeChannels(
  requested: readonly NotificationChannel[],
  preferences: readonly Preference[],
  severity: AndonPriority,
  at: Date,
): ChannelRoute {
  const byChannel = new Map(preferences.map((preference) => [preference.channel, preference]));
  const allowed = (channel: NotificationChannel) => {
    const preference = byChannel.get(channel);
    if (!preference) return true;
    return (
      preference.enabled &&
      priorityRank(severity) >= priorityRank(preference.minPriority) &&
      (severity === "CRITICAL" || !inQuietHours(preference, at))
    );
  };
  const order = (channel: NotificationChannel) =>
    byChannel.get(channel)?.rank ?? 1000 + NOTIFICATION_DEFAULTS.channelOrder.indexOf(channel);
  const byOrder = (a: NotificationChannel, b: NotificationChannel) => order(a) - order(b);
  const deliver = [...new Set(requested)].filter(allowed).sort(byOrder);
  if (deliver.length === 0) deliver.push("IN_APP");
  const fallback = NOTIFICATION_DEFAULTS.channelOrder.filter((channel) => channel !== "IN_APP" && allowed(channel));
  fallback.sort(byOrder);
  fallback.push("IN_APP");
  return { deliver, fallback };
}
