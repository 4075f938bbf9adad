// Checks of PLC and tag-binding inputs before anything is written: each binding's address in its tag
// map's driver syntax (the bridge's own parser, not a copy), its type, length, scan rate, deadband
// and heartbeat in the bridge's bounds. Each refusal names the field.
import { InputInvalid } from "@ms5/kit/subgraph";
import { CANONICAL_SIGNALS, TAG_TYPES, type TagBinding } from "@ms5/plc-bridge/plant-config";
import { tagAddressProblem } from "@ms5/plc-bridge/tag-address-check";

/** Drivers the bridge has; the plant enum also names protocols it cannot read yet. */
export const BRIDGE_DRIVERS = ["LOGIX", "SLC_PCCC"] as const;
export type BridgeDriver = (typeof BRIDGE_DRIVERS)[number];

export function bridgeDriver(driver: string, field = "driver"): BridgeDriver {
  if (!(BRIDGE_DRIVERS as readonly string[]).includes(driver)) {
    throw new InputInvalid(field, `The PLC bridge has no ${driver} driver; use one of ${BRIDGE_DRIVERS.join(", ")}.`);
  }
  return driver as BridgeDriver;
}

/** Bounds the bridge's configuration takes (plant-config.ts). */
export const TAG_BINDING_BOUNDS = {
  /** @default 20 ms */
  minScanMs: 20,
  /** @default 10 s */
  maxScanMs: 10_000,
  /** Array elements. @default 1000 */
  maxLength: 1_000,
  /** Bindings in one tag map. @default 200 */
  maxBindings: 200,
} as const;

/** Free-form signal names become sample names in the telemetry stream: keep them plain. */
const SIGNAL_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;

export interface TagBindingInput {
  signal: string;
  address: string;
  type: string;
  length?: number | null;
  scanMs: number;
  deadband?: number | null;
  heartbeatMs?: number | null;
}

/** One binding checked against `driver`'s address syntax, as the tag map stores it. */
export function checkedTagBinding(driver: BridgeDriver, input: TagBindingInput, field: string): TagBinding {
  const signal = input.signal.trim();
  if (!SIGNAL_PATTERN.test(signal)) {
    throw new InputInvalid(
      `${field}.signal`,
      `A signal is a letter then up to 62 letters, digits or '_' (canonical: ${CANONICAL_SIGNALS.join(", ")}).`,
    );
  }
  if (!(TAG_TYPES as readonly string[]).includes(input.type)) {
    throw new InputInvalid(`${field}.type`, `${input.type} is not a tag type (${TAG_TYPES.join(", ")}).`);
  }
  const type = input.type as TagBinding["type"];
  const length = input.length ?? undefined;
  if (length !== undefined && (!Number.isInteger(length) || length < 1 || length > TAG_BINDING_BOUNDS.maxLength)) {
    throw new InputInvalid(
      `${field}.length`,
      `length is a whole number of elements from 1 to ${TAG_BINDING_BOUNDS.maxLength}.`,
    );
  }
  const { minScanMs, maxScanMs } = TAG_BINDING_BOUNDS;
  if (!Number.isInteger(input.scanMs) || input.scanMs < minScanMs || input.scanMs > maxScanMs) {
    throw new InputInvalid(`${field}.scanMs`, `The scan rate is from ${minScanMs} ms to ${maxScanMs} ms.`);
  }
  const deadband = input.deadband ?? undefined;
  if (deadband !== undefined && (!Number.isFinite(deadband) || deadband < 0)) {
    throw new InputInvalid(`${field}.deadband`, "A deadband is zero or more, in the tag's own unit.");
  }
  const heartbeatMs = input.heartbeatMs ?? undefined;
  if (heartbeatMs !== undefined && (!Number.isInteger(heartbeatMs) || heartbeatMs < input.scanMs)) {
    throw new InputInvalid(`${field}.heartbeatMs`, "A heartbeat is whole milliseconds, at least the scan rate.");
  }
  if (signal === "faultWords" && !["SINT", "INT", "DINT"].includes(type)) {
    throw new InputInvalid(`${field}.type`, `Fault words are SINT, INT or DINT, not ${type}.`);
  }
  const address = input.address.trim();
  if (address.length === 0 || address.length > 200) {
    throw new InputInvalid(`${field}.address`, "An address is 1 to 200 characters.");
  }
  const problem = tagAddressProblem(driver, { name: address, type, ...(length ? { length } : {}) });
  if (problem) throw new InputInvalid(`${field}.address`, `${address} is not a ${driver} address: ${problem}`);
  return {
    tag: address,
    type,
    scanMs: input.scanMs,
    ...(length === undefined ? {} : { length }),
    ...(deadband === undefined ? {} : { deadband }),
    ...(heartbeatMs === undefined ? {} : { heartbeatMs }),
  };
}

/** A whole tag map's bindings, keyed by signal; a signal given twice is refused. */
export function checkedTagBindings(
  driver: BridgeDriver,
  inputs: readonly TagBindingInput[],
  field = "bindings",
): Record<string, TagBinding> {
  if (inputs.length > TAG_BINDING_BOUNDS.maxBindings) {
    throw new InputInvalid(field, `A tag map has at most ${TAG_BINDING_BOUNDS.maxBindings} bindings.`);
  }
  const bindings: Record<string, TagBinding> = {};
  inputs.forEach((input, index) => {
    const binding = checkedTagBinding(driver, input, `${field}.${index}`);
    const signal = input.signal.trim();
    if (bindings[signal]) throw new InputInvalid(`${field}.${index}.signal`, `The signal ${signal} is bound twice.`);
    bindings[signal] = binding;
  });
  return bindings;
}

/** A PLC's host: a DNS name or an IPv4/IPv6 address, nothing a URL or a shell would read more into. */
const HOST_PATTERN =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|[0-9A-Fa-f:.]{2,45})$/;

export function plcHost(value: string): string {
  const host = value.trim();
  if (host.length === 0 || host.length > 253 || !HOST_PATTERN.test(host)) {
    throw new InputInvalid("host", `"${host}" is not a host name or IP address.`);
  }
  return host;
}
