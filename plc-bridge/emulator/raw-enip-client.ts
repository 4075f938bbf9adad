// A minimal EtherNet/IP client over a raw socket that reassembles replies and matches them by sender
// context: tests use it to send split, coalesced or hand-built frames and to read LREALs, which
// st-ethernet-ip cannot decode.
import { connect, type Socket } from "node:net";
import { type CipReply, decodeReply, encodeForwardClose, encodeForwardOpen } from "./cip-client-messages.ts";
import {
  decodeFrame,
  type EncapsulationFrame,
  EncapsulationFrameReader,
  encodeFrame,
  encodeRegisterSession,
  encodeSendRRData,
  encodeSendUnitData,
  readCpfItems,
} from "./encapsulation.ts";
import { CpfItemType, EncapsulationCommand } from "./protocol-constants.ts";

interface PendingReply {
  resolve(frame: EncapsulationFrame): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export interface RawConnection {
  otConnectionId: number;
  toConnectionId: number;
  serial: number;
  sequence: number;
}

export class RawEnipClient {
  session = 0;
  connection: RawConnection | null = null;
  /** Chunks received, to check how replies arrived on the wire. */
  chunksReceived = 0;
  /** Settles when the socket closes, whichever side closed it. */
  readonly closed: Promise<void>;
  private readonly pending = new Map<string, PendingReply>();
  private readonly reader = new EncapsulationFrameReader((buffer, start, end) => this.onFrame(buffer, start, end));
  private contextCounter = 0;

  private constructor(
    private readonly socket: Socket,
    private readonly timeoutMs: number,
  ) {
    socket.on("data", (chunk: Buffer) => {
      this.chunksReceived++;
      this.reader.push(chunk);
    });
    this.closed = new Promise((resolve) => socket.once("close", () => resolve()));
    socket.on("close", () => this.failAll(new Error("socket closed")));
    socket.on("error", (error) => this.failAll(error));
  }

  static connect(host: string, port: number, timeoutMs = 3000): Promise<RawEnipClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port }, () => {
        socket.off("error", reject);
        resolve(new RawEnipClient(socket, timeoutMs));
      });
      socket.once("error", reject);
    });
  }

  /** A fresh sender context; replies echo it. */
  nextContext(): Buffer {
    const context = Buffer.from("ctx-0000", "latin1");
    context.writeUInt32LE(++this.contextCounter, 4);
    return context;
  }

  /** Resolves with the reply frame that echoes `context`. */
  awaitReply(context: Buffer): Promise<EncapsulationFrame> {
    const key = context.toString("hex");
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(key);
        reject(new Error(`no reply within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(key, { resolve, reject, timer });
    });
  }

  /** Writes bytes as they are: for split and coalesced request tests. */
  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  async registerSession(): Promise<number> {
    const context = this.nextContext();
    const reply = this.awaitReply(context);
    this.socket.write(encodeRegisterSession(context));
    const frame = await reply;
    if (frame.status !== 0) throw new Error(`RegisterSession failed with status ${frame.status}`);
    this.session = frame.session;
    return this.session;
  }

  async command(command: number, data: Buffer = Buffer.alloc(0)): Promise<EncapsulationFrame> {
    const context = this.nextContext();
    const reply = this.awaitReply(context);
    this.socket.write(encodeFrame(command, this.session, data, context));
    return reply;
  }

  /** Sends an unconnected CIP request (SendRRData) and returns the CIP reply. */
  async sendRRData(cipRequest: Buffer): Promise<CipReply> {
    const context = this.nextContext();
    const reply = this.awaitReply(context);
    this.socket.write(encodeSendRRData(this.session, cipRequest, context));
    return decodeReply(this.dataItem(await reply, CpfItemType.UnconnectedData));
  }

  /** Opens a class 3 connection; later sendUnitData calls use it. */
  async forwardOpen(size = 500, toConnectionId = 0x7000_0001): Promise<CipReply> {
    const serial = 0x4242;
    const reply = await this.sendRRData(encodeForwardOpen({ toConnectionId, serial, size }));
    if (reply.status === 0) {
      this.connection = { otConnectionId: reply.data.readUInt32LE(0), toConnectionId, serial, sequence: 0 };
    }
    return reply;
  }

  async forwardClose(): Promise<CipReply> {
    if (!this.connection) throw new Error("no connection open");
    const reply = await this.sendRRData(encodeForwardClose(this.connection.serial));
    this.connection = null;
    return reply;
  }

  /** Sends a connected CIP request (SendUnitData) and returns the reply with its addressing. */
  async sendUnitData(cipRequest: Buffer): Promise<{ reply: CipReply; connectionId: number; sequence: number }> {
    const connection = this.connection;
    if (!connection) throw new Error("forwardOpen first");
    connection.sequence = (connection.sequence + 1) & 0xffff;
    const context = this.nextContext();
    const pending = this.awaitReply(context);
    this.socket.write(
      encodeSendUnitData(this.session, connection.otConnectionId, connection.sequence, cipRequest, context),
    );
    const frame = await pending;
    const items = readCpfItems(frame.data, 0, frame.data.length);
    const address = items?.find((item) => item.typeId === CpfItemType.ConnectedAddress);
    if (!address) throw new Error("reply has no connected address item");
    const data = this.dataItem(frame, CpfItemType.ConnectedData);
    return {
      reply: decodeReply(data.subarray(2)),
      connectionId: frame.data.readUInt32LE(address.start),
      sequence: data.readUInt16LE(0),
    };
  }

  async listIdentity(): Promise<EncapsulationFrame> {
    return this.command(EncapsulationCommand.ListIdentity);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.once("close", () => resolve());
      this.socket.destroy();
    });
  }

  private dataItem(frame: EncapsulationFrame, typeId: number): Buffer {
    if (frame.status !== 0) throw new Error(`encapsulation status ${frame.status}`);
    const items = readCpfItems(frame.data, 0, frame.data.length);
    const item = items?.find((candidate) => candidate.typeId === typeId);
    if (!item) throw new Error(`reply has no item 0x${typeId.toString(16)}`);
    return frame.data.subarray(item.start, item.end);
  }

  private onFrame(buffer: Buffer, start: number, end: number): void {
    const frame = decodeFrame(buffer, start, end);
    const key = frame.senderContext.toString("hex");
    const waiter = this.pending.get(key);
    if (!waiter) return;
    this.pending.delete(key);
    clearTimeout(waiter.timer);
    waiter.resolve(frame);
  }

  private failAll(error: Error): void {
    for (const [key, waiter] of this.pending) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
      this.pending.delete(key);
    }
  }
}
