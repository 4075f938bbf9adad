// EtherNet/IP encapsulation: reassembles 24-byte-header frames from a TCP stream (requests arrive
// split or coalesced), and encodes frames and Common Packet Format items for both directions.
import type { ByteWriter } from "./byte-writer.ts";
import { CpfItemType, ENCAPSULATION_HEADER_LENGTH, EncapsulationCommand } from "./protocol-constants.ts";

/** Byte offsets inside the encapsulation header. */
export const HeaderOffset = {
  command: 0,
  length: 2,
  session: 4,
  status: 8,
  senderContext: 12,
  options: 20,
} as const;

/**
 * Cuts a byte stream into whole encapsulation frames. A frame is handed over as (buffer, start, end)
 * without copying when it lies inside one chunk; only a frame spread over chunks is joined.
 */
export class EncapsulationFrameReader {
  private pending: Buffer | null = null;

  constructor(private readonly onFrame: (buffer: Buffer, start: number, end: number) => void) {}

  /** Bytes held while waiting for the rest of a frame. */
  get bufferedBytes(): number {
    return this.pending?.length ?? 0;
  }

  push(chunk: Buffer): void {
    let buffer = chunk;
    if (this.pending) {
      buffer = Buffer.concat([this.pending, chunk]);
      this.pending = null;
    }
    let offset = 0;
    while (buffer.length - offset >= ENCAPSULATION_HEADER_LENGTH) {
      const end = offset + ENCAPSULATION_HEADER_LENGTH + buffer.readUInt16LE(offset + HeaderOffset.length);
      if (end > buffer.length) break;
      this.onFrame(buffer, offset, end);
      offset = end;
    }
    if (offset < buffer.length) this.pending = buffer.subarray(offset);
  }

  reset(): void {
    this.pending = null;
  }
}

/** A decoded frame, for the client side and tests (the server reads fields in place instead). */
export interface EncapsulationFrame {
  command: number;
  session: number;
  status: number;
  senderContext: Buffer;
  options: number;
  data: Buffer;
}

export function decodeFrame(buffer: Buffer, start = 0, end = buffer.length): EncapsulationFrame {
  return {
    command: buffer.readUInt16LE(start + HeaderOffset.command),
    session: buffer.readUInt32LE(start + HeaderOffset.session),
    status: buffer.readUInt32LE(start + HeaderOffset.status),
    senderContext: Buffer.from(buffer.subarray(start + HeaderOffset.senderContext, start + HeaderOffset.options)),
    options: buffer.readUInt32LE(start + HeaderOffset.options),
    data: Buffer.from(buffer.subarray(start + ENCAPSULATION_HEADER_LENGTH, end)),
  };
}

export function encodeFrame(
  command: number,
  session: number,
  data: Buffer,
  senderContext: Buffer = Buffer.alloc(8),
  status = 0,
): Buffer {
  const frame = Buffer.alloc(ENCAPSULATION_HEADER_LENGTH + data.length);
  frame.writeUInt16LE(command, HeaderOffset.command);
  frame.writeUInt16LE(data.length, HeaderOffset.length);
  frame.writeUInt32LE(session >>> 0, HeaderOffset.session);
  frame.writeUInt32LE(status >>> 0, HeaderOffset.status);
  senderContext.copy(frame, HeaderOffset.senderContext, 0, 8);
  data.copy(frame, ENCAPSULATION_HEADER_LENGTH);
  return frame;
}

export function encodeRegisterSession(senderContext?: Buffer): Buffer {
  const data = Buffer.from([0x01, 0x00, 0x00, 0x00]); // protocol version 1, no options
  return encodeFrame(EncapsulationCommand.RegisterSession, 0, data, senderContext);
}

/** SendRRData carrying an unconnected CIP request: null address item + unconnected data item. */
export function encodeSendRRData(session: number, cipRequest: Buffer, senderContext?: Buffer): Buffer {
  const data = Buffer.alloc(16 + cipRequest.length);
  // interface handle 0 (CIP) and timeout 0 stay zero
  data.writeUInt16LE(2, 6);
  data.writeUInt16LE(CpfItemType.NullAddress, 8);
  data.writeUInt16LE(0, 10);
  data.writeUInt16LE(CpfItemType.UnconnectedData, 12);
  data.writeUInt16LE(cipRequest.length, 14);
  cipRequest.copy(data, 16);
  return encodeFrame(EncapsulationCommand.SendRRData, session, data, senderContext);
}

/** SendUnitData carrying a connected CIP request with its sequence number. */
export function encodeSendUnitData(
  session: number,
  connectionId: number,
  sequence: number,
  cipRequest: Buffer,
  senderContext?: Buffer,
): Buffer {
  const data = Buffer.alloc(22 + cipRequest.length);
  data.writeUInt16LE(2, 6);
  data.writeUInt16LE(CpfItemType.ConnectedAddress, 8);
  data.writeUInt16LE(4, 10);
  data.writeUInt32LE(connectionId >>> 0, 12);
  data.writeUInt16LE(CpfItemType.ConnectedData, 16);
  data.writeUInt16LE(cipRequest.length + 2, 18);
  data.writeUInt16LE(sequence & 0xffff, 20);
  cipRequest.copy(data, 22);
  return encodeFrame(EncapsulationCommand.SendUnitData, session, data, senderContext);
}

export interface CpfItem {
  typeId: number;
  /** Item data bounds inside the buffer the items were read from. */
  start: number;
  end: number;
}

/**
 * Reads the Common Packet Format items of a SendRRData/SendUnitData body that starts at `start`
 * (interface handle, timeout, item count, items). Returns null when the items overrun the frame.
 */
export function readCpfItems(buffer: Buffer, start: number, end: number): CpfItem[] | null {
  if (end - start < 8) return null;
  const count = buffer.readUInt16LE(start + 6);
  let offset = start + 8;
  const items: CpfItem[] = [];
  for (let i = 0; i < count; i++) {
    if (offset + 4 > end) return null;
    const typeId = buffer.readUInt16LE(offset);
    const length = buffer.readUInt16LE(offset + 2);
    offset += 4;
    if (offset + length > end) return null;
    items.push({ typeId, start: offset, end: offset + length });
    offset += length;
  }
  return items;
}

/**
 * Starts a reply frame in `writer`: a copy of the request header with the reply's session and status
 * (the sender context is echoed, as clients match replies by it). Returns the frame's start.
 */
export function beginReplyFrame(
  writer: ByteWriter,
  request: Buffer,
  requestStart: number,
  session: number,
  status = 0,
): number {
  const start = writer.position;
  writer.ensure(ENCAPSULATION_HEADER_LENGTH);
  const out = writer.buffer;
  out.writeUInt16LE(request.readUInt16LE(requestStart + HeaderOffset.command), start);
  out.writeUInt16LE(0, start + HeaderOffset.length);
  out.writeUInt32LE(session >>> 0, start + HeaderOffset.session);
  out.writeUInt32LE(status >>> 0, start + HeaderOffset.status);
  request.copy(out, start + HeaderOffset.senderContext, requestStart + HeaderOffset.senderContext, requestStart + 20);
  out.writeUInt32LE(0, start + HeaderOffset.options);
  writer.position = start + ENCAPSULATION_HEADER_LENGTH;
  return start;
}

/** Writes the frame's data length now that the body is complete. */
export function finishReplyFrame(writer: ByteWriter, frameStart: number): void {
  writer.setU16(frameStart + HeaderOffset.length, writer.position - frameStart - ENCAPSULATION_HEADER_LENGTH);
}

/** Starts a Common Packet Format item whose length is not known yet; returns where its data starts. */
export function beginCpfItem(writer: ByteWriter, typeId: number): number {
  writer.u16(typeId);
  writer.u16(0);
  return writer.position;
}

/** Writes the item's length now that its data is complete. */
export function finishCpfItem(writer: ByteWriter, dataStart: number): void {
  writer.setU16(dataStart - 2, writer.position - dataStart);
}
