// Each driver's own address syntax, for checking a tag binding before it reaches a PLC: a Logix
// symbol path ("Program:Bagger1.Faults[1]") or an SLC data-table address ("B3:0", "T4:0.ACC").
import { PcccAddressError, parseTypedPcccAddress } from "../pccc/pccc-address.ts";
import { addressTag } from "./cip-tag-codec.ts";
import { PlcTagError } from "./plc-comms-error.ts";
import type { TagSpec } from "./plc-driver.ts";
import type { PlcDriverName } from "./plc-driver-registry.ts";

const checkers = {
  LOGIX: (spec) => {
    addressTag(spec);
  },
  SLC_PCCC: (spec) => {
    parseTypedPcccAddress(spec.name, spec.type, spec.length ?? 1);
  },
} satisfies Record<PlcDriverName, (spec: TagSpec) => void>;

/** Why `driver` cannot read this tag as configured (syntax, type, length), or undefined when it can. */
export function tagAddressProblem(driver: PlcDriverName, spec: TagSpec): string | undefined {
  try {
    checkers[driver](spec);
    return undefined;
  } catch (error) {
    if (error instanceof PcccAddressError || error instanceof PlcTagError) return error.message;
    throw error;
  }
}
