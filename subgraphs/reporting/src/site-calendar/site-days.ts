// Calendar days and weeks in a site's time zone: a DAY bucket runs from one local midnight to the
// next, so a day across a daylight-saving change lasts 23 or 25 hours.
import { localDate, localToUtc } from "@ms5/db/local-time";

export interface LocalDay {
  /** YYYY-MM-DD in the site's zone. */
  date: string;
  start: Date;
  end: Date;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** YYYY-MM-DD of the local day holding `instant`, without its bounds (what a grouping key needs). */
export function localDateOf(instant: Date, timeZone: string): string {
  const { year, month, day } = localDate(instant, timeZone);
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** The local day holding `instant`. */
export function localDayOf(instant: Date, timeZone: string): LocalDay {
  const { year, month, day } = localDate(instant, timeZone);
  return localDayAt(year, month, day, timeZone);
}

function localDayAt(year: number, month: number, day: number, timeZone: string): LocalDay {
  const next = new Date(Date.UTC(year, month - 1, day + 1));
  return {
    date: `${year}-${pad(month)}-${pad(day)}`,
    start: localToUtc(year, month, day, 0, timeZone),
    end: localToUtc(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), 0, timeZone),
  };
}

/** Every local day overlapping [from, to). */
export function localDaysOverlapping(from: Date, to: Date, timeZone: string): LocalDay[] {
  const days: LocalDay[] = [];
  let day = localDayOf(from, timeZone);
  while (day.start < to) {
    days.push(day);
    day = localDayOf(day.end, timeZone);
  }
  return days;
}

/** The ISO week (YYYY-Www) of a local date string. */
export function isoWeekOf(date: string): string {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  const d = new Date(Date.UTC(year, month - 1, day));
  const weekday = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - weekday);
  const weekYear = d.getUTCFullYear();
  const week = Math.ceil(((d.getTime() - Date.UTC(weekYear, 0, 1)) / 86_400_000 + 1) / 7);
  return `${weekYear}-W${pad(week)}`;
}
