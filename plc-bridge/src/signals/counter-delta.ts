// Turns a PLC's running DINT counter into increments. A DINT wraps from 2^31-1 to -2^31, so the
// increment is taken modulo 2^32; a jump larger than any believable rate is a counter reset
// (PLC download, operator reset), counted from zero rather than as four billion parts.

const DINT_RANGE = 2 ** 32;

export interface CounterDeltaOptions {
  /** Increments above this between two reads are treated as a counter reset. @default 1_000_000 */
  maxPlausibleDelta?: number;
}

export class CounterDelta {
  private previous: number | undefined;
  private readonly maxPlausibleDelta: number;

  constructor(options: CounterDeltaOptions = {}) {
    this.maxPlausibleDelta = options.maxPlausibleDelta ?? 1_000_000;
  }

  /** The increment since the last reading; 0 for the first reading (it only sets the base). */
  next(current: number): number {
    const previous = this.previous;
    this.previous = current;
    if (previous === undefined) return 0;
    const delta = (((current - previous) % DINT_RANGE) + DINT_RANGE) % DINT_RANGE;
    if (delta > this.maxPlausibleDelta) return Math.max(0, current);
    return delta;
  }

  /** Forget the base, e.g. after comms loss, so the first reading afterwards sets it again. */
  reset(): void {
    this.previous = undefined;
  }

  get base(): number | undefined {
    return this.previous;
  }
}
