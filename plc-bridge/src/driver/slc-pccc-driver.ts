// The SLC 500 / MicroLogix driver: PCCC typed logical reads and writes (three address fields) carried
// by CIP's Execute PCCC service over an EtherNet/IP session, connected where the controller grants a
// connection. Tags of one data file are merged into as few reads as the controller's size allows; a
// read the controller refuses fails only its own tags.
import { CipStatus } from "../cip/cip-codes.ts";
import { encodeLogicalPath } from "../cip/cip-epath.ts";
import { type CipIdentity, identityRequest, parseIdentity } from "../cip/cip-identity.ts";
import { type PcccAddress, PcccAddressError, parseTypedPcccAddress } from "../pccc/pccc-address.ts";
import { describePcccStatus, PcccStatus } from "../pccc/pccc-codes.ts";
import {
  EXECUTE_PCCC_REPLY,
  maskedWriteRequest,
  type PcccReply,
  type PcccRequestor,
  type PcccTarget,
  parsePcccReply,
  typedReadRequest,
  typedWriteRequest,
} from "../pccc/pccc-messages.ts";
import { describeCipStatus, encodeTagValue, type MessageRouterReply } from "./cip-tag-codec.ts";
import { EnipSession } from "./enip-session.ts";
import { PlcCommsError, PlcTagError } from "./plc-comms-error.ts";
import type { PlcDriver, PlcEndpoint, TagReadResult, TagSpec, TagValue } from "./plc-driver.ts";

export interface SlcPcccDriverOptions {
  /**
   * Data bytes asked for in one typed read. The DF1 manual allows about 225 for an SLC typed read
   * over Ethernet; nodepccc keeps to 200, which SLC 5/05s answer. @default 200
   */
  maxReadBytes: number;
  /** Data bytes sent in one typed write. @default 200 */
  maxWriteBytes: number;
  /**
   * Bytes between two tags of one file that a merged read may carry rather than cost another
   * request (a round trip to an SLC is a few ms; 16 bytes are nothing). @default 16
   */
  maxGapBytes: number;
  /** Requestor ID of every PCCC request and the Forward Open's originator. */
  requestor: PcccRequestor;
  /** How long close() waits for the Forward Close reply and the peer's close. @default 500 */
  closeGraceMs: number;
}

export const slcPcccDriverDefaults: SlcPcccDriverOptions = {
  maxReadBytes: 200,
  maxWriteBytes: 200,
  maxGapBytes: 16,
  // Vendor 0x0001 would claim to be Rockwell; 0 is "unassigned", which controllers accept
  requestor: { vendorId: 0x0000, serialNumber: 0x4d533530 },
  closeGraceMs: 500,
};

/** An SLC 5/05's own Ethernet port: its Message Router, no backplane route. */
const MESSAGE_ROUTER_PATH = encodeLogicalPath(0x02, 1);
const PLAN_CACHE_LIMIT = 10_000;

/** One tag of a readTags call with its parsed address. */
interface PlannedTag {
  index: number;
  spec: TagSpec;
  address: PcccAddress;
  /** Byte range in its file that the tag needs. */
  start: number;
  end: number;
}

/** One typed read: a byte range of one file and the tags it serves. */
interface FileRead {
  fileNumber: number;
  fileType: number;
  elementBytes: number;
  start: number;
  end: number;
  tags: PlannedTag[];
}

export class SlcPcccDriver implements PlcDriver {
  private readonly options: SlcPcccDriverOptions;
  private session: EnipSession | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private transaction = 0;
  private readonly plans = new Map<string, PcccAddress | PcccAddressError>();

  constructor(
    readonly endpoint: PlcEndpoint,
    options: Partial<SlcPcccDriverOptions> = {},
  ) {
    this.options = { ...slcPcccDriverDefaults, ...options };
  }

  get connected(): boolean {
    return this.session?.isOpen === true;
  }

  /** "connected" when the controller granted a class 3 connection, else "unconnected"; undefined while closed. */
  get messaging(): EnipSession["messaging"] | undefined {
    return this.session?.isOpen ? this.session.messaging : undefined;
  }

  async connect(): Promise<void> {
    if (this.connected) return;
    await this.close();
    const { host, port, timeoutMs, connected } = this.endpoint;
    this.session = await EnipSession.open({
      host,
      port,
      timeoutMs,
      connected,
      connectionPath: MESSAGE_ROUTER_PATH,
      connectionSize: 500,
      vendorId: this.options.requestor.vendorId,
      originatorSerial: this.options.requestor.serialNumber,
      closeGraceMs: this.options.closeGraceMs,
      label: `SLC ${host}:${port}`,
    });
  }

  async close(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await session?.close();
  }

  /** The controller's Identity object (vendor, product, revision, serial, name). Rejects with PlcCommsError. */
  readIdentity(): Promise<CipIdentity> {
    return this.exclusive(async () => {
      const session = this.requireSession();
      const reply = await session.request(identityRequest());
      if (reply.generalStatus !== CipStatus.Success) {
        throw new PlcCommsError(
          `identity refused: ${describeCipStatus(reply.generalStatus, reply.extendedStatus)}`,
          "protocol",
        );
      }
      try {
        return parseIdentity(reply.data);
      } catch (error) {
        throw new PlcCommsError(`identity unreadable: ${(error as Error).message}`, "protocol", { cause: error });
      }
    });
  }

  /** Listeners on the session's socket; flat across failures when nothing leaks. */
  socketListenerCount(): number {
    return this.session?.socketListenerCount() ?? 0;
  }

  readTags(tags: readonly TagSpec[]): Promise<TagReadResult[]> {
    return this.exclusive(async () => {
      const session = this.requireSession();
      const results = new Array<TagReadResult>(tags.length);
      const planned: PlannedTag[] = [];
      tags.forEach((spec, index) => {
        const address = this.plan(spec);
        if (address instanceof PcccAddressError) {
          results[index] = { name: spec.name, ok: false, error: address.message };
          return;
        }
        const { start, end } = byteRange(address);
        planned.push({ index, spec, address, start, end });
      });
      for (const read of this.mergeReads(planned)) {
        await this.performRead(session, read, results);
      }
      return results;
    });
  }

  async writeTag(tag: TagSpec, value: TagValue): Promise<void> {
    let address: PcccAddress;
    try {
      address = parseTypedPcccAddress(tag.name, tag.type, tag.length ?? 1);
    } catch (error) {
      throw new PlcTagError((error as Error).message, tag.name);
    }
    if (address.bit !== undefined) {
      const data = encodeTagValue({ ...tag, type: "BOOL" }, value);
      if (address.bit > 15) {
        // The masked write takes a 16-bit mask: bits of a long's upper word cannot be written alone
        throw new PlcTagError(`${tag.name}: bits above 15 of a long are written with the whole DINT`, tag.name);
      }
      const mask = 1 << address.bit;
      await this.exclusive(async () => {
        const session = this.requireSession();
        const tns = this.nextTransaction();
        const target = targetOf(address, address.element, address.subElement);
        const request = maskedWriteRequest(this.options.requestor, tns, target, mask, data[0] ? mask : 0);
        this.checkWrite(tag, await this.pccc(session, request, tns));
      });
      return;
    }
    const data = encodeTagValue(tag, value);
    const { elementBytes } = address;
    // Timer/counter words are written one word at a time from their sub-element
    const chunkBytes = Math.max(
      address.valueBytes,
      Math.floor(this.options.maxWriteBytes / address.valueBytes) * address.valueBytes,
    );
    await this.exclusive(async () => {
      const session = this.requireSession();
      for (let offset = 0; offset < data.length; offset += chunkBytes) {
        const tns = this.nextTransaction();
        const target = targetOf(address, address.element + offset / elementBytes, address.subElement);
        const request = typedWriteRequest(
          this.options.requestor,
          tns,
          target,
          data.subarray(offset, offset + chunkBytes),
        );
        this.checkWrite(tag, await this.pccc(session, request, tns));
      }
    });
  }

  private plan(spec: TagSpec): PcccAddress | PcccAddressError {
    const key = `${spec.name}\u0000${spec.type}\u0000${spec.length ?? 1}`;
    let plan = this.plans.get(key);
    if (plan === undefined) {
      try {
        plan = parseTypedPcccAddress(spec.name, spec.type, spec.length ?? 1);
      } catch (error) {
        if (!(error instanceof PcccAddressError)) throw error;
        plan = error;
      }
      // Bounded: a caller inventing names cannot grow it without limit
      if (this.plans.size >= PLAN_CACHE_LIMIT) this.plans.clear();
      this.plans.set(key, plan);
    }
    return plan;
  }

  /**
   * Groups tags by file and merges byte ranges that lie within maxGapBytes of each other while the
   * read stays within maxReadBytes. A tag larger than one read gets reads of its own.
   */
  private mergeReads(tags: readonly PlannedTag[]): FileRead[] {
    const { maxReadBytes, maxGapBytes } = this.options;
    const byFile = new Map<string, PlannedTag[]>();
    for (const tag of tags) {
      const key = `${tag.address.fileType}:${tag.address.fileNumber}`;
      const list = byFile.get(key);
      if (list) list.push(tag);
      else byFile.set(key, [tag]);
    }
    const reads: FileRead[] = [];
    for (const fileTags of byFile.values()) {
      fileTags.sort((a, b) => a.start - b.start || a.end - b.end);
      let current: FileRead | undefined;
      for (const tag of fileTags) {
        const { fileNumber, fileType, elementBytes } = tag.address;
        if (
          current &&
          tag.start <= current.end + maxGapBytes &&
          Math.max(current.end, tag.end) - current.start <= maxReadBytes
        ) {
          current.end = Math.max(current.end, tag.end);
          current.tags.push(tag);
          continue;
        }
        current = { fileNumber, fileType, elementBytes, start: tag.start, end: tag.end, tags: [tag] };
        reads.push(current);
      }
    }
    return reads;
  }

  private async performRead(session: EnipSession, read: FileRead, results: TagReadResult[]): Promise<void> {
    const outcome = await this.readRange(session, read);
    if ("error" in outcome) {
      if (read.tags.length > 1) {
        // One bad tag (an element past the file's end) must not fail its neighbours: each alone
        for (const tag of read.tags) {
          await this.performRead(session, { ...read, start: tag.start, end: tag.end, tags: [tag] }, results);
        }
        return;
      }
      const tag = read.tags[0]!;
      results[tag.index] = {
        name: tag.spec.name,
        ok: false,
        error: `${tag.spec.name}: ${outcome.error}`,
        code: outcome.code,
      };
      return;
    }
    for (const tag of read.tags) {
      results[tag.index] = {
        name: tag.spec.name,
        ok: true,
        value: decodeValue(tag, outcome.subarray(tag.start - read.start, tag.end - read.start)),
      };
    }
  }

  /** The bytes [start, end) of a file, in as many reads as maxReadBytes needs; or why the controller refused. */
  private async readRange(session: EnipSession, read: FileRead): Promise<Buffer | { error: string; code: number }> {
    const { elementBytes } = read;
    const chunkBytes = Math.max(elementBytes, Math.floor(this.options.maxReadBytes / elementBytes) * elementBytes);
    const parts: Buffer[] = [];
    for (let offset = read.start; offset < read.end; offset += chunkBytes) {
      const byteCount = Math.min(chunkBytes, read.end - offset);
      const tns = this.nextTransaction();
      const target: PcccTarget = {
        fileNumber: read.fileNumber,
        fileType: read.fileType,
        element: offset / elementBytes,
        subElement: 0,
      };
      const reply = await this.pccc(session, typedReadRequest(this.options.requestor, tns, target, byteCount), tns);
      if ("cipStatus" in reply) return { error: reply.reason, code: reply.cipStatus };
      if (reply.status !== PcccStatus.Success) {
        return { error: describePcccStatus(reply.status, reply.extendedStatus), code: reply.status };
      }
      if (reply.data.length !== byteCount) {
        return { error: `controller returned ${reply.data.length} of ${byteCount} bytes`, code: reply.status };
      }
      parts.push(reply.data);
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  /**
   * Sends one Execute PCCC request. A CIP-level refusal (no PCCC object) is returned as such; a
   * reply that is not the PCCC answer to this transaction drops the connection.
   */
  private async pccc(
    session: EnipSession,
    request: Buffer,
    tns: number,
  ): Promise<PcccReply | { cipStatus: number; reason: string }> {
    const reply: MessageRouterReply = await session.request(request);
    if (reply.service !== EXECUTE_PCCC_REPLY) {
      this.dropSession(session);
      throw new PlcCommsError(
        `protocol error: reply to Execute PCCC came back as service 0x${reply.service.toString(16)}`,
        "protocol",
      );
    }
    if (reply.generalStatus !== CipStatus.Success) {
      return { cipStatus: reply.generalStatus, reason: describeCipStatus(reply.generalStatus, reply.extendedStatus) };
    }
    try {
      return parsePcccReply(reply.data, tns);
    } catch (error) {
      this.dropSession(session);
      throw new PlcCommsError(`protocol error: ${(error as Error).message}`, "protocol", { cause: error });
    }
  }

  private checkWrite(tag: TagSpec, reply: PcccReply | { cipStatus: number; reason: string }): void {
    if ("cipStatus" in reply) {
      throw new PlcTagError(`${tag.name}: controller refused the write: ${reply.reason}`, tag.name, reply.cipStatus);
    }
    if (reply.status === PcccStatus.Success) return;
    throw new PlcTagError(
      `${tag.name}: controller refused the write: ${describePcccStatus(reply.status, reply.extendedStatus)}`,
      tag.name,
      reply.status,
    );
  }

  private dropSession(session: EnipSession): void {
    if (this.session === session) this.session = undefined;
    // Out of step: no Forward Close over a stream we cannot read
    session.abort();
  }

  private nextTransaction(): number {
    this.transaction = (this.transaction + 1) & 0xffff;
    return this.transaction;
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private requireSession(): EnipSession {
    const session = this.session;
    if (!session?.isOpen) {
      const { host, port } = this.endpoint;
      throw new PlcCommsError(`SLC ${host}:${port}: not connected`, "closed");
    }
    return session;
  }
}

/** The bytes of its file a tag needs: whole elements (timers and counters whole, 6 bytes each). */
function byteRange(address: PcccAddress): { start: number; end: number } {
  const start = address.element * address.elementBytes;
  return { start, end: start + address.elementCount * address.elementBytes };
}

function targetOf(address: PcccAddress, element: number, subElement: number): PcccTarget {
  return { fileNumber: address.fileNumber, fileType: address.fileType, element, subElement };
}

/** A tag's value from the bytes of its elements. */
function decodeValue(tag: PlannedTag, bytes: Buffer): TagValue {
  const { address, spec } = tag;
  const at = address.subElement * 2;
  if (address.bit !== undefined) {
    const word = address.valueBytes === 4 ? bytes.readUInt32LE(at) : bytes.readUInt16LE(at);
    return ((word >>> address.bit) & 1) === 1;
  }
  const read = (offset: number): number => {
    switch (address.valueType) {
      case "REAL":
        return bytes.readFloatLE(offset);
      case "DINT":
        return bytes.readInt32LE(offset);
      default:
        return bytes.readInt16LE(offset);
    }
  };
  if (spec.length === undefined || spec.length === 1) return read(at);
  const values: number[] = new Array(address.elementCount);
  for (let i = 0; i < address.elementCount; i++) values[i] = read(i * address.elementBytes);
  return values;
}
