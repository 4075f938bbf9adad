// CIP service dispatch for the emulated Logix controller: connection manager (Unconnected Send,
// Forward Open/Close), Identity, Multiple Service Packet, tag browse and the tag read/write services.
// Replies are written straight into the connection's ByteWriter; resolved tag paths are cached.
import { CIP_REPLY_FLAG, CipClass, CipExtendedStatus, CipService, CipStatus } from "../src/cip/cip-codes.ts";
import { STRUCTURE_TYPE_CODE } from "../src/cip/cip-data-types.ts";
import { PathSegment } from "../src/cip/cip-epath.ts";
import type { ByteWriter } from "./byte-writer.ts";
import type { ControllerIdentity } from "./emulator-defaults.ts";
import { IdentityAttribute, writeIdentityAttribute, writeIdentityAttributes } from "./identity-attributes.ts";
import type { LogixTag, TagDatabase } from "./tag-database.ts";

/** A class 3 connection opened by Forward Open on one TCP session. */
export interface CipConnection {
  /** Our id; the client addresses its requests with it. */
  readonly otConnectionId: number;
  /** The client's id; our replies carry it. */
  readonly toConnectionId: number;
  /** Connection size granted, bytes (includes the 2-byte sequence count). */
  readonly size: number;
  readonly serial: number;
  readonly vendorId: number;
  readonly originatorSerial: number;
}

/** Per-TCP-session CIP state. */
export interface CipSession {
  readonly connections: Map<number, CipConnection>;
}

export interface CipCounters {
  tagsRead: number;
  tagsWritten: number;
}

/**
 * Answers a service to another object class (the SLC personality's PCCC object): appends the whole
 * reply, header included, to `out` and returns its general status.
 */
export type CipObjectHandler = (
  request: Buffer,
  service: number,
  instanceId: number,
  dataStart: number,
  end: number,
  out: ByteWriter,
) => number;

export interface CipRouterOptions {
  tags: TagDatabase;
  identity: ControllerIdentity;
  maxConnectionSize: number;
  unconnectedReplyLimit: number;
  pathCacheLimit: number;
  /** Further objects by class id, beside the Logix ones. */
  objects?: ReadonlyMap<number, CipObjectHandler>;
  /** Answer Forward Open with "service not supported", as controllers without class 3 connections do. */
  refuseForwardOpen?: boolean;
}

interface ResolvedTagPath {
  readonly tag: LogixTag;
  /** First element addressed (0 when the path names no element). */
  readonly index: number;
}

/** Symbol-object attributes a tag browse can ask for, and their encoded sizes. */
const BrowseAttribute = { name: 1, type: 2, elementSize: 7, dimensions: 8 } as const;

/** Size of a reply's fixed part: service, reserved, status, extended-status size. */
const REPLY_HEADER = 4;

export class CipRouter {
  readonly counters: CipCounters = { tagsRead: 0, tagsWritten: 0 };
  /** Set by the "unknown-tag" reply mode: every read answers 0x05 as if the tag were gone. */
  readsAnswerUnknownTag = false;

  private readonly pathCache = new Map<string, ResolvedTagPath | number>();
  private nextConnectionId = 0x10000001;
  // Scratch for logical paths, so parsing one does not allocate.
  private classId = -1;
  private instanceId = -1;
  private attributeId = -1;

  constructor(private readonly options: CipRouterOptions) {}

  get unconnectedReplyLimit(): number {
    return this.options.unconnectedReplyLimit;
  }

  /**
   * Answers the CIP request in `request[start, end)` by appending its reply to `out`. `limit` is the
   * largest reply the carrier can take; reads that do not fit answer 0x06 with what does.
   * Returns the reply's general status.
   */
  handle(request: Buffer, start: number, end: number, out: ByteWriter, session: CipSession, limit: number): number {
    if (end - start < 2) return this.fail(out, end > start ? request[start]! : 0, CipStatus.NotEnoughData);
    const service = request[start]!;
    const pathStart = start + 2;
    const pathEnd = pathStart + request[start + 1]! * 2;
    if (pathEnd > end || pathEnd === pathStart) return this.fail(out, service, CipStatus.PathSegmentError);
    const firstSegment = request[pathStart]!;
    if (firstSegment === PathSegment.Symbolic) {
      if (service === CipService.GetInstanceAttributeList) {
        return this.browseProgram(request, pathStart, pathEnd, end, out, limit);
      }
      return this.tagService(request, service, pathStart, pathEnd, end, out, limit);
    }
    if (!this.parseLogicalPath(request, pathStart, pathEnd)) return this.fail(out, service, CipStatus.PathSegmentError);
    return this.objectService(request, service, pathEnd, end, out, session, limit);
  }

  // ---- objects addressed by class/instance -------------------------------------------------------

  private objectService(
    request: Buffer,
    service: number,
    dataStart: number,
    end: number,
    out: ByteWriter,
    session: CipSession,
    limit: number,
  ): number {
    switch (this.classId) {
      case CipClass.MessageRouter:
        if (service === CipService.MultipleServicePacket) {
          return this.multipleServicePacket(request, dataStart, end, out, session, limit);
        }
        return this.fail(out, service, CipStatus.ServiceNotSupported);
      case CipClass.ConnectionManager:
        if (service === CipService.UnconnectedSend) {
          return this.unconnectedSend(request, dataStart, end, out, session);
        }
        if (service === CipService.ForwardOpen || service === CipService.LargeForwardOpen) {
          if (this.options.refuseForwardOpen) return this.fail(out, service, CipStatus.ServiceNotSupported);
          return this.forwardOpen(request, service, dataStart, end, out, session);
        }
        if (service === CipService.ForwardClose) return this.forwardClose(request, dataStart, end, out, session);
        return this.fail(out, service, CipStatus.ServiceNotSupported);
      case CipClass.Identity:
        if (this.instanceId !== 1) return this.fail(out, service, CipStatus.PathDestinationUnknown);
        if (service === CipService.GetAttributeAll) return this.identityAll(out);
        if (service === CipService.GetAttributeSingle) return this.identitySingle(out);
        return this.fail(out, service, CipStatus.ServiceNotSupported);
      case CipClass.Symbol:
        if (service === CipService.GetInstanceAttributeList) {
          return this.browse(request, null, Math.max(0, this.instanceId), dataStart, end, out, limit);
        }
        return this.fail(out, service, CipStatus.ServiceNotSupported);
      default: {
        const handler = this.options.objects?.get(this.classId);
        if (handler) return handler(request, service, this.instanceId, dataStart, end, out);
        return this.fail(out, service, CipStatus.PathDestinationUnknown);
      }
    }
  }

  /** Reads class/instance/attribute segments into the scratch fields; false on anything else. */
  private parseLogicalPath(request: Buffer, start: number, end: number): boolean {
    this.classId = -1;
    this.instanceId = -1;
    this.attributeId = -1;
    let p = start;
    while (p < end) {
      const segment = request[p]!;
      let value: number;
      switch (segment) {
        case PathSegment.Class8:
        case PathSegment.Instance8:
        case PathSegment.Attribute8:
          if (p + 2 > end) return false;
          value = request[p + 1]!;
          p += 2;
          break;
        case PathSegment.Class16:
        case PathSegment.Instance16:
        case PathSegment.Attribute16:
          if (p + 4 > end) return false;
          value = request.readUInt16LE(p + 2); // padded form: segment, pad, value
          p += 4;
          break;
        case PathSegment.Instance32:
          if (p + 6 > end) return false;
          value = request.readUInt32LE(p + 2);
          p += 6;
          break;
        default:
          return false;
      }
      const kind = segment & 0x1c;
      if (kind === 0x00) this.classId = value;
      else if (kind === 0x04) this.instanceId = value;
      else this.attributeId = value;
    }
    return this.classId >= 0;
  }

  // ---- message router ----------------------------------------------------------------------------

  private multipleServicePacket(
    request: Buffer,
    dataStart: number,
    end: number,
    out: ByteWriter,
    session: CipSession,
    limit: number,
  ): number {
    const service = CipService.MultipleServicePacket;
    if (end - dataStart < 2) return this.fail(out, service, CipStatus.NotEnoughData);
    const count = request.readUInt16LE(dataStart);
    const firstBody = dataStart + 2 + count * 2;
    if (firstBody > end) return this.fail(out, service, CipStatus.NotEnoughData);
    const replyStart = out.position;
    this.replyHeader(out, service, CipStatus.Success);
    const countAt = out.position;
    out.u16(count);
    out.zeros(count * 2);
    let anyFailed = false;
    for (let i = 0; i < count; i++) {
      const innerStart = dataStart + request.readUInt16LE(dataStart + 2 + i * 2);
      const innerEnd = i + 1 < count ? dataStart + request.readUInt16LE(dataStart + 4 + i * 2) : end;
      out.setU16(countAt + 2 + i * 2, out.position - countAt);
      let status: number;
      if (innerStart < firstBody || innerEnd > end || innerEnd <= innerStart) {
        status = this.fail(out, innerStart < end ? request[innerStart]! : 0, CipStatus.NotEnoughData);
      } else {
        status = this.handle(request, innerStart, innerEnd, out, session, limit - (out.position - replyStart));
      }
      if (status !== CipStatus.Success) anyFailed = true;
    }
    if (anyFailed) {
      out.setU8(replyStart + 2, CipStatus.EmbeddedServiceError);
      return CipStatus.EmbeddedServiceError;
    }
    return CipStatus.Success;
  }

  // ---- connection manager ------------------------------------------------------------------------

  /** Unwraps the embedded request; a successful Unconnected Send replies with the inner reply itself. */
  private unconnectedSend(request: Buffer, dataStart: number, end: number, out: ByteWriter, session: CipSession) {
    if (end - dataStart < 4) return this.fail(out, CipService.UnconnectedSend, CipStatus.NotEnoughData);
    const innerStart = dataStart + 4;
    const innerEnd = innerStart + request.readUInt16LE(dataStart + 2);
    if (innerEnd > end) return this.fail(out, CipService.UnconnectedSend, CipStatus.NotEnoughData);
    // The route path after the message (port 1, slot n) names the CPU; every slot answers as this one.
    return this.handle(request, innerStart, innerEnd, out, session, this.options.unconnectedReplyLimit);
  }

  private forwardOpen(
    request: Buffer,
    service: number,
    dataStart: number,
    end: number,
    out: ByteWriter,
    session: CipSession,
  ): number {
    const large = service === CipService.LargeForwardOpen;
    const paramsSize = large ? 4 : 2;
    if (end - dataStart < 30 + paramsSize * 2) return this.fail(out, service, CipStatus.NotEnoughData);
    let p = dataStart + 2; // priority/tick time, timeout ticks
    p += 4; // O->T id proposed by the originator; the target chooses its own
    const toConnectionId = request.readUInt32LE(p);
    p += 4;
    const serial = request.readUInt16LE(p);
    const vendorId = request.readUInt16LE(p + 2);
    const originatorSerial = request.readUInt32LE(p + 4);
    p += 8 + 4; // + timeout multiplier and reserved
    const otRpi = request.readUInt32LE(p);
    p += 4 + paramsSize;
    const toRpi = request.readUInt32LE(p);
    p += 4;
    const toParams = large ? request.readUInt32LE(p) : request.readUInt16LE(p);
    const size = large ? toParams & 0xffff : toParams & 0x01ff;
    if (size > this.options.maxConnectionSize || size < 8) {
      return this.fail(out, service, CipStatus.ConnectionFailure, CipExtendedStatus.InvalidConnectionSize);
    }
    const otConnectionId = this.nextConnectionId;
    this.nextConnectionId = (this.nextConnectionId + 1) >>> 0 || 1;
    session.connections.set(otConnectionId, {
      otConnectionId,
      toConnectionId,
      size,
      serial,
      vendorId,
      originatorSerial,
    });
    this.replyHeader(out, service, CipStatus.Success);
    out.u32(otConnectionId);
    out.u32(toConnectionId);
    out.u16(serial);
    out.u16(vendorId);
    out.u32(originatorSerial);
    out.u32(otRpi); // actual packet intervals: granted as asked
    out.u32(toRpi);
    out.u8(0); // application reply size
    out.u8(0);
    return CipStatus.Success;
  }

  private forwardClose(request: Buffer, dataStart: number, end: number, out: ByteWriter, session: CipSession) {
    const service = CipService.ForwardClose;
    if (end - dataStart < 10) return this.fail(out, service, CipStatus.NotEnoughData);
    const serial = request.readUInt16LE(dataStart + 2);
    const vendorId = request.readUInt16LE(dataStart + 4);
    const originatorSerial = request.readUInt32LE(dataStart + 6);
    let closed = false;
    for (const [id, connection] of session.connections) {
      if (
        connection.serial === serial &&
        connection.vendorId === vendorId &&
        connection.originatorSerial === originatorSerial
      ) {
        session.connections.delete(id);
        closed = true;
        break;
      }
    }
    if (!closed) return this.fail(out, service, CipStatus.ConnectionFailure, CipExtendedStatus.ConnectionNotFound);
    this.replyHeader(out, service, CipStatus.Success);
    out.u16(serial);
    out.u16(vendorId);
    out.u32(originatorSerial);
    out.u8(0);
    out.u8(0);
    return CipStatus.Success;
  }

  // ---- identity ----------------------------------------------------------------------------------

  private identityAll(out: ByteWriter): number {
    this.replyHeader(out, CipService.GetAttributeAll, CipStatus.Success);
    writeIdentityAttributes(out, this.options.identity);
    return CipStatus.Success;
  }

  private identitySingle(out: ByteWriter): number {
    const service = CipService.GetAttributeSingle;
    const attribute = this.attributeId;
    if (attribute < IdentityAttribute.VendorId || attribute > IdentityAttribute.ProductName) {
      return this.fail(out, service, CipStatus.AttributeNotSupported);
    }
    this.replyHeader(out, service, CipStatus.Success);
    writeIdentityAttribute(out, this.options.identity, attribute);
    return CipStatus.Success;
  }

  // ---- tag browse --------------------------------------------------------------------------------

  /** Browse of a program scope: path is the symbolic "Program:Name" then Symbol class and instance. */
  private browseProgram(
    request: Buffer,
    pathStart: number,
    pathEnd: number,
    end: number,
    out: ByteWriter,
    limit: number,
  ): number {
    const service = CipService.GetInstanceAttributeList;
    const length = request[pathStart + 1]!;
    const nameEnd = pathStart + 2 + length;
    const logicalStart = nameEnd + (length & 1);
    if (logicalStart >= pathEnd) return this.fail(out, service, CipStatus.PathSegmentError);
    const name = request.toString("latin1", pathStart + 2, nameEnd);
    if (!/^program:/i.test(name)) return this.fail(out, service, CipStatus.PathDestinationUnknown);
    if (!this.parseLogicalPath(request, logicalStart, pathEnd) || this.classId !== CipClass.Symbol) {
      return this.fail(out, service, CipStatus.PathSegmentError);
    }
    return this.browse(request, name.slice("program:".length), Math.max(0, this.instanceId), pathEnd, end, out, limit);
  }

  private browse(
    request: Buffer,
    program: string | null,
    firstInstance: number,
    dataStart: number,
    end: number,
    out: ByteWriter,
    limit: number,
  ): number {
    const service = CipService.GetInstanceAttributeList;
    const entries = this.options.tags.symbolsOf(program);
    if (!entries) return this.fail(out, service, CipStatus.PathDestinationUnknown);
    if (end - dataStart < 2) return this.fail(out, service, CipStatus.NotEnoughData);
    const attributeCount = request.readUInt16LE(dataStart);
    if (end - dataStart < 2 + attributeCount * 2) return this.fail(out, service, CipStatus.NotEnoughData);
    const attributes: number[] = [];
    for (let i = 0; i < attributeCount; i++) {
      const attribute = request.readUInt16LE(dataStart + 2 + i * 2);
      if (
        attribute !== BrowseAttribute.name &&
        attribute !== BrowseAttribute.type &&
        attribute !== BrowseAttribute.elementSize &&
        attribute !== BrowseAttribute.dimensions
      ) {
        return this.fail(out, service, CipStatus.AttributeNotSupported);
      }
      attributes.push(attribute);
    }
    const replyStart = out.position;
    this.replyHeader(out, service, CipStatus.Success);
    for (const entry of entries) {
      if (entry.instanceId < firstInstance) continue;
      let size = 4;
      for (const attribute of attributes) {
        if (attribute === BrowseAttribute.name) size += 2 + entry.symbol.length;
        else if (attribute === BrowseAttribute.dimensions) size += 12;
        else size += 2;
      }
      // Full: say "more follow"; the client asks again from the last instance it got + 1.
      if (out.position - replyStart + size > limit) {
        out.setU8(replyStart + 2, CipStatus.PartialTransfer);
        return CipStatus.PartialTransfer;
      }
      out.u32(entry.instanceId);
      for (const attribute of attributes) {
        if (attribute === BrowseAttribute.name) {
          out.u16(entry.symbol.length);
          out.ascii(entry.symbol);
        } else if (attribute === BrowseAttribute.type) out.u16(entry.typeWord);
        else if (attribute === BrowseAttribute.elementSize) out.u16(entry.elementSize);
        else {
          out.u32(entry.dimension);
          out.u32(0);
          out.u32(0);
        }
      }
    }
    return CipStatus.Success;
  }

  // ---- tag services ------------------------------------------------------------------------------

  private tagService(
    request: Buffer,
    service: number,
    pathStart: number,
    pathEnd: number,
    end: number,
    out: ByteWriter,
    limit: number,
  ): number {
    const isRead = service === CipService.ReadTag || service === CipService.ReadTagFragmented;
    if (
      !isRead &&
      service !== CipService.WriteTag &&
      service !== CipService.WriteTagFragmented &&
      service !== CipService.ReadModifyWriteTag
    ) {
      return this.fail(out, service, CipStatus.ServiceNotSupported);
    }
    if (isRead && this.readsAnswerUnknownTag) return this.fail(out, service, CipStatus.PathDestinationUnknown);
    const resolved = this.resolveTagPath(request, pathStart, pathEnd);
    if (typeof resolved === "number") return this.fail(out, service, resolved);
    switch (service) {
      case CipService.ReadTag:
        return this.readTag(request, resolved, pathEnd, end, out, limit, false);
      case CipService.ReadTagFragmented:
        return this.readTag(request, resolved, pathEnd, end, out, limit, true);
      case CipService.WriteTag:
        return this.writeTag(request, resolved, pathEnd, end, out, false);
      case CipService.WriteTagFragmented:
        return this.writeTag(request, resolved, pathEnd, end, out, true);
      default:
        return this.readModifyWrite(request, resolved, pathEnd, end, out);
    }
  }

  /**
   * Read Tag (count) and Read Tag Fragmented (count, byte offset): the type code, then as many whole
   * elements as the carrier takes; 0x06 says more follow, fetched with Read Tag Fragmented.
   */
  private readTag(
    request: Buffer,
    { tag, index }: ResolvedTagPath,
    dataStart: number,
    end: number,
    out: ByteWriter,
    limit: number,
    fragmented: boolean,
  ): number {
    const service = fragmented ? CipService.ReadTagFragmented : CipService.ReadTag;
    let count: number;
    let offset = 0;
    if (fragmented) {
      if (end - dataStart < 6) return this.fail(out, service, CipStatus.NotEnoughData);
      count = request.readUInt16LE(dataStart);
      offset = request.readUInt32LE(dataStart + 2);
    } else {
      count = end - dataStart >= 2 ? request.readUInt16LE(dataStart) : 1;
      if (count === 0) return this.fail(out, service, CipStatus.InvalidParameter);
    }
    const size = tag.type.size;
    const total = count * size;
    if (count === 0 || index + count > tag.elementCount || offset > total) {
      return this.fail(out, service, CipStatus.GeneralError, CipExtendedStatus.ElementsBeyondEnd);
    }
    const room = limit - REPLY_HEADER - 2;
    const remaining = total - offset;
    const sent = remaining <= room ? remaining : Math.max(0, Math.floor(room / size) * size);
    const status = offset + sent < total ? CipStatus.PartialTransfer : CipStatus.Success;
    this.replyHeader(out, service, status);
    out.u16(tag.type.code);
    const from = index * size + offset;
    out.bytes(tag.data, from, from + sent);
    // A Read Tag counts when answered; a fragmented read counts once, with its last fragment.
    if (!fragmented || status === CipStatus.Success) this.counters.tagsRead++;
    return status;
  }

  /** Write Tag (type, count, data) and Write Tag Fragmented (type, count, byte offset, data). */
  private writeTag(
    request: Buffer,
    { tag, index }: ResolvedTagPath,
    dataStart: number,
    end: number,
    out: ByteWriter,
    fragmented: boolean,
  ): number {
    const service = fragmented ? CipService.WriteTagFragmented : CipService.WriteTag;
    if (end - dataStart < 4) return this.fail(out, service, CipStatus.NotEnoughData);
    const typeCode = request.readUInt16LE(dataStart);
    let p = dataStart + 2;
    if (typeCode === STRUCTURE_TYPE_CODE) p += 2; // structure handle; no structures here, so a mismatch below
    if (end - p < (fragmented ? 6 : 2)) return this.fail(out, service, CipStatus.NotEnoughData);
    const count = request.readUInt16LE(p);
    p += 2;
    let offset = 0;
    if (fragmented) {
      offset = request.readUInt32LE(p);
      p += 4;
    }
    if (typeCode !== tag.type.code) {
      return this.fail(out, service, CipStatus.GeneralError, CipExtendedStatus.DataTypeMismatch);
    }
    const size = tag.type.size;
    const total = count * size;
    if (count === 0 || index + count > tag.elementCount) {
      return this.fail(out, service, CipStatus.GeneralError, CipExtendedStatus.ElementsBeyondEnd);
    }
    const length = fragmented ? end - p : total;
    if (!fragmented && end - p < total) return this.fail(out, service, CipStatus.NotEnoughData);
    if (offset + length > total) return this.fail(out, service, CipStatus.TooMuchData);
    const to = index * size + offset;
    request.copy(tag.data, to, p, p + length);
    if (tag.type.name === "BOOL") {
      for (let i = to; i < to + length; i++) tag.data[i] = tag.data[i] ? 1 : 0;
    }
    this.counters.tagsWritten++;
    this.replyHeader(out, service, CipStatus.Success);
    return CipStatus.Success;
  }

  /** Bit writes: new = (old | OR mask) & AND mask, over the mask's bytes. */
  private readModifyWrite(
    request: Buffer,
    { tag, index }: ResolvedTagPath,
    dataStart: number,
    end: number,
    out: ByteWriter,
  ): number {
    const service = CipService.ReadModifyWriteTag;
    if (end - dataStart < 2) return this.fail(out, service, CipStatus.NotEnoughData);
    const maskSize = request.readUInt16LE(dataStart);
    if (!tag.type.integer) {
      return this.fail(out, service, CipStatus.GeneralError, CipExtendedStatus.DataTypeMismatch);
    }
    if (maskSize < 1 || maskSize > tag.type.size) return this.fail(out, service, CipStatus.InvalidParameter);
    if (end - dataStart < 2 + maskSize * 2) return this.fail(out, service, CipStatus.NotEnoughData);
    const orAt = dataStart + 2;
    const andAt = orAt + maskSize;
    const at = index * tag.type.size;
    for (let b = 0; b < maskSize; b++) {
      tag.data[at + b] = (tag.data[at + b]! | request[orAt + b]!) & request[andAt + b]!;
    }
    this.counters.tagsWritten++;
    this.replyHeader(out, service, CipStatus.Success);
    return CipStatus.Success;
  }

  /** Cached: a poller asks for the same few hundred paths over and over. */
  private resolveTagPath(request: Buffer, pathStart: number, pathEnd: number): ResolvedTagPath | number {
    const key = request.toString("latin1", pathStart, pathEnd);
    const cached = this.pathCache.get(key);
    if (cached !== undefined) return cached;
    const resolved = this.parseTagPath(request, pathStart, pathEnd);
    if (this.pathCache.size >= this.options.pathCacheLimit) this.pathCache.clear();
    this.pathCache.set(key, resolved);
    return resolved;
  }

  private parseTagPath(request: Buffer, start: number, end: number): ResolvedTagPath | number {
    const names: string[] = [];
    let index = 0;
    let indexes = 0;
    let p = start;
    while (p < end) {
      const segment = request[p]!;
      if (segment === PathSegment.Symbolic) {
        if (indexes > 0) return CipStatus.PathDestinationUnknown; // member of an element: no structures
        if (p + 2 > end) return CipStatus.PathSegmentError;
        const length = request[p + 1]!;
        if (p + 2 + length > end) return CipStatus.PathSegmentError;
        names.push(request.toString("latin1", p + 2, p + 2 + length));
        p += 2 + length + (length & 1);
      } else if (segment === PathSegment.Element8) {
        if (p + 2 > end) return CipStatus.PathSegmentError;
        index = request[p + 1]!;
        indexes++;
        p += 2;
      } else if (segment === PathSegment.Element16) {
        if (p + 4 > end) return CipStatus.PathSegmentError;
        index = request.readUInt16LE(p + 2);
        indexes++;
        p += 4;
      } else if (segment === PathSegment.Element32) {
        if (p + 6 > end) return CipStatus.PathSegmentError;
        index = request.readUInt32LE(p + 2);
        indexes++;
        p += 6;
      } else {
        return CipStatus.PathSegmentError;
      }
    }
    if (names.length === 0) return CipStatus.PathSegmentError;
    const scoped = /^program:/i.test(names[0]!);
    const program = scoped ? names[0]!.slice("program:".length) : null;
    const symbolAt = scoped ? 1 : 0;
    // More names would be structure members; every tag here is atomic.
    if (names.length !== symbolAt + 1 || indexes > 1) return CipStatus.PathDestinationUnknown;
    const tag = this.options.tags.findInScope(program, names[symbolAt]!);
    if (!tag) return CipStatus.PathDestinationUnknown;
    if (indexes === 1 && (tag.dimension === 0 || index >= tag.elementCount)) return CipStatus.PathDestinationUnknown;
    return { tag, index };
  }

  // ---- reply framing -----------------------------------------------------------------------------

  private replyHeader(out: ByteWriter, service: number, status: number, extendedStatus?: number): void {
    writeCipReplyHeader(out, service, status, extendedStatus);
  }

  private fail(out: ByteWriter, service: number, status: number, extendedStatus?: number): number {
    this.replyHeader(out, service, status, extendedStatus);
    return status;
  }
}

/** Reply header: service with the reply flag, reserved, status, and the extended status if any. */
export function writeCipReplyHeader(out: ByteWriter, service: number, status: number, extendedStatus?: number): void {
  out.u8(service | CIP_REPLY_FLAG);
  out.u8(0);
  out.u8(status);
  if (extendedStatus === undefined) out.u8(0);
  else {
    out.u8(1);
    out.u16(extendedStatus);
  }
}
