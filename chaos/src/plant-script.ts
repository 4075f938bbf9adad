// Drives the emulated equipment through runs, faults and stops at seeded random moments and keeps
// the ground truth of what the PLCs showed: every transition into DOWN and every rising fault edge.
// The counters need no record: scripted equipment counts exactly, and the tags themselves are the truth.
//
// Changes are held back while the bridge cannot see a PLC (the bridge killed, a PLC silent or
// dropping its connection): a machine that went down and came back while nobody polled it left
// nothing any poller could observe, and the run compares what was observable.
import type { EmulatedController, PlantEquipment } from "./chaos-plant.ts";
import type { ChaosSettings } from "./chaos-settings.ts";
import type { SeededRandom } from "./seeded-random.ts";

export type ScriptedState = "RUNNING" | "DOWN" | "IDLE" | "PLANNED_STOP" | "CHANGEOVER";

export interface EquipmentTruth {
  /** Transitions into DOWN (from any other state). */
  downTransitions: number;
  /** Rising edges per fault bit. */
  risingEdges: Map<number, number>;
  state: ScriptedState;
  activeBits: Set<number>;
}

export class PlantScript {
  readonly truth = new Map<string, EquipmentTruth>();
  /** PLC names nobody can poll right now; "*" while the bridge itself is away. */
  private readonly blind = new Set<string>();
  /** PLCs whose equipment must stay RUNNING (a wire fault is on): COMMS_LOST would end a stop's record. */
  private readonly heldRunning = new Set<string>();
  private readonly busy = new Set<string>();
  private timers: NodeJS.Timeout[] = [];
  private running = false;
  /** Last time each equipment changed, so the bridge (100 ms scans) sees every state. */
  private readonly changedAt = new Map<string, number>();

  constructor(
    private readonly equipment: readonly PlantEquipment[],
    private readonly emulators: ReadonlyMap<string, EmulatedController>,
    private readonly random: SeededRandom,
    private readonly settings: ChaosSettings,
  ) {
    for (const eq of equipment) {
      this.truth.set(eq.code, { downTransitions: 0, risingEdges: new Map(), state: "RUNNING", activeBits: new Set() });
    }
  }

  start(): void {
    this.running = true;
    for (const eq of this.equipment) this.scheduleNext(eq);
  }

  stop(): void {
    this.running = false;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
  }

  /** Nobody polls `plc` ("*": any PLC) until see(); changes wait. */
  blindTo(plc: string): void {
    this.blind.add(plc);
  }

  see(plc: string): void {
    this.blind.delete(plc);
  }

  /**
   * Puts the PLC's equipment in RUNNING and keeps it there until release(); resolves once the
   * bridge has had time to read it.
   */
  async holdRunning(plc: string): Promise<void> {
    this.heldRunning.add(plc);
    for (const eq of this.equipment.filter((e) => e.plc === plc)) {
      while (this.busy.has(eq.code)) await sleep(20);
      await this.waitDwell(eq);
      if (this.truth.get(eq.code)!.state !== "RUNNING") this.apply(eq, { kind: "run" });
    }
    await sleep(this.settings.minimumDwellMs);
  }

  release(plc: string): void {
    this.heldRunning.delete(plc);
  }

  /** Every equipment RUNNING with no fault, for the final comparison. */
  async finish(): Promise<void> {
    this.stop();
    for (const eq of this.equipment) {
      while (this.busy.has(eq.code)) await sleep(20);
      await this.waitDwell(eq);
      if (this.truth.get(eq.code)!.state !== "RUNNING") this.apply(eq, { kind: "run" });
    }
    await sleep(this.settings.minimumDwellMs);
  }

  private control(eq: PlantEquipment) {
    return this.emulators.get(eq.plc)!.control;
  }

  private scheduleNext(eq: PlantEquipment): void {
    if (!this.running) return;
    const [low, high] = this.settings.stateChangeEveryMs;
    const timer = setTimeout(() => void this.step(eq), this.random.between(low, high));
    this.timers.push(timer);
  }

  private async step(eq: PlantEquipment): Promise<void> {
    if (!this.running) return;
    if (this.blind.has("*") || this.blind.has(eq.plc) || this.heldRunning.has(eq.plc)) {
      this.scheduleNext(eq);
      return;
    }
    this.busy.add(eq.code);
    try {
      await this.waitDwell(eq);
      if (!(this.blind.has("*") || this.blind.has(eq.plc) || this.heldRunning.has(eq.plc))) {
        this.apply(eq, this.nextAction(eq));
      }
    } finally {
      this.busy.delete(eq.code);
    }
    this.scheduleNext(eq);
  }

  private async waitDwell(eq: PlantEquipment): Promise<void> {
    const since = Date.now() - (this.changedAt.get(eq.code) ?? 0);
    if (since < this.settings.minimumDwellMs) await sleep(this.settings.minimumDwellMs - since);
  }

  private nextAction(eq: PlantEquipment): Action {
    const truth = this.truth.get(eq.code)!;
    const roll = this.random.next();
    if (truth.state === "RUNNING") {
      if (roll < 0.55) return { kind: "fault", bit: this.random.pick(eq.faults).bit };
      if (roll < 0.75) return { kind: "state", state: "IDLE" };
      if (roll < 0.88) return { kind: "state", state: "PLANNED_STOP" };
      return { kind: "state", state: "CHANGEOVER" };
    }
    if (truth.state === "DOWN") {
      // A consequential fault behind the first-out now and then: a rising edge without a new stop.
      const inactive = eq.faults.filter((f) => !truth.activeBits.has(f.bit));
      if (roll < 0.25 && inactive.length > 0) return { kind: "fault", bit: this.random.pick(inactive).bit };
      return { kind: "run" };
    }
    return roll < 0.8 ? { kind: "run" } : { kind: "fault", bit: this.random.pick(eq.faults).bit };
  }

  private apply(eq: PlantEquipment, action: Action): void {
    const truth = this.truth.get(eq.code)!;
    const control = this.control(eq);
    switch (action.kind) {
      case "fault": {
        control.forceFault(eq.tagPrefix, action.bit);
        if (!truth.activeBits.has(action.bit)) {
          truth.risingEdges.set(action.bit, (truth.risingEdges.get(action.bit) ?? 0) + 1);
          truth.activeBits.add(action.bit);
        }
        if (truth.state !== "DOWN") truth.downTransitions++;
        truth.state = "DOWN";
        break;
      }
      case "run":
        if (truth.state === "DOWN") control.clearFaults(eq.tagPrefix);
        else control.setState(eq.tagPrefix, "RUNNING");
        truth.activeBits.clear();
        truth.state = "RUNNING";
        break;
      case "state":
        // setState clears faults, as an operator's reset does.
        control.setState(eq.tagPrefix, action.state);
        truth.activeBits.clear();
        truth.state = action.state;
        break;
    }
    this.changedAt.set(eq.code, Date.now());
  }
}

type Action =
  | { kind: "fault"; bit: number }
  | { kind: "run" }
  | { kind: "state"; state: Exclude<ScriptedState, "DOWN" | "RUNNING"> };

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
