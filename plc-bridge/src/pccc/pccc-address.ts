// SLC 500 / MicroLogix data-table addresses ("N7:0", "B3:1/5", "F8:2", "T4:0.ACC", "C5:1.DN", "S:1/5",
// "L9:0") parsed into what a typed logical read or write names: file number and type, element,
// sub-element and bit. The one place the SLC address syntax is decided; bad addresses are typed errors.
import { PcccFileType } from "./pccc-codes.ts";

/** What an address holds, in the bridge's tag types. */
export type PcccValueType = "INT" | "DINT" | "REAL" | "BOOL";

export type PcccFileLetter = "N" | "B" | "F" | "L" | "T" | "C" | "S";

interface FileKind {
  type: number;
  /** Bytes per element. */
  elementBytes: number;
  /** What one element (or its .ACC/.PRE word) holds. */
  valueType: Exclude<PcccValueType, "BOOL">;
  /** Bits a "/n" suffix may address in one word of the element; 0 when bits cannot be addressed. */
  bitsPerWord: number;
  /** File number when the address leaves it out ("S:1"). */
  defaultFileNumber?: number;
}

const FILE_KINDS: Readonly<Record<PcccFileLetter, FileKind>> = {
  N: { type: PcccFileType.Integer, elementBytes: 2, valueType: "INT", bitsPerWord: 16 },
  B: { type: PcccFileType.Bit, elementBytes: 2, valueType: "INT", bitsPerWord: 16 },
  S: { type: PcccFileType.Status, elementBytes: 2, valueType: "INT", bitsPerWord: 16, defaultFileNumber: 2 },
  F: { type: PcccFileType.Float, elementBytes: 4, valueType: "REAL", bitsPerWord: 0 },
  L: { type: PcccFileType.Long, elementBytes: 4, valueType: "DINT", bitsPerWord: 32 },
  T: { type: PcccFileType.Timer, elementBytes: 6, valueType: "INT", bitsPerWord: 0 },
  C: { type: PcccFileType.Counter, elementBytes: 6, valueType: "INT", bitsPerWord: 0 },
};

/** Timer and counter sub-elements: a word of the 3-word element, or a bit of its control word. */
const TIMER_FIELDS: Readonly<Record<string, { word: number; bit?: number }>> = {
  EN: { word: 0, bit: 15 },
  TT: { word: 0, bit: 14 },
  DN: { word: 0, bit: 13 },
  PRE: { word: 1 },
  ACC: { word: 2 },
};
const COUNTER_FIELDS: Readonly<Record<string, { word: number; bit?: number }>> = {
  CU: { word: 0, bit: 15 },
  CD: { word: 0, bit: 14 },
  DN: { word: 0, bit: 13 },
  OV: { word: 0, bit: 12 },
  UN: { word: 0, bit: 11 },
  UA: { word: 0, bit: 10 },
  PRE: { word: 1 },
  ACC: { word: 2 },
};

/** An SLC data file holds at most 256 elements (0-255); file numbers run 0-255. */
export const PCCC_MAX_ELEMENT = 255;
export const PCCC_MAX_FILE = 255;

export interface PcccAddress {
  /** The address in its canonical form ("N7:10", "B3:1/5", "T4:0.ACC", "S2:1/5"). */
  readonly canonical: string;
  readonly fileLetter: PcccFileLetter;
  readonly fileNumber: number;
  /** File type code of the typed read/write. */
  readonly fileType: number;
  /** Bytes per element of the file (2 N/B/S, 4 F/L, 6 T/C). */
  readonly elementBytes: number;
  /** First element addressed. */
  readonly element: number;
  /** Elements addressed (the tag's length); 1 for bits and timer/counter fields. */
  readonly elementCount: number;
  /** Word inside the element (timer/counter: 0 control, 1 .PRE, 2 .ACC); 0 elsewhere. */
  readonly subElement: number;
  /** Bit of that word, for BOOL addresses. */
  readonly bit?: number;
  /** Bytes of the word or element the value sits in (2, or 4 for F and L). */
  readonly valueBytes: number;
  readonly valueType: PcccValueType;
}

export type PcccAddressProblem =
  | "syntax"
  | "file-number"
  | "element-range"
  | "bit-range"
  | "missing-element"
  | "missing-subfield"
  | "subfield"
  | "length"
  | "type";

/** An address the SLC syntax does not allow, or that does not fit the configured type or length. */
export class PcccAddressError extends Error {
  override readonly name = "PcccAddressError";
  /** Stable code for API errors and logs. */
  readonly code = "PLC_ADDRESS_INVALID";

  constructor(
    readonly address: string,
    readonly problem: PcccAddressProblem,
    message: string,
  ) {
    super(`${address}: ${message}`);
  }
}

const ADDRESS = /^([NBFLTCS])(\d{1,3})?(?::(\d{1,3}))?(?:\.([A-Z]{2,3}))?(?:\/(\d{1,3}))?$/;

/**
 * Parses an SLC address. `length` (default 1) reads that many consecutive elements ("N7:10" with
 * length 4 is N7:10-N7:13); bits and timer/counter fields take one. `B3/21` (bit 21 of file B3) is
 * the same bit as `B3:1/5`. Throws PcccAddressError.
 */
export function parsePcccAddress(text: string, length = 1): PcccAddress {
  const fail = (problem: PcccAddressProblem, message: string): never => {
    throw new PcccAddressError(text, problem, message);
  };
  const match = ADDRESS.exec(text.trim().toUpperCase());
  if (!match) {
    return fail(
      "syntax",
      "not an SLC address (file letter N, B, F, L, T, C or S, file number, ':', element, then '/bit' or '.ACC'-style field)",
    );
  }
  const [, letterText, fileText, elementText, fieldText, bitText] = match;
  const letter = letterText as PcccFileLetter;
  const kind = FILE_KINDS[letter];
  const fileNumber = fileText === undefined ? kind.defaultFileNumber : Number(fileText);
  if (fileNumber === undefined) return fail("syntax", `a ${letter} file address needs its file number (${letter}7:0)`);
  if (fileNumber > PCCC_MAX_FILE) return fail("file-number", `file number ${fileNumber} is above ${PCCC_MAX_FILE}`);
  if (!Number.isInteger(length) || length < 1) return fail("length", "length must be a whole number of at least 1");

  let element: number;
  let bit: number | undefined;
  if (elementText === undefined) {
    // "B3/21": bit-number addressing across the file's words
    if (bitText === undefined || fieldText !== undefined || (letter !== "B" && letter !== "N")) {
      return fail("missing-element", `no element: write ${letter}${fileNumber}:<element>`);
    }
    const bitNumber = Number(bitText);
    element = Math.floor(bitNumber / 16);
    bit = bitNumber % 16;
  } else {
    element = Number(elementText);
  }
  if (element > PCCC_MAX_ELEMENT) {
    return fail("element-range", `element ${element} is beyond the ${PCCC_MAX_ELEMENT + 1} elements a file holds`);
  }

  const isTimerOrCounter = letter === "T" || letter === "C";
  let subElement = 0;
  if (isTimerOrCounter) {
    const fields = letter === "T" ? TIMER_FIELDS : COUNTER_FIELDS;
    if (fieldText === undefined) {
      return fail(
        "missing-subfield",
        `a ${letter === "T" ? "timer" : "counter"} element needs a field: ${Object.keys(fields)
          .map((f) => `.${f}`)
          .join(" ")}`,
      );
    }
    const field = fields[fieldText];
    if (!field) {
      return fail(
        "subfield",
        `.${fieldText} is not a ${letter === "T" ? "timer" : "counter"} field (${Object.keys(fields).join(", ")})`,
      );
    }
    if (bitText !== undefined) return fail("syntax", `.${fieldText} cannot take a bit number`);
    subElement = field.word;
    bit = field.bit;
  } else if (fieldText !== undefined) {
    return fail("subfield", `${letter} files have no .${fieldText} field`);
  } else if (elementText !== undefined && bitText !== undefined) {
    bit = Number(bitText);
    if (kind.bitsPerWord === 0) return fail("bit-range", `${letter} elements have no addressable bits`);
    if (bit >= kind.bitsPerWord) {
      return fail("bit-range", `bit ${bit} is beyond the ${kind.bitsPerWord}-bit word (0-${kind.bitsPerWord - 1})`);
    }
  }

  if ((bit !== undefined || isTimerOrCounter) && length !== 1) {
    return fail("length", "a bit or a timer/counter field is one value; length must be 1");
  }
  if (element + length - 1 > PCCC_MAX_ELEMENT) {
    return fail("element-range", `elements ${element}-${element + length - 1} run past element ${PCCC_MAX_ELEMENT}`);
  }

  const canonicalFile = `${letter}${fileNumber}`;
  const canonical =
    bit !== undefined && !isTimerOrCounter
      ? `${canonicalFile}:${element}/${bit}`
      : isTimerOrCounter
        ? `${canonicalFile}:${element}.${fieldText}`
        : `${canonicalFile}:${element}`;
  return {
    canonical,
    fileLetter: letter,
    fileNumber,
    fileType: kind.type,
    elementBytes: kind.elementBytes,
    element,
    elementCount: length,
    subElement,
    ...(bit === undefined ? {} : { bit }),
    valueBytes: isTimerOrCounter ? 2 : kind.elementBytes,
    valueType: bit === undefined ? kind.valueType : "BOOL",
  };
}

/**
 * Parses an address and checks it against the type a tag binding gives it: the address decides the
 * type (an N-file word is an INT, an F-file element a REAL, a bit a BOOL). Throws PcccAddressError.
 */
export function parseTypedPcccAddress(text: string, type: string, length = 1): PcccAddress {
  const address = parsePcccAddress(text, length);
  if (address.valueType !== type) {
    throw new PcccAddressError(
      text,
      "type",
      `type mismatch: ${address.canonical} holds ${address.valueType} in the controller, configured as ${type}`,
    );
  }
  return address;
}
