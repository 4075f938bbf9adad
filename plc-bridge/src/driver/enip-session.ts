// One EtherNet/IP session over TCP for drivers that carry their own CIP requests (the SLC/PCCC driver):
// RegisterSession, a class 3 Forward Open when asked and the target grants it (unconnected
// SendRRData otherwise), one request at a time correlated by sender context or sequence count,
// stream reassembly, timeouts, and Forward Close + UnRegisterSession on close.
import net from "node:net";
import { CIP_REPLY_FLAG, CipClass, CipService, CipStatus } from "../cip/cip-codes.ts";
import { encodeLogicalPath } from "../cip/cip-epath.ts";
import { type MessageRouterReply, parseMessageRouterReply } from "./cip-tag-codec.ts";
import { PlcCommsError, type PlcCommsErrorKind } from "./plc-comms-error.ts";

const HEADER_BYTES = 24;
const Command = { RegisterSession: 0x65, UnregisterSession: 0x66, SendRRData: 0x6f, SendUnitData: 0x70 } as const;
const Item = { Null: 0x0000, ConnectedAddress: 0x00a1, ConnectedData: 0x00b1, UnconnectedData: 0x00b2 } as const;
const CONNECTION_MANAGER_PATH = encodeLogicalPath(CipClass.ConnectionManager, 1);
const REFUSED_CODES = new Set([
  "ECONNREFUSED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

export interface EnipSessionOptions {
  host: string;
  port: number;
  /** Each request's timeout, and the TCP connect's. */
  timeoutMs: number;
  /** Ask for a class 3 connection (Forward Open); a target that refuses it is used unconnected. */
  connected: boolean;
  /** Where the connection goes, e.g. the Message Router (20 02 24 01) of an SLC 5/05's own port. */
  connectionPath: Buffer;
  /** Bytes of the connection asked for in the Forward Open (a small-PLC class 3 connection: 500). */
  connectionSize: number;
  /** Originator vendor and serial of the Forward Open. */
  vendorId: number;
  originatorSerial: number;
  /** How long close() waits for the Forward Close reply and the peer's close. */
  closeGraceMs: number;
  /** Prefixes error messages ("SLC 127.0.0.1:44818"). */
  label: string;
}

/** How a session carries requests once open. */
export type EnipMessaging = "connected" | "unconnected";

interface PendingRequest {
  command: number;
  /** Sender context (unconnected) or sequence count (connected) the reply must carry. */
  correlation: number;
  resolve: (payload: Buffer) => void;
  reject: (error: PlcCommsError) => void;
  timer: NodeJS.Timeout;
}

interface Connection {
  otConnectionId: number;
  toConnectionId: number;
  serial: number;
}

let nextConnectionSerial = (Math.random() * 0xffff) | 0;

export class EnipSession {
  private socket: net.Socket | undefined;
  private pending: PendingRequest | undefined;
  private buffered: Buffer = Buffer.alloc(0);
  private sessionHandle = 0;
  private nextContext = 1;
  private sequence = 0;
  private connection: Connection | undefined;
  private closed = false;
  /** A request timed out: a graceful close would only wait out more timeouts. */
  private unresponsive = false;
  private failure: PlcCommsError | undefined;
  /** Why the target refused the Forward Open, when it did. */
  forwardOpenRefusal: string | undefined;

  private constructor(private readonly options: EnipSessionOptions) {}

  /** Connects, registers a session and, when asked, opens a class 3 connection. Rejects with PlcCommsError. */
  static async open(options: EnipSessionOptions): Promise<EnipSession> {
    const session = new EnipSession(options);
    try {
      await session.connectSocket();
      await session.registerSession();
      if (options.connected) await session.forwardOpen();
      return session;
    } catch (error) {
      session.destroy();
      throw error;
    }
  }

  get messaging(): EnipMessaging {
    return this.connection ? "connected" : "unconnected";
  }

  get isOpen(): boolean {
    return !this.closed && this.socket !== undefined && !this.socket.destroyed;
  }

  /** Listeners on the socket, all events together; flat across failures when nothing leaks. */
  socketListenerCount(): number {
    const socket = this.socket;
    if (!socket) return 0;
    return socket.eventNames().reduce((sum, event) => sum + socket.listenerCount(event), 0);
  }

  /**
   * Sends one CIP request (connected when the session has a connection) and resolves with the
   * Message Router reply. The caller sends one at a time. Rejects with PlcCommsError.
   */
  async request(cip: Buffer): Promise<MessageRouterReply> {
    const payload = this.connection ? await this.sendUnitData(this.connection, cip) : await this.sendRRData(cip);
    try {
      return parseMessageRouterReply(payload);
    } catch (error) {
      throw this.protocolError(`unreadable CIP reply: ${(error as Error).message}`, error);
    }
  }

  /** Forward Close and UnRegisterSession when healthy, then the socket goes. Never rejects. */
  async close(): Promise<void> {
    if (this.closed) return;
    const socket = this.socket;
    try {
      if (socket && !socket.destroyed && !this.unresponsive && this.failure === undefined) {
        if (this.connection) {
          const connection = this.connection;
          this.connection = undefined;
          await this.forwardClose(connection).catch(() => undefined);
        }
        if (!socket.destroyed) {
          const gone = new Promise<void>((resolve) => socket.once("close", () => resolve()));
          socket.end(this.frame(Command.UnregisterSession, Buffer.alloc(0), 0));
          await Promise.race([gone, delay(this.options.closeGraceMs)]);
        }
      }
    } finally {
      this.destroy();
    }
  }

  /** Drops the socket at once, without the goodbyes (a stream out of step cannot carry them). */
  abort(): void {
    this.destroy();
  }

  private destroy(): void {
    this.closed = true;
    this.connection = undefined;
    this.failPending(this.commsError("connection closed", "closed"));
    this.socket?.destroy();
  }

  // ---- socket --------------------------------------------------------------------------------------

  private connectSocket(): Promise<void> {
    const { host, port, timeoutMs } = this.options;
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      this.socket = socket;
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        cleanup();
        reject(this.commsError(`TCP connect took longer than ${timeoutMs} ms`, "timeout"));
      }, timeoutMs);
      const onError = (error: NodeJS.ErrnoException) => {
        cleanup();
        const refused = error.code !== undefined && REFUSED_CODES.has(error.code);
        reject(
          this.commsError(
            `${refused ? "connection refused" : "connect failed"} (${error.code ?? error.message})`,
            refused ? "refused" : "closed",
            error,
          ),
        );
      };
      const onConnect = () => {
        cleanup();
        socket.on("data", (chunk: Buffer) => this.onData(chunk));
        socket.on("error", (error: NodeJS.ErrnoException) => {
          this.failure ??= this.commsError(`socket error (${error.code ?? error.message})`, "closed", error);
        });
        socket.on("close", () => {
          this.closed = true;
          this.failPending(this.failure ?? this.commsError("connection closed by the controller", "closed"));
        });
        resolve();
      };
      const cleanup = () => {
        clearTimeout(timer);
        socket.off("error", onError);
        socket.off("connect", onConnect);
      };
      socket.once("error", onError);
      socket.once("connect", onConnect);
    });
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= HEADER_BYTES) {
      const length = HEADER_BYTES + this.buffered.readUInt16LE(2);
      if (this.buffered.length < length) return;
      const frame = this.buffered.subarray(0, length);
      this.buffered = this.buffered.subarray(length);
      this.onFrame(frame);
      if (this.closed) return;
    }
  }

  private onFrame(frame: Buffer): void {
    const command = frame.readUInt16LE(0);
    if (command !== Command.RegisterSession && command !== Command.SendRRData && command !== Command.SendUnitData) {
      this.dropForProtocolError(`unexpected encapsulation command 0x${command.toString(16)}`);
      return;
    }
    const pending = this.pending;
    if (!pending) return; // a late reply to a request given up on
    if (command === Command.SendUnitData) {
      const items = this.items(frame);
      if (!items) return;
      const data = items.find((item) => item.type === Item.ConnectedData);
      if (!data || data.data.length < 2) {
        this.dropForProtocolError("connected reply without a connected data item");
        return;
      }
      if (pending.command !== Command.SendUnitData || data.data.readUInt16LE(0) !== pending.correlation) return;
      this.settle(pending, frame.readUInt32LE(8), data.data.subarray(2));
      return;
    }
    if (frame.readUInt32LE(12) !== pending.correlation || pending.command !== command) return;
    if (command === Command.RegisterSession) {
      this.settle(pending, frame.readUInt32LE(8), frame);
      return;
    }
    const items = this.items(frame);
    if (!items) return;
    const data = items.find((item) => item.type === Item.UnconnectedData);
    if (!data) {
      // An encapsulation error reply carries no items; settle() reports its status
      if (frame.readUInt32LE(8) !== 0) this.settle(pending, frame.readUInt32LE(8), Buffer.alloc(0));
      else this.dropForProtocolError("unconnected reply without an unconnected data item");
      return;
    }
    this.settle(pending, frame.readUInt32LE(8), data.data);
  }

  /** The common packet format items of a SendRRData/SendUnitData reply; undefined after dropping a bad one. */
  private items(frame: Buffer): { type: number; data: Buffer }[] | undefined {
    const body = frame.subarray(HEADER_BYTES);
    if (frame.readUInt32LE(8) !== 0 && body.length < 8) return [];
    if (body.length < 8) {
      this.dropForProtocolError("reply body shorter than its item count");
      return undefined;
    }
    const count = body.readUInt16LE(6);
    const items: { type: number; data: Buffer }[] = [];
    let p = 8;
    for (let i = 0; i < count; i++) {
      if (p + 4 > body.length) {
        this.dropForProtocolError("reply item header runs past the end");
        return undefined;
      }
      const type = body.readUInt16LE(p);
      const length = body.readUInt16LE(p + 2);
      if (p + 4 + length > body.length) {
        this.dropForProtocolError("reply item runs past the end");
        return undefined;
      }
      items.push({ type, data: body.subarray(p + 4, p + 4 + length) });
      p += 4 + length;
    }
    return items;
  }

  private settle(pending: PendingRequest, status: number, payload: Buffer): void {
    this.pending = undefined;
    clearTimeout(pending.timer);
    if (status !== 0) {
      pending.reject(this.protocolError(`encapsulation status 0x${status.toString(16)}`));
      return;
    }
    pending.resolve(payload);
  }

  private failPending(error: PlcCommsError): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    clearTimeout(pending.timer);
    pending.reject(error);
  }

  private dropForProtocolError(message: string, cause?: unknown): void {
    const error = this.commsError(`protocol error: ${message}`, "protocol", cause);
    this.failure ??= error;
    this.failPending(error);
    this.closed = true;
    this.socket?.destroy();
  }

  private protocolError(message: string, cause?: unknown): PlcCommsError {
    this.dropForProtocolError(message, cause);
    return this.failure!;
  }

  // ---- encapsulation -------------------------------------------------------------------------------

  private frame(command: number, body: Buffer, context: number): Buffer {
    const header = Buffer.alloc(HEADER_BYTES);
    header.writeUInt16LE(command, 0);
    header.writeUInt16LE(body.length, 2);
    header.writeUInt32LE(this.sessionHandle, 4);
    header.writeUInt32LE(context, 12);
    return Buffer.concat([header, body]);
  }

  /** Writes one frame and waits for the reply that carries `correlation`. */
  private exchange(command: number, body: Buffer, correlation: number, context: number): Promise<Buffer> {
    const socket = this.socket;
    if (this.closed || !socket || socket.destroyed) {
      return Promise.reject(this.failure ?? this.commsError("not connected", "closed"));
    }
    if (this.pending) return Promise.reject(this.commsError("a request is already outstanding", "protocol"));
    const { timeoutMs } = this.options;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.pending !== request) return;
        this.pending = undefined;
        this.unresponsive = true;
        reject(this.commsError(`no reply within ${timeoutMs} ms`, "timeout"));
      }, timeoutMs);
      const request: PendingRequest = { command, correlation, resolve, reject, timer };
      this.pending = request;
      socket.write(this.frame(command, body, context));
    });
  }

  private async registerSession(): Promise<void> {
    const context = this.takeContext();
    const body = Buffer.from([1, 0, 0, 0]); // protocol version 1, options 0
    const reply = await this.exchange(Command.RegisterSession, body, context, context);
    this.sessionHandle = reply.readUInt32LE(4);
    if (this.sessionHandle === 0) throw this.protocolError("RegisterSession answered session handle 0");
  }

  private sendRRData(cip: Buffer): Promise<Buffer> {
    const context = this.takeContext();
    const body = Buffer.alloc(16 + cip.length);
    body.writeUInt16LE(Math.min(0xffff, Math.ceil(this.options.timeoutMs / 1000)), 4);
    body.writeUInt16LE(2, 6);
    body.writeUInt16LE(Item.Null, 8);
    body.writeUInt16LE(Item.UnconnectedData, 12);
    body.writeUInt16LE(cip.length, 14);
    cip.copy(body, 16);
    return this.exchange(Command.SendRRData, body, context, context);
  }

  private sendUnitData(connection: Connection, cip: Buffer): Promise<Buffer> {
    this.sequence = (this.sequence + 1) & 0xffff;
    const body = Buffer.alloc(22 + cip.length);
    body.writeUInt16LE(2, 6);
    body.writeUInt16LE(Item.ConnectedAddress, 8);
    body.writeUInt16LE(4, 10);
    body.writeUInt32LE(connection.otConnectionId, 12);
    body.writeUInt16LE(Item.ConnectedData, 16);
    body.writeUInt16LE(cip.length + 2, 18);
    body.writeUInt16LE(this.sequence, 20);
    cip.copy(body, 22);
    return this.exchange(Command.SendUnitData, body, this.sequence, this.takeContext());
  }

  private takeContext(): number {
    const context = this.nextContext;
    this.nextContext = (this.nextContext + 1) >>> 0 || 1;
    return context;
  }

  // ---- connection manager --------------------------------------------------------------------------

  private async forwardOpen(): Promise<void> {
    const { connectionPath, connectionSize, vendorId, originatorSerial } = this.options;
    const toConnectionId = (Math.random() * 0xffffffff) >>> 0 || 1;
    nextConnectionSerial = (nextConnectionSerial + 1) & 0xffff;
    const serial = nextConnectionSerial;
    const data = Buffer.alloc(36 + connectionPath.length);
    let p = 0;
    data[p++] = 0x0a; // priority / time tick
    data[p++] = 0x0e; // timeout ticks
    p += 4; // O->T connection id: the target chooses it
    data.writeUInt32LE(toConnectionId, p);
    p += 4;
    data.writeUInt16LE(serial, p);
    data.writeUInt16LE(vendorId, p + 2);
    data.writeUInt32LE(originatorSerial >>> 0, p + 4);
    p += 8;
    data[p] = 3; // timeout multiplier x32
    p += 4;
    // Point-to-point, low priority, variable size
    const parameters = 0x4200 | (connectionSize & 0x1ff);
    data.writeUInt32LE(2_000_000, p); // O->T RPI, us
    data.writeUInt16LE(parameters, p + 4);
    data.writeUInt32LE(2_000_000, p + 6); // T->O RPI
    data.writeUInt16LE(parameters, p + 10);
    p += 12;
    data[p++] = 0xa3; // class 3, application trigger, server
    data[p++] = connectionPath.length / 2;
    connectionPath.copy(data, p);
    const reply = await this.unconnectedCip(CipService.ForwardOpen, CONNECTION_MANAGER_PATH, data);
    if (reply.generalStatus !== CipStatus.Success) {
      // The target has no class 3 connections for us: carry on unconnected, as the contract allows
      const extended = reply.extendedStatus[0];
      this.forwardOpenRefusal = `CIP status 0x${reply.generalStatus.toString(16)}${
        extended === undefined ? "" : `/0x${extended.toString(16)}`
      }`;
      return;
    }
    if (reply.data.length < 8) throw this.protocolError("Forward Open reply shorter than its connection ids");
    this.connection = { otConnectionId: reply.data.readUInt32LE(0), toConnectionId, serial };
  }

  private async forwardClose(connection: Connection): Promise<void> {
    const { connectionPath, vendorId, originatorSerial, closeGraceMs, timeoutMs } = this.options;
    const data = Buffer.alloc(12 + connectionPath.length);
    data[0] = 0x0a;
    data[1] = 0x0e;
    data.writeUInt16LE(connection.serial, 2);
    data.writeUInt16LE(vendorId, 4);
    data.writeUInt32LE(originatorSerial >>> 0, 6);
    data[10] = connectionPath.length / 2;
    connectionPath.copy(data, 12);
    // Settled either way: a reply that never comes is rejected when the socket goes
    const closing = this.unconnectedCip(CipService.ForwardClose, CONNECTION_MANAGER_PATH, data).catch(() => undefined);
    await Promise.race([closing, delay(Math.min(closeGraceMs, timeoutMs))]);
  }

  private async unconnectedCip(service: number, path: Buffer, data: Buffer): Promise<MessageRouterReply> {
    const request = Buffer.concat([Buffer.from([service, path.length / 2]), path, data]);
    const reply = parseMessageRouterReply(await this.sendRRData(request));
    if (reply.service !== (service | CIP_REPLY_FLAG)) {
      throw this.protocolError(
        `reply to service 0x${service.toString(16)} came back as 0x${reply.service.toString(16)}`,
      );
    }
    return reply;
  }

  private commsError(message: string, kind: PlcCommsErrorKind, cause?: unknown): PlcCommsError {
    return new PlcCommsError(`${this.options.label}: ${message}`, kind, cause === undefined ? undefined : { cause });
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
