// Logix tag services in CIP bytes: tag names to symbolic paths, Read/Write Tag (and their
// fragmented forms) requests, and strict decoding of replies into TagValues for the atomic types.
import { EthernetIP } from "st-ethernet-ip";
import { CIP_REPLY_FLAG, CipExtendedStatus, CipService } from "../cip/cip-codes.ts";
import {
  type AtomicValue,
  atomicTypes,
  readAtomicValue,
  STRUCTURE_TYPE_CODE,
  writeAtomicValue,
} from "../cip/cip-data-types.ts";
import { elementSegment, symbolicSegment } from "../cip/cip-epath.ts";
import { PlcTagError } from "./plc-comms-error.ts";
import type { TagSpec, TagType, TagValue } from "./plc-driver.ts";

const { MessageRouter } = EthernetIP.CIP;

const typeNameByCode = new Map<number, string>([
  ...Object.values(atomicTypes).map((type) => [type.code, type.name] as [number, string]),
  [0xd3, "BOOL[] (DWORD)"],
  [STRUCTURE_TYPE_CODE, "a structure"],
]);
/** Integer types a bit of which can be read as a BOOL ("Word.3"). */
const bitAddressableTypes = new Map<number, number>([
  [atomicTypes.SINT.code, 8],
  [atomicTypes.INT.code, 16],
  [atomicTypes.DINT.code, 32],
  [atomicTypes.LINT.code, 64],
]);

const integerRanges: Partial<Record<TagType, readonly [number, number]>> = {
  SINT: [-128, 127],
  INT: [-32_768, 32_767],
  DINT: [-2_147_483_648, 2_147_483_647],
};
const LINT_RANGE = [-(2n ** 63n), 2n ** 63n - 1n] as const;

/** A tag resolved to what the controller is asked for. */
export interface TagAddress {
  /** Symbolic EPATH (padded; whole 16-bit words). */
  path: Buffer;
  /** Elements requested. */
  elementCount: number;
  /** Set for "Word.3" BOOL reads: the bit of the integer the path names. */
  bitIndex?: number;
  /** Bytes of value data a successful read returns (after the 2-byte type code). */
  valueBytes: number;
}

/** Elements a spec names; 1 is a scalar. */
export function elementCountOf(spec: TagSpec): number {
  return spec.length ?? 1;
}

const MEMBER = /^([A-Za-z_][A-Za-z0-9_]{0,39})(?:\[(\d+(?:,\d+){0,2})\])?$/;
const PROGRAM_SCOPE = /^Program:([A-Za-z_][A-Za-z0-9_]{0,39})\.(.+)$/i;

/**
 * Resolves a tag name ("Speed", "Program:Bagger1.FaultWords[1]", "Status.Bits[2]", "Word.3" for a
 * BOOL) to its CIP path. Throws PlcTagError for a name Logix could not hold.
 */
export function addressTag(spec: TagSpec): TagAddress {
  const elementCount = elementCountOf(spec);
  if (!Number.isInteger(elementCount) || elementCount < 1 || elementCount > 65_535) {
    throw new PlcTagError(`${spec.name}: length must be a whole number from 1 to 65535`, spec.name);
  }
  if (spec.type === "BOOL" && elementCount > 1) {
    // Logix stores BOOL[] as packed DWORDs; reading them as DINT[] keeps the bit numbering explicit
    throw new PlcTagError(`${spec.name}: BOOL arrays are stored as DWORDs; read them as DINT[]`, spec.name);
  }
  const segments: Buffer[] = [];
  let rest = spec.name;
  const program = PROGRAM_SCOPE.exec(rest);
  if (program) {
    segments.push(symbolicSegment(`Program:${program[1]}`));
    rest = program[2]!;
  }
  const members = rest.split(".");
  let bitIndex: number | undefined;
  const last = members[members.length - 1]!;
  if (members.length > 1 && /^\d{1,2}$/.test(last)) {
    if (spec.type !== "BOOL" || elementCount !== 1) {
      throw new PlcTagError(`${spec.name}: a bit address (".${last}") reads one BOOL`, spec.name);
    }
    bitIndex = Number(last);
    members.pop();
  }
  for (const member of members) {
    const match = MEMBER.exec(member);
    if (!match) {
      throw new PlcTagError(`${spec.name}: "${member}" is not a Logix tag or member name`, spec.name);
    }
    segments.push(symbolicSegment(match[1]!));
    for (const index of match[2]?.split(",") ?? []) {
      const element = Number(index);
      if (element > 0xffff_ffff) throw new PlcTagError(`${spec.name}: index ${index} is out of range`, spec.name);
      segments.push(elementSegment(element));
    }
  }
  const path = Buffer.concat(segments);
  const valueBytes = bitIndex === undefined ? elementCount * atomicTypes[spec.type].size : 8;
  return bitIndex === undefined ? { path, elementCount, valueBytes } : { path, elementCount, bitIndex, valueBytes };
}

const u16 = (value: number): Buffer => {
  const buffer = Buffer.alloc(2);
  buffer.writeUInt16LE(value);
  return buffer;
};
const u32 = (value: number): Buffer => {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32LE(value);
  return buffer;
};

export function readTagRequest(address: TagAddress): Buffer {
  return MessageRouter.build(CipService.ReadTag, address.path, u16(address.elementCount));
}

export function readTagFragmentedRequest(address: TagAddress, byteOffset: number): Buffer {
  return MessageRouter.build(
    CipService.ReadTagFragmented,
    address.path,
    Buffer.concat([u16(address.elementCount), u32(byteOffset)]),
  );
}

export function writeTagRequest(address: TagAddress, type: TagType, data: Buffer): Buffer {
  return MessageRouter.build(
    CipService.WriteTag,
    address.path,
    Buffer.concat([u16(atomicTypes[type].code), u16(address.elementCount), data]),
  );
}

export function writeTagFragmentedRequest(
  address: TagAddress,
  type: TagType,
  byteOffset: number,
  chunk: Buffer,
): Buffer {
  return MessageRouter.build(
    CipService.WriteTagFragmented,
    address.path,
    Buffer.concat([u16(atomicTypes[type].code), u16(address.elementCount), u32(byteOffset), chunk]),
  );
}

/** A CIP reply that does not hold together (lengths past the end, wrong service). */
export class CipReplyFormatError extends Error {
  override readonly name = "CipReplyFormatError";
}

export interface MessageRouterReply {
  service: number;
  generalStatus: number;
  extendedStatus: number[];
  data: Buffer;
}

/** Parses a Message Router reply, checking every length against the bytes present. */
export function parseMessageRouterReply(buffer: Buffer): MessageRouterReply {
  if (buffer.length < 4)
    throw new CipReplyFormatError(`CIP reply of ${buffer.length} bytes is shorter than its header`);
  const service = buffer.readUInt8(0);
  if ((service & CIP_REPLY_FLAG) === 0)
    throw new CipReplyFormatError(`service 0x${service.toString(16)} is not a reply`);
  const extendedWords = buffer.readUInt8(3);
  const dataStart = 4 + extendedWords * 2;
  if (buffer.length < dataStart) throw new CipReplyFormatError("extended status runs past the end of the reply");
  const extendedStatus: number[] = [];
  for (let i = 0; i < extendedWords; i++) extendedStatus.push(buffer.readUInt16LE(4 + i * 2));
  return { service, generalStatus: buffer.readUInt8(2), extendedStatus, data: buffer.subarray(dataStart) };
}

const generalStatusText: Record<number, string> = {
  1: "connection failure",
  4: "unknown tag (path segment error)",
  5: "unknown tag or element (path destination unknown)",
  6: "partial transfer",
  8: "service not supported",
  10: "attribute list error",
  16: "device state conflict",
  17: "reply data too large",
  19: "not enough data",
  21: "too much data",
  30: "embedded service error",
  38: "path size invalid",
};
const extendedStatusText: Record<number, string> = {
  [CipExtendedStatus.OffsetBeyondEnd]: "offset beyond end of tag",
  [CipExtendedStatus.ElementsBeyondEnd]: "element count beyond end of tag",
  [CipExtendedStatus.DataTypeMismatch]: "data type mismatch",
};

/** A readable reason for a CIP error status. */
export function describeCipStatus(generalStatus: number, extendedStatus: readonly number[] = []): string {
  const hex = (n: number, digits: number) => `0x${n.toString(16).padStart(digits, "0")}`;
  const extended = extendedStatus[0];
  const reason =
    (extended !== undefined ? extendedStatusText[extended] : undefined) ?? generalStatusText[generalStatus] ?? "error";
  const codes = extended === undefined ? hex(generalStatus, 2) : `${hex(generalStatus, 2)}/${hex(extended, 4)}`;
  return `${reason} (CIP status ${codes})`;
}

export type DecodedValue = { ok: true; value: TagValue } | { ok: false; error: string };

/**
 * Decodes Read Tag reply data (type code, then values) for a spec. The type must be the one
 * configured and all requested elements present: a mismatch is an error result, never a guess.
 */
export function decodeReadTagData(spec: TagSpec, address: TagAddress, data: Buffer): DecodedValue {
  if (data.length < 2) return { ok: false, error: "reply holds no type code" };
  const typeCode = data.readUInt16LE(0);
  const typeName = typeNameByCode.get(typeCode) ?? `type 0x${typeCode.toString(16)}`;
  if (typeCode === STRUCTURE_TYPE_CODE) return { ok: false, error: `${spec.name} is a structure; read its members` };
  const values = data.subarray(2);
  if (address.bitIndex !== undefined) {
    const bits = bitAddressableTypes.get(typeCode);
    if (bits === undefined)
      return { ok: false, error: `${spec.name}: a bit address needs an integer tag, found ${typeName}` };
    if (address.bitIndex >= bits)
      return { ok: false, error: `${spec.name}: bit ${address.bitIndex} is beyond a ${bits}-bit ${typeName}` };
    if (values.length < bits / 8)
      return { ok: false, error: `${spec.name}: reply holds ${values.length} of ${bits / 8} bytes` };
    const word = readUnsigned(values, bits / 8);
    return { ok: true, value: ((word >> BigInt(address.bitIndex)) & 1n) === 1n };
  }
  const type = atomicTypes[spec.type];
  if (typeCode !== type.code) {
    return {
      ok: false,
      error: `type mismatch: ${spec.name} is ${typeName} in the controller, configured as ${spec.type}`,
    };
  }
  if (values.length < address.valueBytes) {
    const present = Math.floor(values.length / type.size);
    return { ok: false, error: `${spec.name}: controller returned ${present} of ${address.elementCount} elements` };
  }
  if (spec.length === undefined || spec.length === 1) return { ok: true, value: readAtomicValue(spec.type, values, 0) };
  const elements: AtomicValue[] = new Array(address.elementCount);
  for (let i = 0; i < address.elementCount; i++) elements[i] = readAtomicValue(spec.type, values, i * type.size);
  return { ok: true, value: elements };
}

function readUnsigned(data: Buffer, bytes: number): bigint {
  let value = 0n;
  for (let i = bytes - 1; i >= 0; i--) value = (value << 8n) | BigInt(data.readUInt8(i));
  return value;
}

/** The element as the value to store; throws PlcTagError when it is not of the spec's kind and range. */
function checkElement(spec: TagSpec, element: unknown): AtomicValue {
  const fail = (why: string): never => {
    throw new PlcTagError(`${spec.name}: ${why}`, spec.name);
  };
  switch (spec.type) {
    case "BOOL":
      if (typeof element !== "boolean" && element !== 0 && element !== 1)
        fail(`BOOL takes true or false, got ${String(element)}`);
      return element as boolean | number;
    case "LINT": {
      if (typeof element !== "bigint" && !Number.isSafeInteger(element))
        fail(`LINT takes a bigint or safe integer, got ${String(element)}`);
      const value = BigInt(element as bigint | number);
      if (value < LINT_RANGE[0] || value > LINT_RANGE[1]) fail(`${value} does not fit a LINT`);
      return value;
    }
    case "REAL":
    case "LREAL":
      if (typeof element !== "number") fail(`${spec.type} takes a number, got ${typeof element}`);
      return element as number;
    default: {
      const [min, max] = integerRanges[spec.type]!;
      if (typeof element !== "number" || !Number.isInteger(element))
        fail(`${spec.type} takes an integer, got ${String(element)}`);
      const value = element as number;
      if (value < min || value > max) fail(`${value} does not fit a ${spec.type} (${min}..${max})`);
      return value;
    }
  }
}

/** Encodes a value for Write Tag; throws PlcTagError when it does not fit the spec (shape, kind, range). */
export function encodeTagValue(spec: TagSpec, value: TagValue): Buffer {
  const elementCount = elementCountOf(spec);
  const size = atomicTypes[spec.type].size;
  const data = Buffer.alloc(elementCount * size);
  const isArray = spec.length !== undefined && spec.length !== 1;
  if (isArray) {
    if (!Array.isArray(value) || value.length !== elementCount) {
      throw new PlcTagError(`${spec.name}: expected an array of ${elementCount} elements`, spec.name);
    }
    (value as readonly unknown[]).forEach((element, i) => {
      writeAtomicValue(spec.type, data, i * size, checkElement(spec, element));
    });
  } else {
    if (Array.isArray(value)) throw new PlcTagError(`${spec.name}: expected a single value, got an array`, spec.name);
    writeAtomicValue(spec.type, data, 0, checkElement(spec, value));
  }
  return data;
}
