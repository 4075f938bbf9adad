// Builds CIP requests and parses CIP replies the way a client does, written independently of the
// server side so tests can check the emulator byte by byte without trusting its own code. Paths and
// Multiple Service Packet data are laid out by the same code the bridge's driver sends with.
import { CIP_REPLY_FLAG, CipClass, CipService } from "../src/cip/cip-codes.ts";
import { elementSegment, encodeLogicalPath, PathSegment, symbolicSegment } from "../src/cip/cip-epath.ts";
import { encodeMultipleServiceData } from "../src/cip/multiple-service-data.ts";

export interface CipReply {
  service: number;
  status: number;
  extendedStatus: number[];
  data: Buffer;
}

/** Encodes "Tag", "Program:P.Tag", "Tag[3]" as symbolic + element segments. */
export function encodeTagPath(tagName: string): Buffer {
  const parts: Buffer[] = [];
  for (const piece of tagName.split(".")) {
    const match = /^([^[\]]+)(?:\[(\d+)\])?$/.exec(piece);
    if (!match) throw new Error(`cannot encode tag path "${tagName}"`);
    parts.push(symbolicSegment(match[1]!));
    if (match[2] !== undefined) parts.push(elementSegment(Number(match[2])));
  }
  return Buffer.concat(parts);
}

export function encodeRequest(service: number, path: Buffer, data: Buffer = Buffer.alloc(0)): Buffer {
  const padded = path.length & 1 ? Buffer.concat([path, Buffer.alloc(1)]) : path;
  return Buffer.concat([Buffer.from([service, padded.length / 2]), padded, data]);
}

export function encodeReadTag(tagName: string, elements = 1): Buffer {
  const data = Buffer.alloc(2);
  data.writeUInt16LE(elements);
  return encodeRequest(CipService.ReadTag, encodeTagPath(tagName), data);
}

export function encodeReadTagFragmented(tagName: string, elements: number, byteOffset: number): Buffer {
  const data = Buffer.alloc(6);
  data.writeUInt16LE(elements, 0);
  data.writeUInt32LE(byteOffset, 2);
  return encodeRequest(CipService.ReadTagFragmented, encodeTagPath(tagName), data);
}

export function encodeWriteTag(tagName: string, typeCode: number, elements: number, bytes: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt16LE(typeCode, 0);
  header.writeUInt16LE(elements, 2);
  return encodeRequest(CipService.WriteTag, encodeTagPath(tagName), Buffer.concat([header, bytes]));
}

export function encodeMultipleServicePacket(requests: readonly Buffer[]): Buffer {
  return encodeRequest(
    CipService.MultipleServicePacket,
    encodeLogicalPath(CipClass.MessageRouter, 1),
    encodeMultipleServiceData(requests),
  );
}

export function encodeGetAttributeAll(classId: number, instanceId: number): Buffer {
  return encodeRequest(CipService.GetAttributeAll, encodeLogicalPath(classId, instanceId));
}

/** Wraps a request in Unconnected Send to the connection manager, routed to backplane port 1, `slot`. */
export function encodeUnconnectedSend(request: Buffer, slot = 0): Buffer {
  const head = Buffer.from([0x0a, 0x0e, 0, 0]); // priority/tick time, timeout ticks, message size
  head.writeUInt16LE(request.length, 2);
  const pad = request.length & 1 ? Buffer.alloc(1) : Buffer.alloc(0);
  const route = Buffer.from([1, 0, 0x01, slot]); // route size 1 word, reserved, port 1, link = slot
  return encodeRequest(
    CipService.UnconnectedSend,
    encodeLogicalPath(CipClass.ConnectionManager, 1),
    Buffer.concat([head, request, pad, route]),
  );
}

export interface ForwardOpenParameters {
  toConnectionId: number;
  serial: number;
  vendorId?: number;
  originatorSerial?: number;
  /** Connection size asked for, bytes. */
  size: number;
  large?: boolean;
}

export function encodeForwardOpen(p: ForwardOpenParameters): Buffer {
  const large = p.large ?? p.size > 511;
  const paramsSize = large ? 4 : 2;
  const data = Buffer.alloc(32 + paramsSize * 2 + 4);
  let o = 0;
  data[o++] = 0x0a;
  data[o++] = 0x0e;
  o += 4; // O->T id: chosen by the target
  data.writeUInt32LE(p.toConnectionId >>> 0, o);
  o += 4;
  data.writeUInt16LE(p.serial, o);
  data.writeUInt16LE(p.vendorId ?? 0x1234, o + 2);
  data.writeUInt32LE(p.originatorSerial ?? 0x5678, o + 4);
  o += 8;
  data[o] = 1; // timeout multiplier
  o += 4;
  // Point-to-point, variable size: in the low word's top bits, or the high word for Large Forward Open.
  const flags = (2 << 13) | (1 << 9);
  for (let i = 0; i < 2; i++) {
    data.writeUInt32LE(200_000, o); // RPI, µs
    o += 4;
    if (large) data.writeUInt32LE(flags * 0x10000 + p.size, o);
    else data.writeUInt16LE(flags | p.size, o);
    o += paramsSize;
  }
  data[o++] = 0xa3; // class 3, server
  data[o++] = 3; // connection path: 3 words
  Buffer.from([0x01, 0x00, PathSegment.Class8, CipClass.MessageRouter, PathSegment.Instance8, 0x01]).copy(data, o);
  return encodeRequest(
    large ? CipService.LargeForwardOpen : CipService.ForwardOpen,
    encodeLogicalPath(CipClass.ConnectionManager, 1),
    data,
  );
}

export function encodeForwardClose(serial: number, vendorId = 0x1234, originatorSerial = 0x5678): Buffer {
  const data = Buffer.alloc(16);
  data[0] = 0x0a;
  data[1] = 0x0e;
  data.writeUInt16LE(serial, 2);
  data.writeUInt16LE(vendorId, 4);
  data.writeUInt32LE(originatorSerial, 6);
  data[10] = 2; // path words
  Buffer.from([0x01, 0x00, PathSegment.Class8, CipClass.MessageRouter]).copy(data, 12);
  return encodeRequest(CipService.ForwardClose, encodeLogicalPath(CipClass.ConnectionManager, 1), data);
}

/** Tag browse request for a scope (null = controller) from `instance`, asking for name and type. */
export function encodeTagBrowse(program: string | null, instance: number): Buffer {
  const parts: Buffer[] = [];
  if (program) parts.push(encodeTagPath(`Program:${program}`));
  const logical = Buffer.from([PathSegment.Class8, CipClass.Symbol, PathSegment.Instance16, 0, 0, 0]);
  logical.writeUInt16LE(instance, 4);
  parts.push(logical);
  return encodeRequest(CipService.GetInstanceAttributeList, Buffer.concat(parts), Buffer.from([2, 0, 1, 0, 2, 0]));
}

export function decodeReply(buffer: Buffer): CipReply {
  if (buffer.length < 4 || !(buffer[0]! & CIP_REPLY_FLAG)) throw new Error("not a CIP reply");
  const extendedWords = buffer[3]!;
  const extendedStatus: number[] = [];
  for (let i = 0; i < extendedWords; i++) extendedStatus.push(buffer.readUInt16LE(4 + i * 2));
  return {
    service: buffer[0]! & ~CIP_REPLY_FLAG,
    status: buffer[2]!,
    extendedStatus,
    data: buffer.subarray(4 + extendedWords * 2),
  };
}

/** Splits a Multiple Service Packet reply's data into its inner replies. */
export function decodeMultipleServiceReply(data: Buffer): CipReply[] {
  const count = data.readUInt16LE(0);
  const replies: CipReply[] = [];
  for (let i = 0; i < count; i++) {
    const start = data.readUInt16LE(2 + i * 2);
    const end = i + 1 < count ? data.readUInt16LE(4 + i * 2) : data.length;
    replies.push(decodeReply(data.subarray(start, end)));
  }
  return replies;
}

export interface BrowsedSymbol {
  instanceId: number;
  name: string;
  typeWord: number;
}

export function decodeTagBrowse(data: Buffer): BrowsedSymbol[] {
  const symbols: BrowsedSymbol[] = [];
  let p = 0;
  while (p < data.length) {
    const instanceId = data.readUInt32LE(p);
    const length = data.readUInt16LE(p + 4);
    const name = data.toString("latin1", p + 6, p + 6 + length);
    const typeWord = data.readUInt16LE(p + 6 + length);
    symbols.push({ instanceId, name, typeWord });
    p += 8 + length;
  }
  return symbols;
}
