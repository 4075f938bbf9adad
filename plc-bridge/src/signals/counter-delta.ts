// Turns a PLC's running counter into increments. A DINT wraps from 2^31-1 to -2^31 (an INT from
// 32767 to -32768), so the increment is taken modulo the tag's range; a jump larger than any
// believable rate is a counter reset (PLC download, operator reset), counted from zero rather than
// as billions of parts. For a narrow counter the believable jump is also at most half its range:
// an SLC's INT counter going from 30000 to 12 was reset (65,548 parts in one read is not believable
// for a 16-bit counter), while 32767 to -32767 is a wrap of 2. A reading that is not a finite number
// is ignored: it never becomes the base.

export interface CounterDeltaOptions {
  /** Increments above this (or above half the range) between two reads are a counter reset. @default 1_000_000 */
  maxPlausibleDelta?: number;
  /** Values the counter tag can hold before it wraps: 2^32 for a DINT, 2^16 for an INT. @default 2^32 */
  range?: number;
}

/** How many values a counter of each integer tag type holds before it wraps. */
export const COUNTER_RANGE_OF_TYPE: Readonly<Record<string, number>> = {
  SINT: 2 ** 8,
  INT: 2 ** 16,
  DINT: 2 ** 32,
  LINT: 2 ** 64,
};

export class CounterDelta {
  private previous: number | undefined;
  private readonly maxPlausibleDelta: number;
  private readonly range: number;

  constructor(options: CounterDeltaOptions = {}) {
    this.range = options.range ?? 2 ** 32;
    this.maxPlausibleDelta = Math.min(options.maxPlausibleDelta ?? 1_000_000, this.range / 2);
  }

  /** The increment since the last reading (or restored total); 0 for the first reading with neither. */
  next(current: number): number {
    if (!Number.isFinite(current)) return 0;
    const previous = this.previous;
    this.previous = current;
    if (previous === undefined) return 0;
    const delta = (((current - previous) % this.range) + this.range) % this.range;
    if (delta > this.maxPlausibleDelta) return Math.max(0, current);
    return delta;
  }

  /** The total last published before a restart: the first reading after it counts from there. */
  restore(total: number): void {
    if (Number.isFinite(total)) this.previous = total;
  }

  /** Forget the base, e.g. after comms loss, so the first reading afterwards sets it again. */
  reset(): void {
    this.previous = undefined;
  }

  get base(): number | undefined {
    return this.previous;
  }
}
