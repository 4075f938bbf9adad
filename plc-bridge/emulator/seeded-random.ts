// A small seeded PRNG (mulberry32), so the simulated plant replays the same history for a seed.

export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Derives an independent stream per name (one per equipment), whatever order they are declared in. */
  static forStream(seed: number, name: string): SeededRandom {
    let hash = 2166136261 ^ (seed >>> 0); // FNV-1a over the name, started from the seed
    for (let i = 0; i < name.length; i++) {
      hash ^= name.charCodeAt(i);
      hash = Math.imul(hash, 16777619);
    }
    return new SeededRandom(hash);
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [min, max). */
  between(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** True with the chance that an event with mean interval `meanSeconds` happens within `dtSeconds`. */
  chance(dtSeconds: number, meanSeconds: number): boolean {
    return meanSeconds > 0 && this.next() < dtSeconds / meanSeconds;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
}
