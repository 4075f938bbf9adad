// Each weighing of a check weigher once, read from the PLC's ring of last weights (`REAL[n]`, the
// weighing numbered k in slot k mod n) and its weigh counter (DINT): every count above the last one
// published is a weighing to publish, in count order, so several weighings between two reads are
// neither missed nor repeated. More than n between two reads: only the last n are still in the ring
// (the gap in weighCount shows the loss). The first read after a start publishes nothing: the ring
// then holds weighings published before, or made while no one read it.

const DINT_RANGE = 2 ** 32;

export interface Weighing {
  weighCount: number;
  /** NaN or an infinity when the PLC gave no number: published with quality "bad". */
  value: number;
}

export class WeightRing {
  private lastCount: number | undefined;

  /** The weighings new since the previous read. `count` is the DINT as read (signed), `ring` the array. */
  next(count: number, ring: readonly number[]): Weighing[] {
    const current = count >>> 0;
    const last = this.lastCount;
    this.lastCount = current;
    if (last === undefined || ring.length === 0) return [];
    // The counter may wrap like any DINT.
    const made = (current - last + DINT_RANGE) % DINT_RANGE;
    const available = Math.min(made, ring.length);
    const weighings: Weighing[] = [];
    for (let k = current - available + 1; k <= current; k++) {
      const weighCount = (k + DINT_RANGE) % DINT_RANGE;
      weighings.push({ weighCount, value: ring[weighCount % ring.length]! });
    }
    return weighings;
  }
}
