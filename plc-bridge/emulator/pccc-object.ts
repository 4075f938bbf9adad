// The emulated SLC's PCCC object (class 0x67): Execute PCCC (0x4B) requests carrying command 0x0F
// with the typed logical read (0xA2), write (0xAA) and masked write (0xAB) functions over the data
// table. Refusals answer as an SLC does, in the PCCC status bytes: STS 0x10 for a command or function
// it does not know, STS 0xF0 with an EXT STS for addresses, sizes and types.
import { CipStatus } from "../src/cip/cip-codes.ts";
import {
  EXECUTE_PCCC_SERVICE,
  PCCC_REPLY_FLAG,
  PcccCommand,
  PcccExtendedStatus,
  PcccFunction,
  PcccStatus,
} from "../src/pccc/pccc-codes.ts";
import type { ByteWriter } from "./byte-writer.ts";
import { type CipObjectHandler, writeCipReplyHeader } from "./cip.ts";
import type { PcccDataTable } from "./pccc-data-table.ts";

export interface PcccObjectOptions {
  table: PcccDataTable;
  /** Largest typed read or write the processor answers, data bytes. */
  maxTransferBytes: number;
  /** Runs before each request touches the table (the simulation's image is brought up to date). */
  beforeAccess: () => void;
  /** Runs after a write changed the table (the simulation adopts written counter words). */
  afterWrite: () => void;
  /** True while the emulator's reply mode says every read answers "no such address". */
  readsAnswerUnknownTag: () => boolean;
  counters: { tagsRead: number; tagsWritten: number };
}

interface ParsedTarget {
  byteCount: number;
  fileNumber: number;
  fileType: number;
  element: number;
  subElement: number;
  /** Offset after the address fields. */
  next: number;
}

export function createPcccObject(options: PcccObjectOptions): CipObjectHandler {
  return (request, service, instanceId, dataStart, end, out) => {
    if (service !== EXECUTE_PCCC_SERVICE) {
      writeCipReplyHeader(out, service, CipStatus.ServiceNotSupported);
      return CipStatus.ServiceNotSupported;
    }
    if (instanceId !== 1) {
      writeCipReplyHeader(out, service, CipStatus.PathDestinationUnknown);
      return CipStatus.PathDestinationUnknown;
    }
    const requestorLength = dataStart < end ? request[dataStart]! : 0;
    const commandAt = dataStart + requestorLength;
    if (requestorLength < 1 || commandAt + 5 > end) {
      writeCipReplyHeader(out, service, CipStatus.NotEnoughData);
      return CipStatus.NotEnoughData;
    }
    writeCipReplyHeader(out, service, CipStatus.Success);
    out.bytes(request, dataStart, commandAt); // the requestor ID, echoed
    const command = request[commandAt]!;
    const tns = request.readUInt16LE(commandAt + 2);
    const fnc = request[commandAt + 4]!;
    out.u8(command | PCCC_REPLY_FLAG);
    if (command !== PcccCommand.TypedCommand) return status(out, tns, PcccStatus.IllegalCommandOrFormat);
    const target = parseTarget(request, commandAt + 5, end);
    if (!target) return extended(out, tns, PcccExtendedStatus.TooFewAddressLevels);
    options.beforeAccess();
    switch (fnc) {
      case PcccFunction.TypedLogicalRead:
        return read(options, out, tns, target);
      case PcccFunction.TypedLogicalWrite:
        return write(options, out, tns, target, request, end);
      case PcccFunction.TypedLogicalMaskedWrite:
        return maskedWrite(options, out, tns, target, request, end);
      default:
        return status(out, tns, PcccStatus.IllegalCommandOrFormat);
    }
  };
}

/** Byte size, then file, type, element and sub-element (each 1 byte, or 0xFF and 2 bytes). */
function parseTarget(request: Buffer, start: number, end: number): ParsedTarget | undefined {
  let p = start;
  const field = (): number | undefined => {
    if (p >= end) return undefined;
    const first = request[p++]!;
    if (first !== 0xff) return first;
    if (p + 2 > end) return undefined;
    const value = request.readUInt16LE(p);
    p += 2;
    return value;
  };
  if (p >= end) return undefined;
  const byteCount = request[p++]!;
  const fileNumber = field();
  if (fileNumber === undefined || p >= end) return undefined;
  const fileType = request[p++]!;
  const element = field();
  const subElement = field();
  if (element === undefined || subElement === undefined) return undefined;
  return { byteCount, fileNumber, fileType, element, subElement, next: p };
}

/** The byte offset of a target in its file, or the EXT STS that refuses it. */
function locate(options: PcccObjectOptions, target: ParsedTarget): { data: Buffer; at: number } | number {
  const file = options.table.file(target.fileNumber);
  if (!file) return PcccExtendedStatus.AddressNotUsable;
  if (file.type !== target.fileType) return PcccExtendedStatus.IllegalDataType;
  if (target.byteCount === 0 || target.byteCount > options.maxTransferBytes) return PcccExtendedStatus.DataTooLarge;
  const wordsPerElement = file.elementBytes / 2;
  if (target.subElement >= Math.max(1, wordsPerElement) || target.element >= file.elements) {
    return PcccExtendedStatus.AddressNotUsable;
  }
  const at = target.element * file.elementBytes + target.subElement * 2;
  if (at + target.byteCount > file.data.length) return PcccExtendedStatus.FileWrongSize;
  return { data: file.data, at };
}

function read(options: PcccObjectOptions, out: ByteWriter, tns: number, target: ParsedTarget): number {
  if (options.readsAnswerUnknownTag()) return extended(out, tns, PcccExtendedStatus.AddressNotUsable);
  const place = locate(options, target);
  if (typeof place === "number") return extended(out, tns, place);
  out.u8(PcccStatus.Success);
  out.u16(tns);
  out.bytes(place.data, place.at, place.at + target.byteCount);
  options.counters.tagsRead++;
  return CipStatus.Success;
}

function write(
  options: PcccObjectOptions,
  out: ByteWriter,
  tns: number,
  target: ParsedTarget,
  request: Buffer,
  end: number,
): number {
  if (end - target.next !== target.byteCount) return extended(out, tns, PcccExtendedStatus.InvalidParameter);
  const place = locate(options, target);
  if (typeof place === "number") return extended(out, tns, place);
  request.copy(place.data, place.at, target.next, end);
  options.afterWrite();
  options.counters.tagsWritten++;
  return status(out, tns, PcccStatus.Success);
}

/** new = (old & ~mask) | (value & mask), over one word (or a long's two). */
function maskedWrite(
  options: PcccObjectOptions,
  out: ByteWriter,
  tns: number,
  target: ParsedTarget,
  request: Buffer,
  end: number,
): number {
  const size = target.byteCount;
  if ((size !== 2 && size !== 4) || end - target.next !== size * 2) {
    return extended(out, tns, PcccExtendedStatus.InvalidParameter);
  }
  const place = locate(options, target);
  if (typeof place === "number") return extended(out, tns, place);
  for (let b = 0; b < size; b++) {
    const mask = request[target.next + b]!;
    const value = request[target.next + size + b]!;
    place.data[place.at + b] = (place.data[place.at + b]! & ~mask) | (value & mask);
  }
  options.afterWrite();
  options.counters.tagsWritten++;
  return status(out, tns, PcccStatus.Success);
}

/** STS (0 or a remote error) and TNSW; a PCCC refusal is still CIP success. */
function status(out: ByteWriter, tns: number, sts: number): number {
  out.u8(sts);
  out.u16(tns);
  return CipStatus.Success;
}

function extended(out: ByteWriter, tns: number, extendedStatus: number): number {
  out.u8(PcccStatus.Extended);
  out.u16(tns);
  out.u8(extendedStatus);
  return CipStatus.Success;
}
