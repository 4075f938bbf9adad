// The equipment's state from its PLC: the StateCode tag when it has one (PLC_STATE_CODES), else the
// Running bit; and the first-out fault, taken at the moment the equipment stops.
import { type EquipmentState, PLC_STATE_CODES } from "@ms5/schema";

export interface StateReading {
  running: boolean | undefined;
  stateCode: number | undefined;
  /** FirstOutFault tag: bit index, negative when none. */
  firstOutBit: number | undefined;
  /** Fault bits active now, for a PLC without a FirstOutFault tag. */
  activeFaultBits: readonly number[];
}

export interface StateTransition {
  state: EquipmentState;
  previousState: EquipmentState | undefined;
  stateCode: number | undefined;
  /** Set when the equipment went DOWN: the fault that stopped it. */
  firstOutBit: number | undefined;
}

export function stateFromReading(reading: StateReading): EquipmentState {
  if (reading.stateCode !== undefined) {
    const mapped = PLC_STATE_CODES[reading.stateCode];
    if (mapped) return mapped;
  }
  if (reading.running === true) return "RUNNING";
  return reading.activeFaultBits.length > 0 ? "DOWN" : "IDLE";
}

export class EquipmentStateTracker {
  private current: EquipmentState | undefined;

  get state(): EquipmentState | undefined {
    return this.current;
  }

  /** A transition when the state changed since the last reading, else undefined. */
  next(reading: StateReading): StateTransition | undefined {
    const state = stateFromReading(reading);
    if (state === this.current) return undefined;
    const previousState = this.current;
    this.current = state;
    let firstOutBit: number | undefined;
    if (state === "DOWN") {
      // The PLC latches its first-out bit as it stops; without one, the lowest active bit is the
      // best available guess (documented in PROTOCOL.md).
      if (reading.firstOutBit !== undefined && reading.firstOutBit >= 0) firstOutBit = reading.firstOutBit;
      else firstOutBit = reading.activeFaultBits[0];
    }
    return { state, previousState, stateCode: reading.stateCode, firstOutBit };
  }

  /** The PLC became unreachable: COMMS_LOST, once. */
  commsLost(): StateTransition | undefined {
    if (this.current === "COMMS_LOST") return undefined;
    const previousState = this.current;
    this.current = "COMMS_LOST";
    return { state: "COMMS_LOST", previousState, stateCode: undefined, firstOutBit: undefined };
  }
}
