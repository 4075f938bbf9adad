// The Logix atomic data types as CIP carries them: type codes, bytes per element, and one element
// read from or stored into little-endian bytes. The bridge's driver and the emulator share these.

/** Atomic Logix data type codes as they appear in Read/Write Tag data. */
export const CipTypeCode = {
  BOOL: 0xc1,
  SINT: 0xc2,
  INT: 0xc3,
  DINT: 0xc4,
  LINT: 0xc5,
  REAL: 0xca,
  LREAL: 0xcb,
} as const;

/** Type code of a structure (UDT) in Read/Write Tag data; a structure handle word follows it. */
export const STRUCTURE_TYPE_CODE = 0x02a0;

export type AtomicTypeName = keyof typeof CipTypeCode;

export interface AtomicType {
  readonly name: AtomicTypeName;
  readonly code: number;
  /** Bytes per element. */
  readonly size: number;
  readonly integer: boolean;
}

export const atomicTypes: Readonly<Record<AtomicTypeName, AtomicType>> = {
  BOOL: { name: "BOOL", code: CipTypeCode.BOOL, size: 1, integer: true },
  SINT: { name: "SINT", code: CipTypeCode.SINT, size: 1, integer: true },
  INT: { name: "INT", code: CipTypeCode.INT, size: 2, integer: true },
  DINT: { name: "DINT", code: CipTypeCode.DINT, size: 4, integer: true },
  LINT: { name: "LINT", code: CipTypeCode.LINT, size: 8, integer: true },
  REAL: { name: "REAL", code: CipTypeCode.REAL, size: 4, integer: false },
  LREAL: { name: "LREAL", code: CipTypeCode.LREAL, size: 8, integer: false },
};

/** One element's value: BOOL -> boolean, LINT -> bigint, everything else -> number. */
export type AtomicValue = boolean | number | bigint;

/** Reads one element of `type` at byte `offset`. */
export function readAtomicValue(type: AtomicTypeName, data: Buffer, offset: number): AtomicValue {
  switch (type) {
    case "BOOL":
      return data.readUInt8(offset) !== 0;
    case "SINT":
      return data.readInt8(offset);
    case "INT":
      return data.readInt16LE(offset);
    case "DINT":
      return data.readInt32LE(offset);
    case "LINT":
      return data.readBigInt64LE(offset);
    case "REAL":
      return data.readFloatLE(offset);
    case "LREAL":
      return data.readDoubleLE(offset);
  }
}

/**
 * Stores one element of `type` at byte `offset`. The value must already fit the type: the driver
 * rejects what does not fit and the emulator wraps it as a PLC would, so neither is decided here.
 */
export function writeAtomicValue(type: AtomicTypeName, data: Buffer, offset: number, value: AtomicValue): void {
  switch (type) {
    case "BOOL":
      data.writeUInt8(value ? 1 : 0, offset);
      return;
    case "SINT":
      data.writeInt8(Number(value), offset);
      return;
    case "INT":
      data.writeInt16LE(Number(value), offset);
      return;
    case "DINT":
      data.writeInt32LE(Number(value), offset);
      return;
    case "LINT":
      data.writeBigInt64LE(BigInt(value), offset);
      return;
    case "REAL":
      data.writeFloatLE(Number(value), offset);
      return;
    case "LREAL":
      data.writeDoubleLE(Number(value), offset);
      return;
  }
}
