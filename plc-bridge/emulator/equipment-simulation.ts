// One piece of packaging equipment as its PLC program would present it: state, speed, counters,
// faults with a latched first-out, energy and jaw temperature, stepped in fixed simulated time.
import type { SimulationTunables } from "./emulator-defaults.ts";
import type { SeededRandom } from "./seeded-random.ts";
import type { LogixTag, TagDatabase } from "./tag-database.ts";

export interface EmulatedEquipment {
  /** Program scope such as "Program:Bagger1", or "" for controller scope. */
  tagPrefix: string;
  targetSpeedPerMinute: number;
  /** Length of the Faults DINT array: 2 gives 64 fault bits. */
  faultWords: 1 | 2;
  /** Catalogued fault bits the equipment may raise on its own. */
  faultBits: number[];
  /** Default true: random micro-stops, faults, planned stops and changeovers. False: only the control API changes state. */
  autonomous?: boolean;
  /**
   * A check weigher instead of a machine: only `WeightRing: REAL[n]` and `WeighCount: DINT` under the
   * prefix, weighing every unit the controller's first machine makes (check-weigher-simulation.ts).
   */
  checkWeigher?: { nominalKg: number; ringLength?: number };
  /**
   * Extra free-form REAL tags `Extra_0` ... `Extra_<n-1>`: process values (temperatures, pressures,
   * currents) wandering around their own set points, for plants with many tags per machine. @default 0
   */
  extraTags?: number;
}

/** StateCode values, as the equipment's PLC program reports them. */
export const EquipmentState = {
  /** Unknown / powering up. */
  UNKNOWN: 0,
  RUNNING: 1,
  /** Starved or blocked (micro-stop). */
  IDLE: 2,
  /** Faulted. */
  DOWN: 3,
  PLANNED_STOP: 4,
  CHANGEOVER: 5,
} as const;

export type EquipmentStateName = keyof typeof EquipmentState;
/** States the control API can put equipment in (DOWN comes from forceFault). */
export type SettableEquipmentState = "RUNNING" | "IDLE" | "PLANNED_STOP" | "CHANGEOVER";

const settableStates: Readonly<Record<SettableEquipmentState, number>> = {
  RUNNING: EquipmentState.RUNNING,
  IDLE: EquipmentState.IDLE,
  PLANNED_STOP: EquipmentState.PLANNED_STOP,
  CHANGEOVER: EquipmentState.CHANGEOVER,
};

/** Tags every equipment has under its prefix, with their types. */
export const equipmentTagTypes = {
  Running: "BOOL",
  StateCode: "DINT",
  Speed: "REAL",
  GoodCount: "DINT",
  RejectCount: "DINT",
  Faults: "DINT[faultWords]",
  FirstOutFault: "DINT",
  EnergyKWh: "REAL",
  JawTempC: "REAL",
  /** Why it is idle: 1 starved, 2 blocked, 0 otherwise. */
  Diag_SINT: "SINT",
  /** Recipe number; goes up by one at the end of each changeover. */
  Diag_INT: "INT",
  /** Lifetime units produced; never wraps. */
  Diag_LINT: "LINT",
  /** Running hours. */
  Diag_LREAL: "LREAL",
} as const;

const PREFIX_PATTERN = /^Program:[A-Za-z_][A-Za-z0-9_]{0,39}$/;
const IdleReason = { none: 0, starved: 1, blocked: 2 } as const;

/** Full tag name of `symbol` under `prefix` ("" = controller scope). */
export function equipmentTagName(prefix: string, symbol: string): string {
  return prefix === "" ? symbol : `${prefix}.${symbol}`;
}

export class EquipmentSimulation {
  readonly tagPrefix: string;
  readonly autonomous: boolean;

  private state: number;
  /** Simulated seconds left in the current autonomous stop (or power-up). */
  private remainingSeconds = 0;
  /** Set by the control API: the state holds until the next control call. */
  private held = false;
  private targetSpeed: number;
  private actualSpeed: number;
  private drift = 0;
  private readonly rejectRate: number;
  private unitFraction = 0;
  private rejectFraction = 0;
  private energyKWh: number;
  private jawTempC: number;
  private jawNoiseC = 0;
  private lifetimeUnits = 0;
  private runSeconds = 0;
  private readonly activeFaults: Int32Array;
  private firstOut = -1;
  private consequentialFaults = 0;
  private idleReason: number = IdleReason.none;
  private recipe: number;

  private readonly tag: Record<keyof typeof equipmentTagTypes, LogixTag>;
  /** Extra_<i> tags and their set points; values wander around them while running. */
  private readonly extraTags: { tag: LogixTag; setPoint: number; value: number }[] = [];

  constructor(
    private readonly equipment: EmulatedEquipment,
    tags: TagDatabase,
    private readonly random: SeededRandom,
    private readonly tunables: SimulationTunables,
  ) {
    const { tagPrefix, faultWords, faultBits } = equipment;
    if (tagPrefix !== "" && !PREFIX_PATTERN.test(tagPrefix)) {
      throw new Error(`tagPrefix "${tagPrefix}": use "Program:<Name>" or "" for controller scope`);
    }
    if (faultWords !== 1 && faultWords !== 2) throw new Error(`${tagPrefix}: faultWords must be 1 or 2`);
    for (const bit of faultBits) {
      if (!Number.isInteger(bit) || bit < 0 || bit >= faultWords * 32) {
        throw new Error(`${tagPrefix}: fault bit ${bit} does not fit in ${faultWords} DINT(s)`);
      }
    }
    if (!(equipment.targetSpeedPerMinute >= 0)) throw new Error(`${tagPrefix}: targetSpeedPerMinute must be >= 0`);
    this.tagPrefix = tagPrefix;
    this.autonomous = equipment.autonomous ?? true;
    this.activeFaults = new Int32Array(faultWords);
    this.targetSpeed = equipment.targetSpeedPerMinute;
    this.rejectRate = random.between(tunables.rejectRate[0], tunables.rejectRate[1]);
    this.recipe = 100 + Math.floor(random.next() * 20);

    // Autonomous equipment has been running for a while before we look; the scripted kind starts clean.
    const startGood = this.autonomous ? Math.floor(random.next() * 5_000_000) : 0;
    const startRejects = Math.floor(startGood * this.rejectRate);
    this.energyKWh = this.autonomous ? Math.fround(random.between(1_000, 50_000)) : 0;
    this.jawTempC = tunables.jawSetpointC;
    if (this.autonomous && tunables.powerUpSeconds > 0) {
      this.state = EquipmentState.UNKNOWN;
      this.remainingSeconds = tunables.powerUpSeconds;
      this.actualSpeed = 0;
    } else {
      this.state = EquipmentState.RUNNING;
      this.actualSpeed = this.targetSpeed;
    }

    const define = (symbol: keyof typeof equipmentTagTypes, type: Parameters<TagDatabase["define"]>[1]) =>
      tags.define(equipmentTagName(tagPrefix, symbol), type);
    this.tag = {
      Running: define("Running", { type: "BOOL" }),
      StateCode: define("StateCode", { type: "DINT" }),
      Speed: define("Speed", { type: "REAL" }),
      GoodCount: define("GoodCount", { type: "DINT", initial: startGood }),
      RejectCount: define("RejectCount", { type: "DINT", initial: startRejects }),
      Faults: define("Faults", { type: "DINT", elements: faultWords }),
      FirstOutFault: define("FirstOutFault", { type: "DINT", initial: -1 }),
      EnergyKWh: define("EnergyKWh", { type: "REAL", initial: this.energyKWh }),
      JawTempC: define("JawTempC", { type: "REAL" }),
      Diag_SINT: define("Diag_SINT", { type: "SINT" }),
      Diag_INT: define("Diag_INT", { type: "INT" }),
      Diag_LINT: define("Diag_LINT", { type: "LINT" }),
      Diag_LREAL: define("Diag_LREAL", { type: "LREAL" }),
    };
    for (let i = 0; i < (equipment.extraTags ?? 0); i++) {
      const setPoint = Math.round(random.between(1, 500) * 10) / 10;
      const tag = tags.define(equipmentTagName(tagPrefix, `Extra_${i}`), { type: "REAL" });
      this.extraTags.push({ tag, setPoint, value: setPoint });
    }
    this.publish();
  }

  /** Current speed, units/min (0 when stopped). */
  get speed(): number {
    return this.actualSpeed;
  }

  get stateCode(): number {
    return this.state;
  }

  /** Units made since start (good and rejected): what a check weigher downstream weighs. */
  get unitsMade(): number {
    return this.lifetimeUnits;
  }

  /** Advances the equipment by `dt` simulated seconds and writes its tags. */
  step(dt: number): void {
    if (this.autonomous && !this.held) this.autonomousTransitions(dt);
    this.moveSpeed(dt);
    this.produce(dt);
    this.meterEnergy(dt);
    this.moveJawTemperature(dt);
    if (this.state === EquipmentState.RUNNING) this.runSeconds += dt;
    this.moveExtraTags(dt);
    this.publish();
  }

  // ---- control API -------------------------------------------------------------------------------

  /** Raises `bit` and stops the equipment; it stays down until clearFaults or setState. */
  forceFault(bit: number): void {
    if (!Number.isInteger(bit) || bit < 0 || bit >= this.activeFaults.length * 32) {
      throw new RangeError(`${this.label}: fault bit ${bit} does not fit in ${this.activeFaults.length} DINT(s)`);
    }
    this.raiseFault(bit);
    this.held = true;
    this.publish();
  }

  /** Resets every fault and the first-out; a faulted machine restarts (speed ramps up). */
  clearFaults(): void {
    this.resetFaults();
    if (this.state === EquipmentState.DOWN) this.enter(EquipmentState.RUNNING);
    this.held = false;
    this.publish();
  }

  /**
   * Puts the equipment in `state` (clearing any faults, like an operator reset). RUNNING hands control
   * back to the autonomous behaviour; the other states hold until the next control call.
   */
  setState(state: SettableEquipmentState): void {
    const code = settableStates[state];
    if (code === undefined) throw new Error(`${this.label}: cannot set state "${state}" (use forceFault for DOWN)`);
    this.resetFaults();
    this.enter(code);
    this.held = code !== EquipmentState.RUNNING;
    if (code === EquipmentState.IDLE) this.idleReason = IdleReason.starved;
    this.publish();
  }

  setSpeed(perMinute: number): void {
    if (!Number.isFinite(perMinute) || perMinute < 0) throw new RangeError(`${this.label}: speed must be >= 0`);
    this.targetSpeed = perMinute;
    if (!this.autonomous && this.state === EquipmentState.RUNNING) this.actualSpeed = perMinute;
    this.publish();
  }

  // ---- behaviour ---------------------------------------------------------------------------------

  private get label(): string {
    return this.tagPrefix === "" ? "(controller scope)" : this.tagPrefix;
  }

  private autonomousTransitions(dt: number): void {
    const t = this.tunables;
    const random = this.random;
    switch (this.state) {
      case EquipmentState.RUNNING:
        if (this.equipment.faultBits.length > 0 && random.chance(dt, t.meanSecondsBetweenFaults)) {
          this.raiseFault(random.pick(this.equipment.faultBits));
          this.remainingSeconds = random.between(t.faultDownSeconds[0], t.faultDownSeconds[1]);
        } else if (random.chance(dt, t.meanSecondsBetweenMicroStops)) {
          this.enter(EquipmentState.IDLE);
          this.idleReason = random.next() < 0.6 ? IdleReason.starved : IdleReason.blocked;
          this.remainingSeconds = random.between(t.microStopSeconds[0], t.microStopSeconds[1]);
        } else if (random.chance(dt, t.meanSecondsBetweenPlannedStops)) {
          this.enter(EquipmentState.PLANNED_STOP);
          this.remainingSeconds = random.between(t.plannedStopSeconds[0], t.plannedStopSeconds[1]);
        } else if (random.chance(dt, t.meanSecondsBetweenChangeovers)) {
          this.enter(EquipmentState.CHANGEOVER);
          this.remainingSeconds = random.between(t.changeoverSeconds[0], t.changeoverSeconds[1]);
        }
        return;
      case EquipmentState.DOWN:
        // Consequential alarms pile up behind the first-out while the machine stands.
        if (
          this.consequentialFaults < t.maxConsequentialFaults &&
          this.equipment.faultBits.length > 1 &&
          random.chance(dt, t.meanSecondsBetweenConsequentialFaults)
        ) {
          const bit = random.pick(this.equipment.faultBits);
          if (!this.isFaultActive(bit)) {
            this.setFaultBit(bit);
            this.consequentialFaults++;
          }
        }
        this.countDown(dt);
        return;
      default:
        this.countDown(dt);
    }
  }

  private countDown(dt: number): void {
    this.remainingSeconds -= dt;
    if (this.remainingSeconds > 0) return;
    if (this.state === EquipmentState.DOWN) this.resetFaults();
    if (this.state === EquipmentState.CHANGEOVER) this.recipe = this.recipe >= 32_000 ? 100 : this.recipe + 1;
    this.enter(EquipmentState.RUNNING);
  }

  private enter(state: number): void {
    this.state = state;
    if (state !== EquipmentState.IDLE) this.idleReason = IdleReason.none;
  }

  private raiseFault(bit: number): void {
    this.setFaultBit(bit);
    // First-out: the fault that stopped the machine, latched until the faults are reset.
    if (this.firstOut < 0) this.firstOut = bit;
    this.enter(EquipmentState.DOWN);
  }

  private resetFaults(): void {
    this.activeFaults.fill(0);
    this.firstOut = -1;
    this.consequentialFaults = 0;
  }

  private setFaultBit(bit: number): void {
    const word = bit >> 5;
    this.activeFaults[word] = this.activeFaults[word]! | (1 << (bit & 31));
  }

  private isFaultActive(bit: number): boolean {
    return (this.activeFaults[bit >> 5]! & (1 << (bit & 31))) !== 0;
  }

  private moveSpeed(dt: number): void {
    if (this.state !== EquipmentState.RUNNING) {
      this.actualSpeed = 0;
      return;
    }
    if (!this.autonomous) {
      this.actualSpeed = this.targetSpeed;
      return;
    }
    const limit = this.tunables.speedDriftFraction;
    // Mean-reverting random walk, so the speed wanders but stays near target.
    this.drift += (-0.02 * this.drift + (this.random.next() - 0.5) * 0.004) * Math.min(dt * 10, 10);
    if (this.drift > limit) this.drift = limit;
    else if (this.drift < -limit) this.drift = -limit;
    const setpoint = this.targetSpeed * (1 + this.drift);
    this.actualSpeed += (setpoint - this.actualSpeed) * (1 - Math.exp(-dt / this.tunables.speedRampSeconds));
  }

  private produce(dt: number): void {
    const units = (this.actualSpeed / 60) * dt + this.unitFraction;
    // The epsilon stops 0.1 + 0.1 + ... from landing a hair under a whole unit and losing it.
    const made = Math.floor(units + 1e-9);
    this.unitFraction = Math.max(0, units - made);
    if (made === 0) return;
    let rejects = 0;
    if (this.autonomous) {
      for (let i = 0; i < made; i++) if (this.random.next() < this.rejectRate) rejects++;
    } else {
      // Scripted equipment rejects an exact share, so tests can predict the counts.
      this.rejectFraction += made * this.rejectRate;
      rejects = Math.floor(this.rejectFraction + 1e-9);
      this.rejectFraction = Math.max(0, this.rejectFraction - rejects);
    }
    // DINT arithmetic: the counters wrap from 2^31-1 to -2^31 as in the PLC.
    const good = this.tag.GoodCount.data;
    good.writeInt32LE((good.readInt32LE(0) + made - rejects) | 0, 0);
    const rejected = this.tag.RejectCount.data;
    rejected.writeInt32LE((rejected.readInt32LE(0) + rejects) | 0, 0);
    this.lifetimeUnits += made;
  }

  private meterEnergy(dt: number): void {
    // A client may have preset the meter; continue from what is stored.
    const stored = this.tag.EnergyKWh.data.readFloatLE(0);
    if (stored !== Math.fround(this.energyKWh)) this.energyKWh = stored;
    const load = this.targetSpeed > 0 ? this.actualSpeed / this.targetSpeed : 0;
    const kw = this.tunables.idleKw + this.tunables.loadKw * load;
    this.energyKWh += (kw * dt) / 3600;
  }

  private moveJawTemperature(dt: number): void {
    const t = this.tunables;
    const heatersOn =
      this.state === EquipmentState.RUNNING || this.state === EquipmentState.IDLE || this.state === EquipmentState.DOWN;
    const target = heatersOn ? t.jawSetpointC : t.ambientC;
    const tau = heatersOn ? t.jawHeatSeconds : t.jawCoolSeconds;
    this.jawTempC += (target - this.jawTempC) * (1 - Math.exp(-dt / tau));
    this.jawNoiseC = this.autonomous ? (this.random.next() - 0.5) * t.jawNoiseC : 0;
  }

  /** Writes the internal state to the tags, as the PLC program's output rungs would each scan. */
  /** A slow random walk around each set point, pulled back toward it (an Ornstein-Uhlenbeck step). */
  private moveExtraTags(dt: number): void {
    for (const extra of this.extraTags) {
      const pull = (extra.setPoint - extra.value) * Math.min(1, dt / 30);
      const noise = (this.random.next() - 0.5) * extra.setPoint * 0.004 * Math.sqrt(dt);
      extra.value += pull + noise;
    }
  }

  private publish(): void {
    for (const extra of this.extraTags) extra.tag.data.writeFloatLE(extra.value, 0);
    const tag = this.tag;
    tag.Running.data[0] = this.state === EquipmentState.RUNNING ? 1 : 0;
    tag.StateCode.data.writeInt32LE(this.state, 0);
    tag.Speed.data.writeFloatLE(this.actualSpeed, 0);
    for (let i = 0; i < this.activeFaults.length; i++) tag.Faults.data.writeInt32LE(this.activeFaults[i]!, i * 4);
    tag.FirstOutFault.data.writeInt32LE(this.firstOut, 0);
    tag.EnergyKWh.data.writeFloatLE(this.energyKWh, 0);
    tag.JawTempC.data.writeFloatLE(this.jawTempC + this.jawNoiseC, 0);
    tag.Diag_SINT.data.writeInt8(this.idleReason, 0);
    tag.Diag_INT.data.writeInt16LE(this.recipe, 0);
    // LINT written as two halves: no BigInt allocation per step.
    const lint = tag.Diag_LINT.data;
    lint.writeUInt32LE(this.lifetimeUnits % 4294967296, 0);
    lint.writeUInt32LE(Math.floor(this.lifetimeUnits / 4294967296), 4);
    tag.Diag_LREAL.data.writeDoubleLE(this.runSeconds / 3600, 0);
  }
}
