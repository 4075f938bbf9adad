// The in-process control surface tests and the demo drive an emulator through: force faults and
// states, poke tags, misbehave on the wire, pause or fast-forward the simulation, read counters.
import type { ControllerSimulation } from "./controller-simulation.ts";
import type { SettableEquipmentState } from "./equipment-simulation.ts";
import type { TagDatabase, TagValue } from "./tag-database.ts";

/**
 * How the emulator answers on the wire:
 * - "normal": each reply in one socket write (what the unpatched st-ethernet-ip needs);
 * - "split": each reply in several chunks with small delays (tests stream reassembly);
 * - "malformed": truncated frames followed by garbage bytes;
 * - "silent": requests are read and never answered;
 * - "unknown-tag": every tag read answers CIP status 0x05, as if the tag had been deleted.
 */
export type ReplyMode = "normal" | "split" | "malformed" | "silent" | "unknown-tag";

export const replyModes: readonly ReplyMode[] = ["normal", "split", "malformed", "silent", "unknown-tag"];

export interface WireStats {
  /** Client sockets open now. */
  activeConnections: number;
  /** Client sockets accepted since start. */
  connectionsAccepted: number;
  /** Encapsulation frames received. */
  requestsReceived: number;
  /** Encapsulation frames answered (in "silent" mode none are). */
  requestsServed: number;
  /** Read Tag / Read Tag Fragmented services completed (each tag in a Multiple Service Packet counts). */
  tagsRead: number;
  /** Write Tag / Write Tag Fragmented / Read-Modify-Write services completed. */
  tagsWritten: number;
  replyMode: ReplyMode;
}

export interface EmulatorStats extends WireStats {
  /** Simulated milliseconds since start. */
  simulatedMs: number;
  paused: boolean;
}

/** What the control API needs from the TCP side. */
export interface EmulatorWire {
  dropConnections(): void;
  setReplyMode(mode: ReplyMode): void;
  stats(): WireStats;
}

export interface LogixEmulatorControl {
  /** Raises fault `bit`: Faults bit set, StateCode 3, Running false, FirstOutFault latched. Holds until cleared. */
  forceFault(tagPrefix: string, bit: number): void;
  /** Clears every fault bit and the first-out; a faulted machine restarts. */
  clearFaults(tagPrefix: string): void;
  /** Puts equipment in a state (clears faults). Non-RUNNING states hold until the next control call. */
  setState(tagPrefix: string, state: SettableEquipmentState): void;
  /** Changes the target speed, units/min. */
  setSpeed(tagPrefix: string, perMinute: number): void;
  /**
   * Writes a tag by full name ("Program:Bagger1.GoodCount", "Line_SpeedHistory", "Faults[1]"). Tags the
   * equipment's program drives (Running, StateCode, Speed, Faults, FirstOutFault, JawTempC, Diag_*) are
   * rewritten at the next simulation step; counters and the energy meter continue from the written value.
   */
  setTag(fullTagName: string, value: TagValue): void;
  /**
   * Holds a tag at `value` against the equipment's program until releaseTag, as a PLC force does:
   * `forceTag("Program:Bagger1.Speed", Number.NaN)` makes a REAL tag read NaN for as long as it lasts.
   * Internal state (counters, speed) is untouched, so releasing it restores the program's values.
   */
  forceTag(fullTagName: string, value: TagValue): void;
  releaseTag(fullTagName: string): void;
  /** Reads a tag by full name; arrays come back as arrays, LINT as bigint, BOOL as boolean. */
  getTag(fullTagName: string): TagValue;
  /** Destroys every client socket, as a cable pull or controller reboot would. */
  dropConnections(): void;
  setReplyMode(mode: ReplyMode): void;
  /** Freezes simulated time (tags keep their values; the wire keeps answering). */
  pause(): void;
  resume(): void;
  /** Runs this much simulated time at once, paused or not: a deterministic fast-forward for tests. */
  advance(simulatedMs: number): void;
  stats(): EmulatorStats;
}

export function createEmulatorControl(
  simulation: ControllerSimulation,
  tags: TagDatabase,
  wire: EmulatorWire,
): LogixEmulatorControl {
  return {
    forceFault: (tagPrefix, bit) => simulation.equipment(tagPrefix).forceFault(bit),
    clearFaults: (tagPrefix) => simulation.equipment(tagPrefix).clearFaults(),
    setState: (tagPrefix, state) => simulation.equipment(tagPrefix).setState(state),
    setSpeed: (tagPrefix, perMinute) => simulation.equipment(tagPrefix).setSpeed(perMinute),
    setTag: (fullTagName, value) => tags.set(fullTagName, value),
    getTag: (fullTagName) => tags.get(fullTagName),
    forceTag: (fullTagName, value) => simulation.forceTag(fullTagName, value),
    releaseTag: (fullTagName) => simulation.releaseTag(fullTagName),
    dropConnections: () => wire.dropConnections(),
    setReplyMode: (mode) => {
      if (!replyModes.includes(mode)) throw new Error(`unknown reply mode "${mode}"`);
      wire.setReplyMode(mode);
    },
    pause: () => simulation.pause(),
    resume: () => simulation.resume(),
    advance: (simulatedMs) => simulation.advance(simulatedMs),
    stats: () => ({ ...wire.stats(), simulatedMs: simulation.simulatedMs, paused: simulation.paused }),
  };
}
