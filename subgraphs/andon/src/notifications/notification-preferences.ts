// A user's notification preferences: per channel on/off, the lowest priority it carries, and its
// place in the fallback order. Set as a whole, so a client never leaves half a change behind.

import type { AndonPriority, NotificationChannel, NotificationPreference, PrismaClient } from "@ms5/db";
import { InputInvalid } from "@ms5/kit/subgraph";

export interface NotificationPreferenceInput {
  channel: NotificationChannel;
  enabled: boolean;
  minPriority: AndonPriority;
  /** Fallback order, lower first; 0 to 100. */
  rank: number;
  /** Quiet hours as "HH:MM" local times; both or neither. Not for IN_APP. */
  quietFrom?: string | null;
  quietTo?: string | null;
  /** IANA time zone of the quiet hours. @default "UTC" */
  timeZone?: string | null;
}

const CLOCK_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** "HH:MM" to minutes after midnight. */
function minuteOf(field: string, value: string): number {
  const match = CLOCK_TIME.exec(value);
  if (!match) throw new InputInvalid(field, `${field} must be a time like 22:00.`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** Minutes after midnight as "HH:MM". */
export function clockTimeOf(minute: number | null): string | null {
  if (minute === null) return null;
  return `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;
}

function validTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-GB", { timeZone });
    return true;
  } catch {
    return false;
  }
}

function rowOf(userId: string, preference: NotificationPreferenceInput) {
  const { quietFrom, quietTo } = preference;
  const timeZone = preference.timeZone ?? "UTC";
  if (!validTimeZone(timeZone)) {
    throw new InputInvalid("timeZone", `${timeZone} is not a time zone (e.g. Africa/Johannesburg).`);
  }
  if ((quietFrom == null) !== (quietTo == null)) {
    throw new InputInvalid("quietTo", "Quiet hours need both quietFrom and quietTo.");
  }
  let quietStartMinute: number | null = null;
  let quietEndMinute: number | null = null;
  if (quietFrom != null && quietTo != null) {
    if (preference.channel === "IN_APP") {
      throw new InputInvalid("quietFrom", "The in-app inbox has no quiet hours: it never rings.");
    }
    quietStartMinute = minuteOf("quietFrom", quietFrom);
    quietEndMinute = minuteOf("quietTo", quietTo);
    if (quietStartMinute === quietEndMinute) {
      throw new InputInvalid("quietTo", "Quiet hours cannot start and end at the same time.");
    }
  }
  return {
    userId,
    channel: preference.channel,
    enabled: preference.enabled,
    minPriority: preference.minPriority,
    rank: preference.rank,
    quietStartMinute,
    quietEndMinute,
    timeZone,
  };
}

export async function notificationPreferencesOf(
  prisma: PrismaClient,
  userId: string,
): Promise<NotificationPreference[]> {
  return prisma.notificationPreference.findMany({ where: { userId }, orderBy: [{ rank: "asc" }, { channel: "asc" }] });
}

/** Replaces the user's preferences with `preferences`; channels not named go back to the defaults. */
export async function setNotificationPreferences(
  prisma: PrismaClient,
  userId: string,
  preferences: readonly NotificationPreferenceInput[],
): Promise<NotificationPreference[]> {
  const seen = new Set<NotificationChannel>();
  for (const preference of preferences) {
    if (seen.has(preference.channel)) {
      throw new InputInvalid("channel", `${preference.channel} is listed twice.`);
    }
    seen.add(preference.channel);
    if (!Number.isInteger(preference.rank) || preference.rank < 0 || preference.rank > 100) {
      throw new InputInvalid("rank", "rank must be a whole number from 0 to 100.");
    }
  }
  const rows = preferences.map((preference) => rowOf(userId, preference));
  if (preferences.some((preference) => preference.channel === "EMAIL" && preference.enabled)) {
    const user = await prisma.user.findUnique({ where: { id: userId }, select: { email: true } });
    if (!user?.email) {
      throw new InputInvalid("channel", "E-mail cannot be switched on: you have no e-mail address.");
    }
  }
  return prisma.$transaction(async (tx) => {
    await tx.notificationPreference.deleteMany({ where: { userId } });
    await tx.notificationPreference.createMany({ data: rows });
    return tx.notificationPreference.findMany({ where: { userId }, orderBy: [{ rank: "asc" }, { channel: "asc" }] });
  });
}
