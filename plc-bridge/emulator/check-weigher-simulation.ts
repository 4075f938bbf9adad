// A check weigher as its PLC program presents it: every unit the upstream equipment on the same
// controller makes is weighed; the weight goes into a small ring (`WeightRing: REAL[n]`, the weighing
// numbered k in slot k mod n) and the weigh counter (`WeighCount: DINT`) counts it. Weights scatter
// around the nominal with a slow drift, a shift of the mean now and then (for a while, then back)
// and rare outliers, so the live X̄-R chart has something to find.
import type { SeededRandom } from "./seeded-random.ts";
import type { LogixTag, TagDatabase } from "./tag-database.ts";

export interface EmulatedCheckWeigher {
  /** Program scope such as "Program:CheckWeigher1". */
  tagPrefix: string;
  /** The weight the process aims at (the plan's nominal), kg. */
  nominalKg: number;
  /** Slots of the weight ring. @default 16 */
  ringLength?: number;
}

/** Tunables of the weights, in kg and weighings. */
export const CHECK_WEIGHER_DEFAULTS = {
  ringLength: 16,
  /** Standard deviation of one weighing around the current mean. */
  sigmaKg: 0.015,
  /** Random-walk step of the slow drift per weighing, and how far it may wander. */
  driftStepKg: 0.0005,
  maxDriftKg: 0.02,
  /** Chance per weighing that the mean shifts, how far, and for how many weighings. */
  shiftChance: 1 / 3_000,
  shiftKg: 0.06,
  shiftWeighings: 150,
  /** Chance per weighing of an outlier (a double bag, a torn one), and how far off it is. */
  outlierChance: 1 / 2_000,
  outlierKg: 0.4,
} as const;

function gaussian(random: SeededRandom): number {
  const u = 1 - random.next();
  const v = random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export class CheckWeigherSimulation {
  readonly tagPrefix: string;
  private readonly ring: LogixTag;
  private readonly count: LogixTag;
  private readonly ringLength: number;
  private weighings = 0;
  private drift = 0;
  private shiftLeft = 0;
  private shift = 0;

  constructor(
    private readonly weigher: EmulatedCheckWeigher,
    tags: TagDatabase,
    private readonly random: SeededRandom,
  ) {
    this.tagPrefix = weigher.tagPrefix;
    this.ringLength = weigher.ringLength ?? CHECK_WEIGHER_DEFAULTS.ringLength;
    const name = (symbol: string) => (weigher.tagPrefix === "" ? symbol : `${weigher.tagPrefix}.${symbol}`);
    this.ring = tags.define(name("WeightRing"), { type: "REAL", elements: this.ringLength });
    this.count = tags.define(name("WeighCount"), { type: "DINT" });
  }

  /** How many weighings so far. */
  get weighCount(): number {
    return this.weighings;
  }

  /** Weighs `units` units (made upstream in the last step). */
  weigh(units: number): void {
    const d = CHECK_WEIGHER_DEFAULTS;
    for (let i = 0; i < units; i++) {
      this.drift = Math.max(
        -d.maxDriftKg,
        Math.min(d.maxDriftKg, this.drift + (this.random.next() - 0.5) * 2 * d.driftStepKg),
      );
      if (this.shiftLeft > 0) this.shiftLeft--;
      else if (this.random.next() < d.shiftChance) {
        this.shiftLeft = d.shiftWeighings;
        this.shift = (this.random.next() < 0.5 ? -1 : 1) * d.shiftKg;
      }
      const shift = this.shiftLeft > 0 ? this.shift : 0;
      const outlier = this.random.next() < d.outlierChance ? (this.random.next() < 0.5 ? -1 : 1) * d.outlierKg : 0;
      this.record(this.weigher.nominalKg + this.drift + shift + outlier + gaussian(this.random) * d.sigmaKg);
    }
  }

  /** Records one weighing as the PLC program does: the ring slot first, then the counter. */
  record(weightKg: number): void {
    this.weighings++;
    this.ring.data.writeFloatLE(weightKg, (this.weighings % this.ringLength) * 4);
    this.count.data.writeInt32LE(this.weighings | 0, 0);
  }
}
