// What a rendered report holds, independent of its template: a title, the site and its zone, the
// range, and sections (figures, tables, vector bar charts, text). Every template gathers its figures
// through the analytics functions the API resolves with and writes them with the formatters below,
// which the tests that read a PDF back use too: a figure in the PDF equals the API's.

export interface ReportFigure {
  label: string;
  value: string;
}

export interface ReportBar {
  label: string;
  value: number;
  /** Printed beside the bar, e.g. "912 / 900". */
  text: string;
  /** Drawn as a mark across the bar (a target). */
  target?: number | null;
}

export type ReportSection =
  | { kind: "heading"; text: string }
  | { kind: "figures"; title?: string; items: ReportFigure[] }
  | { kind: "table"; title: string; columns: string[]; rows: string[][]; empty: string }
  | { kind: "bars"; title: string; rows: ReportBar[]; empty: string }
  | { kind: "text"; title: string; paragraphs: string[]; empty: string };

export interface ReportContent {
  title: string;
  siteName: string;
  timezone: string;
  /** The range as the site reads it, e.g. "9 Dec 2026, 06:00 to 9 Dec 2026, 14:00". */
  rangeText: string;
  sections: ReportSection[];
}

/** A ratio as a report prints it: "93.8%"; "n/a" when there is none. */
export function percentText(ratio: number | null | undefined): string {
  return ratio === null || ratio === undefined ? "n/a" : `${(ratio * 100).toFixed(1)}%`;
}

/** A duration in minutes with one decimal: "12.5 min"; "n/a" when there is none. */
export function minutesText(seconds: number | null | undefined): string {
  return seconds === null || seconds === undefined ? "n/a" : `${(seconds / 60).toFixed(1)} min`;
}

/** A long duration in hours with one decimal: "36.2 h"; "n/a" when there is none. */
export function hoursText(seconds: number | null | undefined): string {
  return seconds === null || seconds === undefined ? "n/a" : `${(seconds / 3600).toFixed(1)} h`;
}

/** A stop total as the Pareto prints it: "40 min (1)". */
export function stopTotalText(totalSeconds: number, count: number): string {
  return `${Math.round(totalSeconds / 60)} min (${count})`;
}

/** The wall-clock time of an instant in the site's zone: "06:00". */
export function localTimeText(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(
    instant,
  );
}

export function rangeTextOf(from: Date, to: Date, timeZone: string): string {
  const format = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    dateStyle: "medium",
    timeStyle: "short",
    hourCycle: "h23",
  });
  return `${format.format(from)} to ${format.format(to)}`;
}
