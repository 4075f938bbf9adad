// The emulated Logix controller's TCP server: accepts EtherNet/IP sessions, answers encapsulation
// commands, hands CIP requests to the router and writes each reply in one socket write (unless a
// test asked for split or malformed replies). startLogixEmulator is the one entry point.
import { createServer, type Server, type Socket } from "node:net";
import type { Logger } from "@ms5/kit";
import { ByteWriter } from "./byte-writer.ts";
import { type CipConnection, CipRouter, type CipSession } from "./cip.ts";
import {
  createEmulatorControl,
  type EmulatorWire,
  type LogixEmulatorControl,
  type ReplyMode,
  type WireStats,
} from "./control-api.ts";
import { ControllerSimulation } from "./controller-simulation.ts";
import {
  type ControllerIdentity,
  type LogixEmulatorDefaults,
  logixEmulatorDefaults,
  type SimulationTunables,
} from "./emulator-defaults.ts";
import {
  beginCpfItem,
  beginReplyFrame,
  EncapsulationFrameReader,
  finishCpfItem,
  finishReplyFrame,
  HeaderOffset,
} from "./encapsulation.ts";
import type { EmulatedEquipment } from "./equipment-simulation.ts";
import { writeIdentityAttributes } from "./identity-attributes.ts";
import {
  CpfItemType,
  ENCAPSULATION_HEADER_LENGTH,
  EncapsulationCommand,
  EncapsulationStatus,
} from "./protocol-constants.ts";
import { TagDatabase } from "./tag-database.ts";

export interface LogixEmulatorOptions {
  /** @default "127.0.0.1" */
  host?: string;
  /** 0 picks a free port. @default 0 */
  port?: number;
  /** @default 1 */
  seed?: number;
  /** 1 = real time; 60 = a simulated minute per second. @default 1 */
  timeScale?: number;
  /** Real ms between simulation ticks. @default 100 */
  tickMs?: number;
  equipment: EmulatedEquipment[];
  identity?: Partial<ControllerIdentity>;
  /** Start with simulated time frozen; tests then move it with control.advance(). @default false */
  startPaused?: boolean;
  /** Overrides of the simulation's rates and time constants. */
  simulation?: Partial<SimulationTunables>;
  /** Overrides of the remaining network tunables (connection sizes, split-reply timing...). */
  tunables?: Partial<
    Pick<
      LogixEmulatorDefaults,
      | "stepMs"
      | "maxStepsPerTick"
      | "unconnectedReplyLimit"
      | "maxConnectionSize"
      | "splitReplyChunks"
      | "splitReplyDelayMs"
      | "pathCacheLimit"
    >
  >;
  /** Connection events at debug, protocol errors at warn; silent when omitted. */
  logger?: Logger;
}

export interface RunningLogixEmulator {
  host: string;
  port: number;
  control: LogixEmulatorControl;
  /** Closes the listener, drops every client and stops the simulation. */
  stop(): Promise<void>;
}

/** Connection size assumed for SendUnitData on a connection id we never opened. */
const DEFAULT_CONNECTION_SIZE = 500;
/** Bytes of the sequence count that precede a connected CIP message. */
const SEQUENCE_COUNT_LENGTH = 2;
/** Filler for malformed replies: not a valid command, status or length anywhere. */
const GARBAGE = Buffer.alloc(7, 0xee);

export async function startLogixEmulator(options: LogixEmulatorOptions): Promise<RunningLogixEmulator> {
  const defaults = logixEmulatorDefaults;
  const settings = { ...defaults, ...options.tunables };
  const identity: ControllerIdentity = { ...defaults.identity, ...options.identity };
  const tags = new TagDatabase();
  const simulation = new ControllerSimulation(tags, {
    seed: options.seed ?? defaults.seed,
    timeScale: options.timeScale ?? defaults.timeScale,
    tickMs: options.tickMs ?? defaults.tickMs,
    stepMs: settings.stepMs,
    maxStepsPerTick: settings.maxStepsPerTick,
    tunables: { ...defaults.simulation, ...options.simulation },
    equipment: options.equipment,
  });
  const router = new CipRouter({
    tags,
    identity,
    maxConnectionSize: settings.maxConnectionSize,
    unconnectedReplyLimit: settings.unconnectedReplyLimit,
    pathCacheLimit: settings.pathCacheLimit,
  });
  const wire = new EmulatorTcpServer(router, identity, settings, options.logger);
  const host = options.host ?? defaults.host;
  const port = await wire.listen(host, options.port ?? defaults.port);
  if (options.startPaused) simulation.pause();
  simulation.start();
  return {
    host,
    port,
    control: createEmulatorControl(simulation, tags, wire),
    stop: async () => {
      simulation.stop();
      await wire.close();
    },
  };
}

export type WireSettings = Pick<LogixEmulatorDefaults, "splitReplyChunks" | "splitReplyDelayMs">;

/** The EtherNet/IP side of an emulated controller, whatever its personality (Logix, SLC 5/05). */
export class EmulatorTcpServer implements EmulatorWire {
  private readonly server: Server;
  private readonly clients = new Set<ClientConnection>();
  private replyMode: ReplyMode = "normal";
  private nextSessionHandle = 0x00010001;
  private listeningPort = 0;
  readonly counters = { connectionsAccepted: 0, requestsReceived: 0, requestsServed: 0 };

  constructor(
    readonly router: CipRouter,
    readonly identity: ControllerIdentity,
    readonly settings: WireSettings,
    readonly logger: Logger | undefined,
  ) {
    this.server = createServer((socket) => this.accept(socket));
  }

  get port(): number {
    return this.listeningPort;
  }

  get mode(): ReplyMode {
    return this.replyMode;
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        const address = this.server.address();
        this.listeningPort = typeof address === "object" && address ? address.port : port;
        resolve(this.listeningPort);
      });
    });
  }

  close(): Promise<void> {
    this.dropConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  newSessionHandle(): number {
    const handle = this.nextSessionHandle;
    this.nextSessionHandle = (this.nextSessionHandle + 1) >>> 0 || 1;
    return handle;
  }

  dropConnections(): void {
    for (const client of this.clients) client.destroy();
  }

  setReplyMode(mode: ReplyMode): void {
    this.replyMode = mode;
    this.router.readsAnswerUnknownTag = mode === "unknown-tag";
  }

  stats(): WireStats {
    return {
      activeConnections: this.clients.size,
      ...this.counters,
      tagsRead: this.router.counters.tagsRead,
      tagsWritten: this.router.counters.tagsWritten,
      replyMode: this.replyMode,
    };
  }

  forget(client: ClientConnection): void {
    this.clients.delete(client);
  }

  private accept(socket: Socket): void {
    this.counters.connectionsAccepted++;
    const client = new ClientConnection(socket, this);
    this.clients.add(client);
    this.logger?.debug({ remote: `${socket.remoteAddress}:${socket.remotePort}` }, "EtherNet/IP client connected");
  }
}

/** One client TCP connection: its session, its Forward Open connections and its reply buffer. */
class ClientConnection {
  private session = 0;
  private readonly cip: CipSession = { connections: new Map<number, CipConnection>() };
  private readonly reader: EncapsulationFrameReader;
  private readonly writer = new ByteWriter();
  private readonly splitQueue: Buffer[] = [];
  private splitTimer: NodeJS.Timeout | null = null;
  // Bounds of the address and data CPF items of the frame being handled (no per-request objects).
  private addressStart = 0;
  private addressEnd = 0;
  private dataType = 0;
  private dataStart = 0;
  private dataEnd = 0;

  constructor(
    private readonly socket: Socket,
    private readonly server: EmulatorTcpServer,
  ) {
    this.reader = new EncapsulationFrameReader((buffer, start, end) => this.onFrame(buffer, start, end));
    socket.setNoDelay(true); // one reply, one segment: the unpatched client reads one chunk as one message
    socket.on("data", (chunk: Buffer) => {
      try {
        this.reader.push(chunk);
      } catch (error) {
        // A request we cannot parse leaves the stream out of step; a real controller drops it too.
        server.logger?.warn({ err: error }, "dropping EtherNet/IP client after an unparseable request");
        this.destroy();
      }
    });
    socket.on("error", () => this.destroy());
    socket.on("close", () => {
      if (this.splitTimer) clearTimeout(this.splitTimer);
      server.forget(this);
      server.logger?.debug("EtherNet/IP client disconnected");
    });
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onFrame(request: Buffer, start: number, end: number): void {
    const server = this.server;
    server.counters.requestsReceived++;
    const command = request.readUInt16LE(start + HeaderOffset.command);
    const bodyStart = start + ENCAPSULATION_HEADER_LENGTH;
    const out = this.writer;
    out.reset();
    switch (command) {
      case EncapsulationCommand.RegisterSession: {
        const version = end - bodyStart >= 2 ? request.readUInt16LE(bodyStart) : 0;
        if (version !== 1) {
          this.replyStatusOnly(request, start, EncapsulationStatus.UnsupportedProtocolVersion);
          return;
        }
        this.session = server.newSessionHandle();
        const frame = beginReplyFrame(out, request, start, this.session);
        out.u16(1); // protocol version
        out.u16(0); // options
        finishReplyFrame(out, frame);
        this.send();
        return;
      }
      case EncapsulationCommand.UnRegisterSession:
        this.session = 0;
        this.socket.end(); // no reply: the session ends with the connection
        return;
      case EncapsulationCommand.SendRRData:
        this.sendRRData(request, start, bodyStart, end);
        return;
      case EncapsulationCommand.SendUnitData:
        this.sendUnitData(request, start, bodyStart, end);
        return;
      case EncapsulationCommand.ListIdentity:
        this.listIdentity(request, start);
        return;
      case EncapsulationCommand.ListServices:
        this.listServices(request, start);
        return;
      case EncapsulationCommand.ListInterfaces: {
        const frame = beginReplyFrame(out, request, start, 0);
        out.u16(0);
        finishReplyFrame(out, frame);
        this.send();
        return;
      }
      case EncapsulationCommand.Nop:
        return; // NOP is never answered
      default:
        this.replyStatusOnly(request, start, EncapsulationStatus.InvalidCommand);
    }
  }

  private sendRRData(request: Buffer, start: number, bodyStart: number, end: number): void {
    if (!this.checkSession(request, start)) return;
    if (!this.locateItems(request, bodyStart, end) || this.dataType !== CpfItemType.UnconnectedData) {
      this.replyStatusOnly(request, start, EncapsulationStatus.IncorrectData);
      return;
    }
    const out = this.writer;
    const router = this.server.router;
    const frame = beginReplyFrame(out, request, start, this.session);
    out.zeros(6); // interface handle, timeout
    out.u16(2);
    out.u16(CpfItemType.NullAddress);
    out.u16(0);
    const itemStart = beginCpfItem(out, CpfItemType.UnconnectedData);
    router.handle(request, this.dataStart, this.dataEnd, out, this.cip, router.unconnectedReplyLimit);
    finishCpfItem(out, itemStart);
    finishReplyFrame(out, frame);
    this.send();
  }

  private sendUnitData(request: Buffer, start: number, bodyStart: number, end: number): void {
    if (!this.checkSession(request, start)) return;
    if (
      !this.locateItems(request, bodyStart, end) ||
      this.dataType !== CpfItemType.ConnectedData ||
      this.addressEnd - this.addressStart < 4 ||
      this.dataEnd - this.dataStart < SEQUENCE_COUNT_LENGTH
    ) {
      this.replyStatusOnly(request, start, EncapsulationStatus.IncorrectData);
      return;
    }
    const connectionId = request.readUInt32LE(this.addressStart);
    const sequence = request.readUInt16LE(this.dataStart);
    const connection = this.cip.connections.get(connectionId);
    // Lenient on unknown ids (a client that reconnected fast): answer on the id it used.
    const replyConnectionId = connection ? connection.toConnectionId : connectionId;
    const limit = (connection ? connection.size : DEFAULT_CONNECTION_SIZE) - SEQUENCE_COUNT_LENGTH;
    const out = this.writer;
    const frame = beginReplyFrame(out, request, start, this.session);
    out.zeros(6);
    out.u16(2);
    out.u16(CpfItemType.ConnectedAddress);
    out.u16(4);
    out.u32(replyConnectionId);
    const itemStart = beginCpfItem(out, CpfItemType.ConnectedData);
    out.u16(sequence);
    this.server.router.handle(request, this.dataStart + SEQUENCE_COUNT_LENGTH, this.dataEnd, out, this.cip, limit);
    finishCpfItem(out, itemStart);
    finishReplyFrame(out, frame);
    this.send();
  }

  private listIdentity(request: Buffer, start: number): void {
    const out = this.writer;
    const frame = beginReplyFrame(out, request, start, 0);
    out.u16(1);
    const itemStart = beginCpfItem(out, CpfItemType.ListIdentity);
    out.u16(1); // encapsulation protocol version
    // Socket address, big-endian as in struct sockaddr_in.
    const port = this.server.port;
    const address = (this.socket.localAddress ?? "0.0.0.0").replace(/^::ffff:/, "").split(".");
    out.u8(0);
    out.u8(2); // AF_INET
    out.u8(port >> 8);
    out.u8(port & 0xff);
    for (let i = 0; i < 4; i++) out.u8(Number(address[i] ?? 0) || 0);
    out.zeros(8);
    writeIdentityAttributes(out, this.server.identity);
    out.u8(3); // state: operational
    finishCpfItem(out, itemStart);
    finishReplyFrame(out, frame);
    this.send();
  }

  private listServices(request: Buffer, start: number): void {
    const out = this.writer;
    const frame = beginReplyFrame(out, request, start, 0);
    out.u16(1);
    out.u16(CpfItemType.ListServices);
    out.u16(20);
    out.u16(1); // version
    out.u16(0x0120); // CIP over TCP, class 0/1 over UDP
    const name = "Communications";
    out.ascii(name);
    out.zeros(16 - name.length);
    finishReplyFrame(out, frame);
    this.send();
  }

  /** Session must be the one RegisterSession gave this connection. */
  private checkSession(request: Buffer, start: number): boolean {
    const session = request.readUInt32LE(start + HeaderOffset.session);
    if (this.session !== 0 && session === this.session) return true;
    this.replyStatusOnly(request, start, EncapsulationStatus.InvalidSessionHandle);
    return false;
  }

  /** Finds the address item (first) and the data item (second) of a SendRRData/SendUnitData body. */
  private locateItems(request: Buffer, bodyStart: number, end: number): boolean {
    if (end - bodyStart < 8) return false;
    const count = request.readUInt16LE(bodyStart + 6);
    if (count < 2) return false;
    let p = bodyStart + 8;
    for (let i = 0; i < count; i++) {
      if (p + 4 > end) return false;
      const type = request.readUInt16LE(p);
      const length = request.readUInt16LE(p + 2);
      p += 4;
      if (p + length > end) return false;
      if (i === 0) {
        this.addressStart = p;
        this.addressEnd = p + length;
      } else if (i === 1) {
        this.dataType = type;
        this.dataStart = p;
        this.dataEnd = p + length;
      }
      p += length;
    }
    return true;
  }

  private replyStatusOnly(request: Buffer, start: number, status: number): void {
    const out = this.writer;
    out.reset();
    const frame = beginReplyFrame(out, request, start, request.readUInt32LE(start + HeaderOffset.session), status);
    finishReplyFrame(out, frame);
    this.send();
  }

  /** Hands the reply in the writer to the socket, shaped by the current reply mode. */
  private send(): void {
    const server = this.server;
    const mode = server.mode;
    if (mode === "silent" || this.socket.destroyed) return;
    server.counters.requestsServed++;
    const reply = this.writer.copyOut();
    if (mode === "split") {
      this.queueSplit(reply);
      return;
    }
    if (mode === "malformed") {
      // Header intact, body cut short, then bytes no parser can place.
      const cut = Math.max(8, reply.length >> 1);
      this.socket.write(Buffer.concat([reply.subarray(0, cut), GARBAGE]));
      return;
    }
    // Chunks of earlier split replies still queued: this reply must not overtake them.
    if (this.splitQueue.length > 0) this.splitQueue.push(reply);
    else this.socket.write(reply);
  }

  private queueSplit(reply: Buffer): void {
    const chunks = Math.max(2, this.server.settings.splitReplyChunks);
    const size = Math.ceil(reply.length / chunks);
    for (let at = 0; at < reply.length; at += size) this.splitQueue.push(reply.subarray(at, at + size));
    if (!this.splitTimer) this.flushSplit();
  }

  private flushSplit(): void {
    this.splitTimer = null;
    const chunk = this.splitQueue.shift();
    if (!chunk || this.socket.destroyed) return;
    this.socket.write(chunk);
    if (this.splitQueue.length > 0) {
      this.splitTimer = setTimeout(() => this.flushSplit(), this.server.settings.splitReplyDelayMs);
    }
  }
}
