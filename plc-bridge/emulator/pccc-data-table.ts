// An SLC 500 / MicroLogix data table: numbered files of one type each (S2, B3, T4, C5, N7, F8, ...),
// kept as little-endian bytes so a typed read is one copy. Read and written by the PCCC object and,
// by address ("N7:1", "B3:0/5", "T4:0.ACC"), by the control API.
import { type PcccAddress, parsePcccAddress } from "../src/pccc/pccc-address.ts";
import { PcccFileType } from "../src/pccc/pccc-codes.ts";

export interface DataFile {
  readonly number: number;
  /** PCCC file type code (0x89 integer, 0x85 bit, ...). */
  readonly type: number;
  readonly letter: string;
  readonly elementBytes: number;
  readonly elements: number;
  readonly data: Buffer;
}

export interface DataFileDefinition {
  letter: "S" | "B" | "T" | "C" | "N" | "F" | "L";
  number: number;
  elements: number;
}

const FILE_TYPE: Record<DataFileDefinition["letter"], { type: number; elementBytes: number }> = {
  S: { type: PcccFileType.Status, elementBytes: 2 },
  B: { type: PcccFileType.Bit, elementBytes: 2 },
  T: { type: PcccFileType.Timer, elementBytes: 6 },
  C: { type: PcccFileType.Counter, elementBytes: 6 },
  N: { type: PcccFileType.Integer, elementBytes: 2 },
  F: { type: PcccFileType.Float, elementBytes: 4 },
  L: { type: PcccFileType.Long, elementBytes: 4 },
};

/** A value the control API reads or writes: a number, a bit, or the elements of an address with a length. */
export type DataTableValue = number | boolean | number[];

export class PcccDataTable {
  private readonly files = new Map<number, DataFile>();

  constructor(definitions: readonly DataFileDefinition[]) {
    for (const definition of definitions) {
      if (this.files.has(definition.number)) throw new Error(`data file ${definition.number} is defined twice`);
      const { type, elementBytes } = FILE_TYPE[definition.letter];
      this.files.set(definition.number, {
        number: definition.number,
        type,
        letter: definition.letter,
        elementBytes,
        elements: definition.elements,
        data: Buffer.alloc(definition.elements * elementBytes),
      });
    }
  }

  /** The file with this number, whatever its type. */
  file(number: number): DataFile | undefined {
    return this.files.get(number);
  }

  /** The file an address names; throws when the table has no such file or element. */
  resolve(address: PcccAddress): DataFile {
    const file = this.files.get(address.fileNumber);
    if (!file || file.type !== address.fileType)
      throw new Error(`no data file ${address.fileLetter}${address.fileNumber}`);
    if (address.element + address.elementCount > file.elements) {
      throw new RangeError(`${address.canonical}: file ${file.letter}${file.number} has ${file.elements} elements`);
    }
    return file;
  }

  /** Reads by address; a length gives an array. */
  get(text: string, length = 1): DataTableValue {
    const address = parsePcccAddress(text, length);
    const file = this.resolve(address);
    const at = address.element * file.elementBytes + address.subElement * 2;
    if (address.bit !== undefined) {
      const word = address.valueBytes === 4 ? file.data.readUInt32LE(at) : file.data.readUInt16LE(at);
      return ((word >>> address.bit) & 1) === 1;
    }
    const read = (offset: number) => readValue(file, offset, address.valueBytes);
    if (length === 1) return read(at);
    return Array.from({ length }, (_, i) => read(at + i * file.elementBytes));
  }

  /** Writes by address; integers wrap to the word as the processor would store them. */
  set(text: string, value: DataTableValue): void {
    const length = Array.isArray(value) ? value.length : 1;
    const address = parsePcccAddress(text, length);
    const file = this.resolve(address);
    const at = address.element * file.elementBytes + address.subElement * 2;
    if (address.bit !== undefined) {
      if (typeof value !== "boolean" && value !== 0 && value !== 1) throw new TypeError(`${text} is a bit`);
      const mask = (1 << address.bit) >>> 0;
      if (address.valueBytes === 4) {
        const word = file.data.readUInt32LE(at);
        file.data.writeUInt32LE((value ? word | mask : word & ~mask) >>> 0, at);
      } else {
        const word = file.data.readUInt16LE(at);
        file.data.writeUInt16LE((value ? word | mask : word & ~mask) & 0xffff, at);
      }
      return;
    }
    const values = Array.isArray(value) ? value : [value];
    values.forEach((element, i) => {
      if (typeof element !== "number") throw new TypeError(`${text} holds numbers, got ${typeof element}`);
      writeValue(file, at + i * file.elementBytes, address.valueBytes, element);
    });
  }
}

function readValue(file: DataFile, offset: number, bytes: number): number {
  if (file.type === PcccFileType.Float) return file.data.readFloatLE(offset);
  if (bytes === 4) return file.data.readInt32LE(offset);
  return file.data.readInt16LE(offset);
}

function writeValue(file: DataFile, offset: number, bytes: number, value: number): void {
  if (file.type === PcccFileType.Float) file.data.writeFloatLE(value, offset);
  else if (bytes === 4) file.data.writeInt32LE(Math.trunc(value) | 0, offset);
  else file.data.writeInt16LE((Math.trunc(value) << 16) >> 16, offset);
}
