// The Logix (ControlLogix/CompactLogix) driver: st-ethernet-ip (patched) opens the session and the
// Forward Open and carries each request; tag requests are packed, correlated and decoded here.
import { once } from "node:events";
import { settleWithin } from "@ms5/kit";
import { Controller, EthernetIP } from "st-ethernet-ip";
import { CIP_REPLY_FLAG, CipService, CipStatus } from "../cip/cip-codes.ts";
import { atomicTypes } from "../cip/cip-data-types.ts";
import {
  addressTag,
  type DecodedValue,
  decodeReadTagData,
  describeCipStatus,
  encodeTagValue,
  type MessageRouterReply,
  parseMessageRouterReply,
  readTagFragmentedRequest,
  readTagRequest,
  type TagAddress,
  writeTagFragmentedRequest,
  writeTagRequest,
} from "./cip-tag-codec.ts";
import {
  buildMultipleServicePacket,
  EMBEDDED_REPLY_HEADER,
  fitsInPacket,
  type PackableRequest,
  parseMultipleServiceReply,
  planPackets,
} from "./multiple-service-packet.ts";
import { PlcCommsError, PlcTagError } from "./plc-comms-error.ts";
import type { PlcDriver, PlcEndpoint, TagReadResult, TagSpec, TagValue } from "./plc-driver.ts";

export interface LogixDriverOptions {
  /**
   * Largest CIP request or reply the driver builds or expects, bytes. The library's Forward Open
   * asks for a 500-byte connection and a Logix UCMM reply tops out near 504; the margin covers the
   * sequence count and the Unconnected Send wrapper. @default 480
   */
  packetBudgetBytes: number;
  /** How long close() waits for the Forward Close reply and the peer's close. @default 500 */
  closeGraceMs: number;
}

export const logixDriverDefaults: LogixDriverOptions = {
  packetBudgetBytes: 480,
  closeGraceMs: 500,
};

/** One TCP connection and its state; replaced on every connect(). */
interface Link {
  controller: Controller;
  /** Session (and Forward Open) established. */
  ready: boolean;
  /** The socket closed or was dropped. */
  closed: boolean;
  /** A request timed out: a graceful close would only wait out more timeouts. */
  unresponsive: boolean;
  socketError?: NodeJS.ErrnoException;
}

/** A common packet format item as st-ethernet-ip parses it. */
interface CpfItem {
  TypeID: number;
  data: Buffer;
}

interface PlannedRead {
  /** Position in the caller's list. */
  index: number;
  spec: TagSpec;
  address: TagAddress;
  request: Buffer;
}

const REFUSED_CODES = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL", "ENOTFOUND"]);
const READ_PLAN_CACHE_LIMIT = 10_000;
const CPF_CONNECTED_DATA = 0xb1;
const CPF_UNCONNECTED_DATA = 0xb2;

export class LogixDriver implements PlcDriver {
  private readonly options: LogixDriverOptions;
  private link: Link | undefined;
  /** Serializes requests: one outstanding request per connection, as a class 3 connection expects. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Cleared when the controller answers a Multiple Service Packet with "service not supported". */
  private multipleServicePacketSupported = true;
  /** Encoded read requests by spec: a poller reads the same tags every scan. */
  private readonly readPlans = new Map<string, { address: TagAddress; request: Buffer } | Error>();

  constructor(
    readonly endpoint: PlcEndpoint,
    options: Partial<LogixDriverOptions> = {},
  ) {
    this.options = { ...logixDriverDefaults, ...options };
  }

  get connected(): boolean {
    return this.link?.ready === true && !this.link.closed;
  }

  async connect(): Promise<void> {
    if (this.connected) return;
    if (this.link) await this.shutdown(this.link);
    const { host, port, slot, timeoutMs, connected } = this.endpoint;
    const controller = new Controller(connected, { port, unconnectedSendTimeout: timeoutMs });
    controller.timeout_sp = timeoutMs;
    const link: Link = { controller, ready: false, closed: false, unresponsive: false };
    controller.on("error", (error: NodeJS.ErrnoException) => {
      link.socketError ??= error;
    });
    controller.on("close", () => {
      link.closed = true;
    });
    this.link = link;
    try {
      // false: no tag browse (service 0x55), which controllers and emulators without it hang on.
      // TCP connect, RegisterSession and Forward Open each have timeoutMs; the deadline backs up DNS.
      await settleWithin(controller.connect(host, slot, false), 3 * timeoutMs + 1_000, () =>
        this.commsError(`connect took longer than ${3 * timeoutMs + 1_000} ms`, "timeout"),
      );
      if (link.closed) throw this.commsError("connection closed while connecting", "closed", link.socketError);
      link.ready = true;
    } catch (error) {
      // Classify first: whether the peer had closed the socket is part of the answer
      const failure = this.connectError(error, link);
      if (this.link === link) this.link = undefined;
      controller.destroy();
      link.closed = true;
      throw failure;
    }
  }

  readTags(tags: readonly TagSpec[]): Promise<TagReadResult[]> {
    return this.exclusive(async () => {
      const link = this.requireLink();
      const results = new Array<TagReadResult>(tags.length);
      const packable: PlannedRead[] = [];
      const sizes: PackableRequest[] = [];
      const fragmented: PlannedRead[] = [];
      tags.forEach((spec, index) => {
        const plan = this.readPlan(spec);
        if (plan instanceof Error) {
          results[index] = { name: spec.name, ok: false, error: plan.message };
          return;
        }
        const { address, request } = plan;
        const read: PlannedRead = { index, spec, address, request };
        const size = { requestBytes: read.request.length, replyBytes: EMBEDDED_REPLY_HEADER + 2 + address.valueBytes };
        if (fitsInPacket(size, this.options.packetBudgetBytes)) {
          packable.push(read);
          sizes.push(size);
        } else {
          fragmented.push(read);
        }
      });
      for (const packet of planPackets(sizes, this.options.packetBudgetBytes)) {
        const reads = packet.map((i) => packable[i]!);
        const replies = await this.sendReads(link, reads);
        reads.forEach((read, i) => {
          const reply = replies[i]!;
          // Larger than the type configured suggests: fetch it in fragments rather than fail it
          if (reply.generalStatus === CipStatus.PartialTransfer) fragmented.push(read);
          else results[read.index] = this.readResult(read, reply);
        });
      }
      for (const read of fragmented) results[read.index] = await this.readFragmented(link, read);
      return results;
    });
  }

  async writeTag(tag: TagSpec, value: TagValue): Promise<void> {
    const address = addressTag(tag);
    if (address.bitIndex !== undefined) {
      throw new PlcTagError(`${tag.name}: writing one bit is not supported; write the whole integer`, tag.name);
    }
    const data = encodeTagValue(tag, value);
    await this.exclusive(async () => {
      const link = this.requireLink();
      const whole = writeTagRequest(address, tag.type, data);
      if (whole.length <= this.options.packetBudgetBytes) {
        this.checkWrite(tag, this.expectService(link, await this.request(link, whole), CipService.WriteTag));
        return;
      }
      // Too big for one packet: Write Tag Fragmented in whole elements
      const size = atomicTypes[tag.type].size;
      const header = writeTagFragmentedRequest(address, tag.type, 0, Buffer.alloc(0)).length;
      const chunkBytes = Math.floor((this.options.packetBudgetBytes - header) / size) * size;
      for (let offset = 0; offset < data.length; offset += chunkBytes) {
        const request = writeTagFragmentedRequest(
          address,
          tag.type,
          offset,
          data.subarray(offset, offset + chunkBytes),
        );
        const reply = await this.request(link, request);
        this.checkWrite(tag, this.expectService(link, reply, CipService.WriteTagFragmented));
      }
    });
  }

  async close(): Promise<void> {
    const link = this.link;
    this.link = undefined;
    if (link) await this.shutdown(link);
  }

  /** Listeners on the connection's socket, all events together; flat across failures when nothing leaks. */
  socketListenerCount(): number {
    const controller = this.link?.controller;
    if (!controller) return 0;
    return controller.eventNames().reduce((sum, event) => sum + controller.listenerCount(event), 0);
  }

  private readPlan(spec: TagSpec): { address: TagAddress; request: Buffer } | Error {
    const key = `${spec.name}\u0000${spec.type}\u0000${spec.length ?? 1}`;
    let plan = this.readPlans.get(key);
    if (plan === undefined) {
      try {
        const address = addressTag(spec);
        plan = { address, request: readTagRequest(address) };
      } catch (error) {
        plan = error as Error;
      }
      // Bounded: a caller inventing names cannot grow it without limit
      if (this.readPlans.size >= READ_PLAN_CACHE_LIMIT) this.readPlans.clear();
      this.readPlans.set(key, plan);
    }
    return plan;
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private requireLink(): Link {
    const link = this.link;
    if (!link?.ready || link.closed) {
      throw this.commsError("not connected", "closed", link?.socketError);
    }
    return link;
  }

  private async sendReads(link: Link, reads: readonly PlannedRead[]): Promise<MessageRouterReply[]> {
    if (reads.length === 1 || !this.multipleServicePacketSupported) {
      const replies: MessageRouterReply[] = [];
      for (const read of reads) {
        replies.push(this.expectService(link, await this.request(link, read.request), CipService.ReadTag));
      }
      return replies;
    }
    const packet = buildMultipleServicePacket(reads.map((read) => read.request));
    const reply = this.expectService(link, await this.request(link, packet), CipService.MultipleServicePacket);
    if (reply.generalStatus === CipStatus.Success || reply.generalStatus === CipStatus.EmbeddedServiceError) {
      let embedded: MessageRouterReply[];
      try {
        embedded = parseMultipleServiceReply(reply.data, reads.length);
      } catch (error) {
        throw this.dropForProtocolError(link, error);
      }
      for (const inner of embedded) this.expectService(link, inner, CipService.ReadTag);
      return embedded;
    }
    if (reply.generalStatus === CipStatus.ServiceNotSupported) {
      this.multipleServicePacketSupported = false;
      return this.sendReads(link, reads);
    }
    // The packet as a whole was refused: each tag in it carries that status
    return reads.map(() => reply);
  }

  private readResult(read: PlannedRead, reply: MessageRouterReply): TagReadResult {
    const { name } = read.spec;
    if (reply.generalStatus !== CipStatus.Success) {
      return {
        name,
        ok: false,
        error: describeCipStatus(reply.generalStatus, reply.extendedStatus),
        code: reply.generalStatus,
      };
    }
    return withName(name, decodeReadTagData(read.spec, read.address, reply.data));
  }

  private async readFragmented(link: Link, read: PlannedRead): Promise<TagReadResult> {
    const { name } = read.spec;
    const chunks: Buffer[] = [];
    let typeCode: Buffer | undefined;
    let received = 0;
    for (;;) {
      const request = readTagFragmentedRequest(read.address, received);
      const reply = this.expectService(link, await this.request(link, request), CipService.ReadTagFragmented);
      const more = reply.generalStatus === CipStatus.PartialTransfer;
      if (reply.generalStatus !== CipStatus.Success && !more) return this.readResult(read, reply);
      if (reply.data.length < 2) throw this.dropForProtocolError(link, new Error("fragment without a type code"));
      typeCode ??= reply.data.subarray(0, 2);
      const chunk = reply.data.subarray(2);
      chunks.push(chunk);
      received += chunk.length;
      if (!more) break;
      if (chunk.length === 0) throw this.dropForProtocolError(link, new Error("fragmented read made no progress"));
      if (received >= read.address.valueBytes) {
        return {
          name,
          ok: false,
          error: `${name}: controller kept sending past ${read.address.elementCount} elements`,
        };
      }
    }
    return withName(name, decodeReadTagData(read.spec, read.address, Buffer.concat([typeCode, ...chunks])));
  }

  private checkWrite(tag: TagSpec, reply: MessageRouterReply): void {
    if (reply.generalStatus === CipStatus.Success) return;
    const reason = describeCipStatus(reply.generalStatus, reply.extendedStatus);
    throw new PlcTagError(`${tag.name}: controller refused the write: ${reason}`, tag.name, reply.generalStatus);
  }

  /** A reply must answer the service asked; anything else means the stream is not what we think. */
  private expectService(link: Link, reply: MessageRouterReply, service: number): MessageRouterReply {
    if (reply.service === (service | CIP_REPLY_FLAG)) return reply;
    const status = describeCipStatus(reply.generalStatus, reply.extendedStatus);
    throw this.dropForProtocolError(
      link,
      new Error(`reply to service 0x${service.toString(16)} came back as 0x${reply.service.toString(16)}: ${status}`),
    );
  }

  /**
   * Sends one CIP request and waits for the reply carrying its correlation key. The patched library
   * drops replies to requests given up on, so a late reply never answers a later request.
   */
  private request(link: Link, message: Buffer): Promise<MessageRouterReply> {
    const { controller } = link;
    const { timeoutMs } = this.endpoint;
    return new Promise((resolve, reject) => {
      let key: string | null = null;
      const settle = () => {
        clearTimeout(timer);
        controller.off("SendRRData Received", onReply);
        controller.off("SendUnitData Received", onReply);
        controller.off("Requests Failed", onFailed);
      };
      const onReply = (items: CpfItem[], replyKey: string) => {
        if (replyKey !== key) return;
        settle();
        try {
          resolve(parseMessageRouterReply(cipPayload(items, replyKey)));
        } catch (error) {
          reject(this.dropForProtocolError(link, error));
        }
      };
      const onFailed = (error: NodeJS.ErrnoException) => {
        settle();
        const kind = error.code === "ENIP_PROTOCOL" ? "protocol" : "closed";
        reject(this.commsError(error.message, kind, link.socketError ?? error));
      };
      const timer = setTimeout(() => {
        settle();
        if (key !== null) controller.cancelRequest(key);
        link.unresponsive = true;
        reject(this.commsError(`no reply within ${timeoutMs} ms`, "timeout"));
      }, timeoutMs);
      controller.on("SendRRData Received", onReply);
      controller.on("SendUnitData Received", onReply);
      controller.on("Requests Failed", onFailed);
      try {
        // null: no session; the library then emits "Requests Failed" on the next turn
        key = controller.write_cip(message);
      } catch (error) {
        settle();
        reject(this.commsError(`could not send: ${(error as Error).message}`, "closed", error));
      }
    });
  }

  private dropForProtocolError(link: Link, error: unknown): PlcCommsError {
    link.closed = true;
    link.controller.destroy();
    return this.commsError(`protocol error: ${(error as Error).message}`, "protocol", error);
  }

  private connectError(error: unknown, link: Link): PlcCommsError {
    if (error instanceof PlcCommsError) return error;
    const socketCode = link.socketError?.code;
    if (socketCode && REFUSED_CODES.has(socketCode))
      return this.commsError(`connection refused (${socketCode})`, "refused", link.socketError);
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === "ENIP_PROTOCOL") return this.commsError((error as Error).message, "protocol", error);
    if (code === "ENIP_CLOSED" || (link.closed && !(error instanceof Error && /TIMEOUT/.test(error.message)))) {
      return this.commsError(
        `connection closed while connecting${socketCode ? ` (${socketCode})` : ""}`,
        "closed",
        error,
      );
    }
    if (error instanceof Error && /TIMEOUT/.test(error.message))
      return this.commsError(error.message, "timeout", error);
    if (isCipError(error)) {
      return this.commsError(
        `Forward Open refused: ${describeCipStatus(error.generalStatusCode, error.extendedStatus)}`,
        "protocol",
      );
    }
    return this.commsError(error instanceof Error ? error.message : String(error), "protocol", error);
  }

  private commsError(message: string, kind: PlcCommsError["kind"], cause?: unknown): PlcCommsError {
    const { host, port } = this.endpoint;
    return new PlcCommsError(`Logix ${host}:${port}: ${message}`, kind, cause === undefined ? undefined : { cause });
  }

  /** Forward Close and UnregisterSession when the link is healthy, then the socket goes. */
  private async shutdown(link: Link): Promise<void> {
    const { controller } = link;
    try {
      if (link.ready && !link.closed && !link.unresponsive) {
        if (controller.established_conn) {
          await settleWithin(
            controller.forwardClose(),
            this.options.closeGraceMs,
            () => new Error("no Forward Close reply"),
          ).catch(() => undefined);
        }
        if (!link.closed) {
          const closed = once(controller, "close");
          controller.end(EthernetIP.encapsulation.unregisterSession(controller.session_id));
          await settleWithin(closed, this.options.closeGraceMs, () => new Error("peer kept the socket open")).catch(
            () => undefined,
          );
        }
      }
    } finally {
      link.closed = true;
      controller.destroy();
    }
  }
}

function withName(name: string, decoded: DecodedValue): TagReadResult {
  return decoded.ok ? { name, ok: true, value: decoded.value } : { name, ok: false, error: decoded.error };
}

/** The CIP reply inside a SendRRData / SendUnitData reply; connected data starts with the sequence count. */
function cipPayload(items: readonly CpfItem[], key: string): Buffer {
  const item = items[1];
  const connected = key.startsWith("c");
  if (!item || item.TypeID !== (connected ? CPF_CONNECTED_DATA : CPF_UNCONNECTED_DATA)) {
    throw new Error(`reply without a ${connected ? "connected" : "unconnected"} data item`);
  }
  return connected ? item.data.subarray(2) : item.data;
}

function isCipError(error: unknown): error is { generalStatusCode: number; extendedStatus: number[] } {
  return (
    typeof error === "object" &&
    error !== null &&
    typeof (error as { generalStatusCode?: unknown }).generalStatusCode === "number"
  );
}
