// The controller's scan clock: turns real elapsed time x timeScale into fixed simulated steps, steps
// every equipment, and keeps the controller-scoped line tags (heartbeat, speed history).

import { CheckWeigherSimulation } from "./check-weigher-simulation.ts";
import type { SimulationTunables } from "./emulator-defaults.ts";
import { type EmulatedEquipment, EquipmentSimulation } from "./equipment-simulation.ts";
import { SeededRandom } from "./seeded-random.ts";
import type { LogixTag, TagDatabase, TagValue } from "./tag-database.ts";

export interface ControllerSimulationOptions {
  seed: number;
  timeScale: number;
  tickMs: number;
  stepMs: number;
  maxStepsPerTick: number;
  tunables: SimulationTunables;
  equipment: readonly EmulatedEquipment[];
}

/** Controller-scoped tags the line itself carries. */
export const lineTagTypes = {
  /** DINT, +1 every simulation step (100 simulated ms by default); wraps like a DINT. */
  Line_Heartbeat: "DINT",
  /** REAL[240]: summed equipment speed, one sample per simulated minute, newest last. */
  Line_SpeedHistory: "REAL[speedHistoryLength]",
} as const;

export class ControllerSimulation {
  private readonly equipmentByPrefix = new Map<string, EquipmentSimulation>();
  /** Check weighers, each weighing what the controller's first machine makes. */
  private readonly weighers: CheckWeigherSimulation[] = [];
  private unitsWeighed = 0;
  private readonly heartbeat: LogixTag;
  private readonly speedHistory: LogixTag;
  private readonly stepsPerHistorySample: number;
  private timer: NodeJS.Timeout | null = null;
  private lastTickAt = performance.now();
  private pendingMs = 0;
  private stepCount = 0;
  private isPaused = false;
  /** Tag values held against the program (a PLC "force"): rewritten after every step until released. */
  private readonly forcedTags = new Map<string, TagValue>();

  constructor(
    private readonly tags: TagDatabase,
    private readonly options: ControllerSimulationOptions,
  ) {
    if (!(options.timeScale > 0)) throw new Error("timeScale must be > 0");
    if (!(options.stepMs > 0) || !(options.tickMs > 0)) throw new Error("stepMs and tickMs must be > 0");
    const { tunables } = options;
    this.heartbeat = tags.define("Line_Heartbeat", { type: "DINT" });
    this.speedHistory = tags.define("Line_SpeedHistory", { type: "REAL", elements: tunables.speedHistoryLength });
    this.stepsPerHistorySample = Math.max(1, Math.round((tunables.speedHistorySampleSeconds * 1000) / options.stepMs));
    for (const equipment of options.equipment) {
      const key = equipment.tagPrefix.toLowerCase();
      if (this.equipmentByPrefix.has(key)) throw new Error(`two equipment share tagPrefix "${equipment.tagPrefix}"`);
      const random = SeededRandom.forStream(options.seed, key);
      if (equipment.checkWeigher) {
        this.weighers.push(
          new CheckWeigherSimulation({ tagPrefix: equipment.tagPrefix, ...equipment.checkWeigher }, tags, random),
        );
        continue;
      }
      this.equipmentByPrefix.set(key, new EquipmentSimulation(equipment, tags, random, tunables));
    }
  }

  /** Simulated milliseconds since start. */
  get simulatedMs(): number {
    return this.stepCount * this.options.stepMs;
  }

  get paused(): boolean {
    return this.isPaused;
  }

  /** The equipment with this tagPrefix (case-insensitive); throws for an unknown one. */
  equipment(tagPrefix: string): EquipmentSimulation {
    const found = this.equipmentByPrefix.get(tagPrefix.toLowerCase());
    if (!found) {
      const known = [...this.equipmentByPrefix.values()].map((e) => JSON.stringify(e.tagPrefix)).join(", ");
      throw new Error(`no equipment with tagPrefix "${tagPrefix}" (known: ${known})`);
    }
    return found;
  }

  allEquipment(): IterableIterator<EquipmentSimulation> {
    return this.equipmentByPrefix.values();
  }

  allCheckWeighers(): readonly CheckWeigherSimulation[] {
    return this.weighers;
  }

  start(): void {
    if (this.timer) return;
    this.lastTickAt = performance.now();
    this.timer = setInterval(() => this.tick(), this.options.tickMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  pause(): void {
    if (this.timer) this.tick(); // bank the time simulated up to now
    this.isPaused = true;
  }

  resume(): void {
    if (!this.isPaused) return;
    this.isPaused = false;
    this.lastTickAt = performance.now(); // time spent paused does not count
  }

  /**
   * Holds `fullTagName` at `value` whatever the equipment's program writes (a NaN on a REAL tag, a
   * stuck sensor), until releaseTag. Written at once and again after every simulation step.
   */
  forceTag(fullTagName: string, value: TagValue): void {
    this.tags.set(fullTagName, value);
    this.forcedTags.set(fullTagName, value);
  }

  /** Ends a forceTag: the program's own value is written at the next step. */
  releaseTag(fullTagName: string): void {
    this.forcedTags.delete(fullTagName);
  }

  /** Runs `simulatedMs` of simulation at once (rounded to whole steps), paused or not. */
  advance(simulatedMs: number): void {
    const steps = Math.round(simulatedMs / this.options.stepMs);
    for (let i = 0; i < steps; i++) this.step();
  }

  private tick(): void {
    const now = performance.now();
    const elapsed = now - this.lastTickAt;
    this.lastTickAt = now;
    if (this.isPaused) return;
    this.pendingMs += elapsed * this.options.timeScale;
    let steps = Math.floor(this.pendingMs / this.options.stepMs);
    if (steps > this.options.maxStepsPerTick) {
      // Falling behind: drop the excess rather than stall the event loop (and the network side).
      steps = this.options.maxStepsPerTick;
      this.pendingMs = steps * this.options.stepMs;
    }
    this.pendingMs -= steps * this.options.stepMs;
    for (let i = 0; i < steps; i++) this.step();
  }

  private step(): void {
    const dt = this.options.stepMs / 1000;
    let totalSpeed = 0;
    for (const equipment of this.equipmentByPrefix.values()) {
      equipment.step(dt);
      totalSpeed += equipment.speed;
    }
    for (const [name, value] of this.forcedTags) this.tags.set(name, value);
    if (this.weighers.length > 0) {
      const feeder = this.equipmentByPrefix.values().next().value as EquipmentSimulation | undefined;
      const made = feeder ? feeder.unitsMade - this.unitsWeighed : 0;
      this.unitsWeighed += made;
      for (const weigher of this.weighers) weigher.weigh(made);
    }
    this.stepCount++;
    const beat = this.heartbeat.data;
    beat.writeInt32LE((beat.readInt32LE(0) + 1) | 0, 0);
    if (this.stepCount % this.stepsPerHistorySample === 0) {
      const history = this.speedHistory.data;
      history.copy(history, 0, 4); // oldest sample drops off the front
      history.writeFloatLE(totalSpeed, history.length - 4);
    }
  }
}
