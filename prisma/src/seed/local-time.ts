// Converting a plant's local wall-clock time to UTC with the IANA zone database in Intl, so shift
// instances start at the right instant whatever the site's zone and its DST rules.

// Building an Intl.DateTimeFormat costs ~100x formatting with one (it loads the zone's rules): a
// year of line x day analytics made 5 per row and spent 40 % of the subgraph's CPU there. One per
// zone, kept; a plant has a handful of zones.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function zoneOffsetMinutes(instant: Date, timeZone: string): number {
  const fields: Record<string, number> = {};
  for (const part of formatterOf(timeZone).formatToParts(instant)) {
    if (part.type !== "literal") fields[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(fields.year!, fields.month! - 1, fields.day!, fields.hour!, fields.minute!, fields.second!);
  return Math.round((asUtc - instant.getTime()) / 60_000);
}

/** The UTC instant of local date (year, month 1-12, day) + minuteOfDay in `timeZone`. */
export function localToUtc(year: number, month: number, day: number, minuteOfDay: number, timeZone: string): Date {
  const naive = Date.UTC(year, month - 1, day, 0, minuteOfDay);
  // Two passes settle the offset on either side of a DST change.
  let instant = new Date(naive - zoneOffsetMinutes(new Date(naive), timeZone) * 60_000);
  instant = new Date(naive - zoneOffsetMinutes(instant, timeZone) * 60_000);
  return instant;
}

/** The local calendar date (and ISO weekday, 1 = Monday) of `instant` in `timeZone`. */
export function localDate(
  instant: Date,
  timeZone: string,
): { year: number; month: number; day: number; isoWeekday: number } {
  const shifted = new Date(instant.getTime() + zoneOffsetMinutes(instant, timeZone) * 60_000);
  const weekday = shifted.getUTCDay();
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    isoWeekday: weekday === 0 ? 7 : weekday,
  };
}

/** The local dates of the Monday-to-Sunday week containing `instant`. */
export function localWeekDates(
  instant: Date,
  timeZone: string,
): { year: number; month: number; day: number; isoWeekday: number }[] {
  const today = localDate(instant, timeZone);
  const monday = Date.UTC(today.year, today.month - 1, today.day - (today.isoWeekday - 1));
  return Array.from({ length: 7 }, (_, i) => {
    const d = new Date(monday + i * 86_400_000);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), isoWeekday: i + 1 };
  });
}
