// How the SLC 5/05 personality shows each simulated machine in its data table, as an SLC program
// would lay it out: faults packed 16 to a word in B3, state and counters as N7 INTs (counters wrap at
// 16 bits), analog values in F8, a run timer in T4 and a batch counter in C5. Equipment k (0-3)
// takes its own block of each file; the block offsets are the README's address table.

import { equipmentTagName } from "./equipment-simulation.ts";
import type { PcccDataTable } from "./pccc-data-table.ts";
import type { LogixTag, TagDatabase } from "./tag-database.ts";

/** Equipment one SLC personality can carry (each takes a block of B3, N7, F8, T4 and C5). */
export const SLC_MAX_EQUIPMENT = 4;

/** Where equipment k's signals sit; k = 0 is the first (usually only) machine of the processor. */
export function slcEquipmentAddresses(k: number) {
  const b = 8 * k;
  const n = 16 * k;
  const f = 8 * k;
  return {
    /** 4 words, 64 fault bits: bit n of B3:(b+w) is fault bit 16*w + n. */
    faults: `B3:${b}`,
    running: `B3:${b + 4}/0`,
    stateCode: `N7:${n}`,
    goodCount: `N7:${n + 1}`,
    rejectCount: `N7:${n + 2}`,
    firstOutFault: `N7:${n + 3}`,
    recipe: `N7:${n + 4}`,
    idleReason: `N7:${n + 5}`,
    speed: `F8:${f}`,
    energyKwh: `F8:${f + 1}`,
    jawTemperature: `F8:${f + 2}`,
    runningHours: `F8:${f + 3}`,
    /** .EN/.TT while running; .ACC seconds into the current running hour (PRE 3600). */
    runTimer: `T4:${k}`,
    /** Units into the current batch of 40 (.ACC), .DN as a batch completes. */
    batchCounter: `C5:${k}`,
  } as const;
}

/** Units per batch of the C5 batch counter. */
const BATCH_UNITS = 40;
const RUN_TIMER_PRESET = 3600;

/** One machine's simulation tags (Logix-named, private to the personality) mirrored into the data table. */
export class SlcEquipmentImage {
  private readonly addresses: ReturnType<typeof slcEquipmentAddresses>;
  private readonly tag: Record<string, LogixTag>;
  private lastGood: number | undefined;
  private lastReject: number | undefined;

  constructor(
    index: number,
    tagPrefix: string,
    simulationTags: TagDatabase,
    private readonly table: PcccDataTable,
  ) {
    this.addresses = slcEquipmentAddresses(index);
    const find = (symbol: string) => {
      const tag = simulationTags.find(equipmentTagName(tagPrefix, symbol));
      if (!tag) throw new Error(`simulation has no ${symbol} for "${tagPrefix}"`);
      return tag;
    };
    this.tag = Object.fromEntries(
      [
        "Running",
        "StateCode",
        "Speed",
        "GoodCount",
        "RejectCount",
        "Faults",
        "FirstOutFault",
        "EnergyKWh",
        "JawTempC",
        "Diag_SINT",
        "Diag_INT",
        "Diag_LREAL",
      ].map((symbol) => [symbol, find(symbol)]),
    );
    table.set(`${this.addresses.runTimer}.PRE`, RUN_TIMER_PRESET);
    table.set(`${this.addresses.batchCounter}.PRE`, BATCH_UNITS);
  }

  /** Brings the image up to date with the simulation. */
  update(): void {
    const { table, addresses: at, tag } = this;
    this.lastGood = this.projectCounter(at.goodCount, tag.GoodCount!);
    this.lastReject = this.projectCounter(at.rejectCount, tag.RejectCount!);
    const faults = tag.Faults!.data;
    const words: number[] = [];
    for (let w = 0; w < 4; w++) words.push(faults.length >= w * 2 + 2 ? faults.readUInt16LE(w * 2) : 0);
    table.set(at.faults, words.map(toInt16));
    const running = tag.Running!.data[0] === 1;
    table.set(at.running, running);
    table.set(at.stateCode, tag.StateCode!.data.readInt32LE(0));
    table.set(at.firstOutFault, tag.FirstOutFault!.data.readInt32LE(0));
    table.set(at.recipe, tag.Diag_INT!.data.readInt16LE(0));
    table.set(at.idleReason, tag.Diag_SINT!.data.readInt8(0));
    table.set(at.speed, tag.Speed!.data.readFloatLE(0));
    table.set(at.energyKwh, tag.EnergyKWh!.data.readFloatLE(0));
    table.set(at.jawTemperature, tag.JawTempC!.data.readFloatLE(0));
    const hours = tag.Diag_LREAL!.data.readDoubleLE(0);
    table.set(at.runningHours, hours);
    table.set(`${at.runTimer}.EN`, running);
    table.set(`${at.runTimer}.TT`, running);
    table.set(`${at.runTimer}.ACC`, Math.floor(hours * 3600) % RUN_TIMER_PRESET);
    const good = tag.GoodCount!.data.readInt32LE(0) >>> 0;
    const inBatch = good % BATCH_UNITS;
    table.set(`${at.batchCounter}.ACC`, inBatch);
    table.set(`${at.batchCounter}.CU`, running);
    table.set(`${at.batchCounter}.DN`, inBatch === 0 && good > 0);
  }

  /**
   * Called after a client wrote the table: a counter word it changed becomes the simulation's count
   * (its low 16 bits), so counting carries on from the written value, as after a preset from an HMI.
   */
  adoptWrites(): void {
    const { addresses: at, tag } = this;
    this.adoptCounter(at.goodCount, tag.GoodCount!, this.lastGood);
    this.adoptCounter(at.rejectCount, tag.RejectCount!, this.lastReject);
  }

  private adoptCounter(address: string, counter: LogixTag, last: number | undefined): void {
    const word = table16(this.table.get(address));
    if (last === undefined || word === last) return;
    const total = counter.data.readInt32LE(0);
    counter.data.writeInt32LE((total & ~0xffff) | (word & 0xffff) | 0, 0);
  }

  private projectCounter(address: string, counter: LogixTag): number {
    const projected = toInt16(counter.data.readInt32LE(0) & 0xffff);
    this.table.set(address, projected);
    return projected;
  }
}

function toInt16(word: number): number {
  return (word << 16) >> 16;
}

function table16(value: unknown): number {
  return typeof value === "number" ? value : 0;
}
