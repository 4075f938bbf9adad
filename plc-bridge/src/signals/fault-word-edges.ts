// Compares successive reads of an equipment's fault words and reports which fault bits rose and
// which fell. A word is as wide as its tag: DINT[2] on a Logix (32 bits each) or B3:0-B3:3 on an SLC
// (16 each); bit n of word w is fault bit w * width + n either way.

export interface FaultBitEdge {
  bitIndex: number;
  edge: "rising" | "falling";
  /** From the first read: a bit found set, not seen rising. */
  atStart?: true;
}

/** Bits per fault word of each integer tag type. */
export const FAULT_WORD_BITS: Readonly<Record<string, number>> = { SINT: 8, INT: 16, DINT: 32 };

export class FaultWordEdges {
  private previous: readonly number[] | undefined;
  private readonly mask: number;

  /** `bitsPerWord`: 32 for DINT words, 16 for INT (SLC B-file) words, 8 for SINT. */
  constructor(private readonly bitsPerWord = 32) {
    if (![8, 16, 32].includes(bitsPerWord))
      throw new RangeError(`fault words are 8, 16 or 32 bits, not ${bitsPerWord}`);
    // Signed reads of a narrow word (an INT with bit 15 set is negative) keep only the word's own bits
    this.mask = bitsPerWord === 32 ? 0xffff_ffff : (1 << bitsPerWord) - 1;
  }

  /** Edges since the last read. The first read reports every set bit as rising. */
  next(words: readonly number[]): FaultBitEdge[] {
    const atStart = this.previous === undefined;
    const current = words.map((word) => this.bitsOf(word));
    const previous = this.previous ?? current.map(() => 0);
    this.previous = current;
    const edges: FaultBitEdge[] = [];
    for (let w = 0; w < current.length; w++) {
      const before = previous[w] ?? 0;
      const now = current[w]!;
      const changed = (before ^ now) >>> 0;
      if (changed === 0) continue;
      for (let bit = 0; bit < this.bitsPerWord; bit++) {
        const mask = (1 << bit) >>> 0;
        if ((changed & mask) === 0) continue;
        edges.push({
          bitIndex: w * this.bitsPerWord + bit,
          edge: (now & mask) !== 0 ? "rising" : "falling",
          ...(atStart ? { atStart: true as const } : {}),
        });
      }
    }
    return edges;
  }

  /** The bits set in the last read. */
  activeBits(): number[] {
    const bits: number[] = [];
    for (const [w, word] of (this.previous ?? []).entries()) {
      for (let bit = 0; bit < this.bitsPerWord; bit++) {
        if ((word & ((1 << bit) >>> 0)) !== 0) bits.push(w * this.bitsPerWord + bit);
      }
    }
    return bits;
  }

  reset(): void {
    this.previous = undefined;
  }

  private bitsOf(word: number): number {
    return ((word >>> 0) & this.mask) >>> 0;
  }
}
