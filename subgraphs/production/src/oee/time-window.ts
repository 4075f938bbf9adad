// Interval arithmetic for OEE buckets: clip state and downtime intervals to a window, and split a
// time range into the minute / hour / shift buckets OEE is persisted in.

/** A point in time: a Date (as Prisma returns it) or epoch milliseconds. */
export type Instant = Date | number;

/** A half-open window [start, end). */
export interface TimeWindow {
  start: Instant;
  end: Instant;
}

/** A half-open window [start, end) in epoch milliseconds. */
export interface EpochWindow {
  start: number;
  end: number;
}

/** Anything with a start and an end; `end: null` is still open (e.g. the current state) and runs to the window's end. */
export interface OpenInterval {
  start: Instant;
  end: Instant | null;
}

/** Fixed bucket sizes; shift buckets are explicit windows (ShiftInstance.startsAt / endsAt). */
export const FIXED_BUCKET_MS = {
  MINUTE: 60_000,
  HOUR: 3_600_000,
} as const;
export type FixedBucket = keyof typeof FIXED_BUCKET_MS;

export function toEpochMs(instant: Instant): number {
  const ms = typeof instant === "number" ? instant : instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`Not a valid instant: ${String(instant)}`);
  return ms;
}

export function toEpochWindow(window: TimeWindow): EpochWindow {
  const start = toEpochMs(window.start);
  const end = toEpochMs(window.end);
  if (end < start) throw new RangeError(`Window ends (${end}) before it starts (${start})`);
  return { start, end };
}

/** The part of an interval inside the window, or null when they do not overlap (touching is not overlapping). */
export function intersectWindow(interval: OpenInterval, window: TimeWindow): EpochWindow | null {
  const w = toEpochWindow(window);
  const start = Math.max(toEpochMs(interval.start), w.start);
  const end = Math.min(interval.end === null ? w.end : toEpochMs(interval.end), w.end);
  return end > start ? { start, end } : null;
}

/**
 * Each interval clipped to the window, keeping its other fields; intervals outside the window are
 * dropped and open intervals (`end: null`) end at the window's end.
 */
export function clipToWindow<T extends OpenInterval>(
  intervals: readonly T[],
  window: TimeWindow,
): Array<Omit<T, "start" | "end"> & EpochWindow> {
  const clipped: Array<Omit<T, "start" | "end"> & EpochWindow> = [];
  for (const interval of intervals) {
    const part = intersectWindow(interval, window);
    if (part) clipped.push({ ...interval, start: part.start, end: part.end });
  }
  return clipped;
}

/**
 * The aligned fixed-size buckets that overlap the range, whole (not clipped), in order. Buckets
 * align to the epoch plus `alignmentOffsetMs`: pass the site's UTC offset so hours start on local
 * hours in zones with a non-whole-hour offset (e.g. +05:30 is 19_800_000).
 */
export function fixedBuckets(range: TimeWindow, bucket: FixedBucket, alignmentOffsetMs = 0): EpochWindow[] {
  const size = FIXED_BUCKET_MS[bucket];
  const { start, end } = toEpochWindow(range);
  const buckets: EpochWindow[] = [];
  const first = Math.floor((start - alignmentOffsetMs) / size) * size + alignmentOffsetMs;
  for (let s = first; s < end; s += size) buckets.push({ start: s, end: s + size });
  return buckets;
}

/**
 * The pieces of an interval that fall in each bucket, with the bucket's index; buckets the interval
 * does not touch are left out. The pieces add up to the part of the interval the buckets cover.
 */
export function splitAcrossBuckets<T extends OpenInterval>(
  interval: T,
  buckets: readonly TimeWindow[],
): Array<{ bucketIndex: number; piece: Omit<T, "start" | "end"> & EpochWindow }> {
  const pieces: Array<{ bucketIndex: number; piece: Omit<T, "start" | "end"> & EpochWindow }> = [];
  buckets.forEach((bucket, bucketIndex) => {
    const part = intersectWindow(interval, bucket);
    if (part) pieces.push({ bucketIndex, piece: { ...interval, start: part.start, end: part.end } });
  });
  return pieces;
}
