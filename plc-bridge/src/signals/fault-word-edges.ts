// Compares successive reads of an equipment's fault words (DINT[n], 32 bits each) and reports
// which fault bits rose and which fell.

export interface FaultBitEdge {
  bitIndex: number;
  edge: "rising" | "falling";
  /** From the first read: a bit found set, not seen rising. */
  atStart?: true;
}

export class FaultWordEdges {
  private previous: readonly number[] | undefined;

  /** Edges since the last read. The first read reports every set bit as rising. */
  next(words: readonly number[]): FaultBitEdge[] {
    const atStart = this.previous === undefined;
    const previous = this.previous ?? words.map(() => 0);
    this.previous = [...words];
    const edges: FaultBitEdge[] = [];
    for (let w = 0; w < words.length; w++) {
      const before = (previous[w] ?? 0) >>> 0;
      const now = (words[w] ?? 0) >>> 0;
      const changed = (before ^ now) >>> 0;
      if (changed === 0) continue;
      for (let bit = 0; bit < 32; bit++) {
        const mask = (1 << bit) >>> 0;
        if ((changed & mask) === 0) continue;
        edges.push({
          bitIndex: w * 32 + bit,
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
      for (let bit = 0; bit < 32; bit++) if (((word >>> 0) & ((1 << bit) >>> 0)) !== 0) bits.push(w * 32 + bit);
    }
    return bits;
  }

  reset(): void {
    this.previous = undefined;
  }
}
