// PCCC requests and replies in bytes: the Execute PCCC (0x4B) CIP request to the PCCC object with its
// requestor ID, the typed logical read / write / masked write with three address fields, and strict
// parsing of the reply (requestor ID, CMD|0x40, STS, TNSW, EXT STS, data).
import { CIP_REPLY_FLAG } from "../cip/cip-codes.ts";
import { encodeLogicalPath } from "../cip/cip-epath.ts";
import {
  EXECUTE_PCCC_SERVICE,
  PCCC_OBJECT_CLASS,
  PCCC_REPLY_FLAG,
  PcccCommand,
  PcccFunction,
  PcccStatus,
} from "./pccc-codes.ts";

const PCCC_OBJECT_PATH = encodeLogicalPath(PCCC_OBJECT_CLASS, 1);

/** Who asks: the requestor ID a PCCC request carries and its reply echoes. */
export interface PcccRequestor {
  vendorId: number;
  serialNumber: number;
}

/** What a typed logical request names: file, type, element and sub-element. */
export interface PcccTarget {
  fileNumber: number;
  fileType: number;
  element: number;
  subElement: number;
}

/** An address field: one byte up to 254, else 0xFF and a 16-bit value. */
function addressField(value: number): number[] {
  return value <= 0xfe ? [value] : [0xff, value & 0xff, value >> 8];
}

function addressFields(target: PcccTarget): number[] {
  return [
    ...addressField(target.fileNumber),
    target.fileType,
    ...addressField(target.element),
    ...addressField(target.subElement),
  ];
}

/** Wraps a PCCC command (CMD, STS, TNSW, FNC, fields) in an Execute PCCC request to class 0x67 instance 1. */
export function executePcccRequest(requestor: PcccRequestor, tns: number, fnc: number, fields: Buffer): Buffer {
  const header = Buffer.alloc(2 + PCCC_OBJECT_PATH.length + 7 + 5);
  let p = 0;
  header[p++] = EXECUTE_PCCC_SERVICE;
  header[p++] = PCCC_OBJECT_PATH.length / 2;
  PCCC_OBJECT_PATH.copy(header, p);
  p += PCCC_OBJECT_PATH.length;
  header[p++] = 7; // requestor ID length, itself included
  header.writeUInt16LE(requestor.vendorId, p);
  header.writeUInt32LE(requestor.serialNumber >>> 0, p + 2);
  p += 6;
  header[p++] = PcccCommand.TypedCommand;
  header[p++] = PcccStatus.Success;
  header.writeUInt16LE(tns & 0xffff, p);
  p += 2;
  header[p++] = fnc;
  return Buffer.concat([header, fields]);
}

/** Protected typed logical read with three address fields: `byteCount` bytes from the target on. */
export function typedReadRequest(requestor: PcccRequestor, tns: number, target: PcccTarget, byteCount: number) {
  return executePcccRequest(
    requestor,
    tns,
    PcccFunction.TypedLogicalRead,
    Buffer.from([byteCount, ...addressFields(target)]),
  );
}

/** Protected typed logical write with three address fields. */
export function typedWriteRequest(requestor: PcccRequestor, tns: number, target: PcccTarget, data: Buffer): Buffer {
  return executePcccRequest(
    requestor,
    tns,
    PcccFunction.TypedLogicalWrite,
    Buffer.concat([Buffer.from([data.length, ...addressFields(target)]), data]),
  );
}

/** Masked write of one word: bits set in `mask` take their value from `value`, the rest are kept. */
export function maskedWriteRequest(
  requestor: PcccRequestor,
  tns: number,
  target: PcccTarget,
  mask: number,
  value: number,
): Buffer {
  const words = Buffer.alloc(4);
  words.writeUInt16LE(mask & 0xffff, 0);
  words.writeUInt16LE(value & 0xffff, 2);
  return executePcccRequest(
    requestor,
    tns,
    PcccFunction.TypedLogicalMaskedWrite,
    Buffer.concat([Buffer.from([2, ...addressFields(target)]), words]),
  );
}

/** A PCCC reply whose bytes do not hold together, or answer another transaction: the stream is not what we think. */
export class PcccReplyFormatError extends Error {
  override readonly name = "PcccReplyFormatError";
}

export interface PcccReply {
  /** STS: 0 success. */
  status: number;
  /** EXT STS, present when STS is 0xF0. */
  extendedStatus?: number;
  data: Buffer;
}

/**
 * Parses the data of an Execute PCCC reply (after the CIP reply header): requestor ID, CMD | 0x40,
 * STS, TNSW (must be `tns`), EXT STS when STS is 0xF0, then the function's data.
 */
export function parsePcccReply(data: Buffer, tns: number): PcccReply {
  if (data.length < 1) throw new PcccReplyFormatError("PCCC reply holds no requestor ID");
  const requestorLength = data[0]!;
  if (requestorLength < 1) throw new PcccReplyFormatError("PCCC requestor ID length is 0");
  const commandAt = requestorLength;
  if (data.length < commandAt + 4) {
    throw new PcccReplyFormatError(`PCCC reply of ${data.length} bytes is shorter than its header`);
  }
  const command = data[commandAt]!;
  if (command !== (PcccCommand.TypedCommand | PCCC_REPLY_FLAG)) {
    throw new PcccReplyFormatError(`PCCC reply command 0x${command.toString(16)} does not answer command 0x0f`);
  }
  const status = data[commandAt + 1]!;
  const replyTns = data.readUInt16LE(commandAt + 2);
  if (replyTns !== (tns & 0xffff)) {
    throw new PcccReplyFormatError(`PCCC reply to transaction ${replyTns} arrived for transaction ${tns & 0xffff}`);
  }
  const dataAt = commandAt + 4;
  if (status === PcccStatus.Extended) {
    if (data.length < dataAt + 1) throw new PcccReplyFormatError("PCCC STS 0xF0 without its EXT STS byte");
    return { status, extendedStatus: data[dataAt]!, data: data.subarray(dataAt + 1) };
  }
  return { status, data: data.subarray(dataAt) };
}

/** The CIP service byte of an Execute PCCC reply. */
export const EXECUTE_PCCC_REPLY = EXECUTE_PCCC_SERVICE | CIP_REPLY_FLAG;
