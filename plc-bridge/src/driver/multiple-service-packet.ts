// Multiple Service Packets (CIP service 0x0A to the Message Router): packing many tag requests into
// packets whose request and reply both fit the connection size, and unpacking the replies.
import { EthernetIP } from "st-ethernet-ip";
import { CipClass, CipService } from "../cip/cip-codes.ts";
import { encodeLogicalPath } from "../cip/cip-epath.ts";
import { encodeMultipleServiceData, SERVICE_OFFSET_BYTES } from "../cip/multiple-service-data.ts";
import { CipReplyFormatError, type MessageRouterReply, parseMessageRouterReply } from "./cip-tag-codec.ts";

const MESSAGE_ROUTER_PATH = encodeLogicalPath(CipClass.MessageRouter, 1);
/** Service, path size and the Message Router path, then the service count. */
const PACKET_REQUEST_OVERHEAD = 2 + MESSAGE_ROUTER_PATH.length + 2;
/** Reply service, reserved, general status, extended status size, then the service count. */
const PACKET_REPLY_OVERHEAD = 4 + 2;
/** Reply header of one embedded reply; an error reply adds extended status words. */
export const EMBEDDED_REPLY_HEADER = 4;
/** Room kept for an embedded error reply (header plus two extended status words). */
const ERROR_REPLY_BYTES = 8;

export interface PackableRequest {
  /** Bytes of the embedded request. */
  requestBytes: number;
  /** Bytes of its reply on success. */
  replyBytes: number;
}

/** True when the request alone, in a packet of one, fits both ways. */
export function fitsInPacket(item: PackableRequest, budgetBytes: number): boolean {
  return (
    PACKET_REQUEST_OVERHEAD + SERVICE_OFFSET_BYTES + item.requestBytes <= budgetBytes &&
    PACKET_REPLY_OVERHEAD + SERVICE_OFFSET_BYTES + Math.max(item.replyBytes, ERROR_REPLY_BYTES) <= budgetBytes
  );
}

/**
 * Greedy first-fit in order: indexes of `items` per packet, each packet's request and reply within
 * `budgetBytes`. Every item must fit on its own (see fitsInPacket).
 */
export function planPackets(items: readonly PackableRequest[], budgetBytes: number): number[][] {
  const packets: number[][] = [];
  let current: number[] = [];
  let requestBytes = PACKET_REQUEST_OVERHEAD;
  let replyBytes = PACKET_REPLY_OVERHEAD;
  items.forEach((item, index) => {
    const addRequest = SERVICE_OFFSET_BYTES + item.requestBytes;
    const addReply = SERVICE_OFFSET_BYTES + Math.max(item.replyBytes, ERROR_REPLY_BYTES);
    if (current.length > 0 && (requestBytes + addRequest > budgetBytes || replyBytes + addReply > budgetBytes)) {
      packets.push(current);
      current = [];
      requestBytes = PACKET_REQUEST_OVERHEAD;
      replyBytes = PACKET_REPLY_OVERHEAD;
    }
    current.push(index);
    requestBytes += addRequest;
    replyBytes += addReply;
  });
  if (current.length > 0) packets.push(current);
  return packets;
}

export function buildMultipleServicePacket(requests: readonly Buffer[]): Buffer {
  return EthernetIP.CIP.MessageRouter.build(
    CipService.MultipleServicePacket,
    MESSAGE_ROUTER_PATH,
    encodeMultipleServiceData(requests),
  );
}

/**
 * Splits a Multiple Service Packet reply's data into its embedded replies. The count must match
 * what was sent and every offset must lie inside the data, in order.
 */
export function parseMultipleServiceReply(data: Buffer, expectedCount: number): MessageRouterReply[] {
  if (data.length < 2) throw new CipReplyFormatError("Multiple Service Packet reply holds no service count");
  const count = data.readUInt16LE(0);
  if (count !== expectedCount) {
    throw new CipReplyFormatError(`Multiple Service Packet reply holds ${count} replies for ${expectedCount} requests`);
  }
  const tableEnd = 2 + count * SERVICE_OFFSET_BYTES;
  if (data.length < tableEnd) throw new CipReplyFormatError("Multiple Service Packet offset table runs past the end");
  const offsets: number[] = [];
  for (let i = 0; i < count; i++) offsets.push(data.readUInt16LE(2 + i * SERVICE_OFFSET_BYTES));
  return offsets.map((start, i) => {
    const end = i + 1 < count ? offsets[i + 1]! : data.length;
    if (start < tableEnd || end > data.length || start > end) {
      throw new CipReplyFormatError(`Multiple Service Packet reply ${i} lies outside the packet (${start}..${end})`);
    }
    return parseMessageRouterReply(data.subarray(start, end));
  });
}
