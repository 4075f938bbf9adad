// A minimal EtherNet/IP target for transport tests: sessions, Forward Open/Close, Read/Write Tag and
// Multiple Service Packet over a small DINT/REAL tag table, with a delivery hook that lets a test
// cut, delay, merge, corrupt or drop each reply. The full Logix emulator lives in plc-bridge/emulator.
import net from "node:net";
import { CIP_REPLY_FLAG, CipClass, CipExtendedStatus, CipService, CipStatus } from "../cip/cip-codes.ts";
import { atomicTypes, readAtomicValue, writeAtomicValue } from "../cip/cip-data-types.ts";
import { PathSegment } from "../cip/cip-epath.ts";
import { encodeMultipleServiceData } from "../cip/multiple-service-data.ts";

const HEADER = 24;
const Command = { RegisterSession: 0x65, UnregisterSession: 0x66, SendRRData: 0x6f, SendUnitData: 0x70 } as const;

export interface ScriptedTag {
  type: "DINT" | "REAL";
  values: number[];
}

/** What a delivery hook knows about the reply it is handed. */
export interface ReplyContext {
  socket: net.Socket;
  /** Tags the request read or wrote, in order (several for a Multiple Service Packet). */
  tagNames: string[];
  /** CIP service of the (unwrapped) request. */
  service: number;
}

export type DeliverReply = (reply: Buffer, context: ReplyContext) => void;

export interface ScriptedEnipServer {
  readonly host: string;
  readonly port: number;
  readonly tags: Map<string, ScriptedTag>;
  /** Replaces how SendRRData/SendUnitData replies go out; default writes each in one piece. */
  deliver: DeliverReply;
  /** Requests carrying CIP data received so far. */
  readonly requestCount: number;
  readonly sockets: ReadonlySet<net.Socket>;
  close(): Promise<void>;
}

const writeReply: DeliverReply = (reply, { socket }) => {
  socket.write(reply);
};

export async function startScriptedEnipServer(tags: Record<string, ScriptedTag> = {}): Promise<ScriptedEnipServer> {
  const table = new Map(Object.entries(tags).map(([name, tag]) => [name.toLowerCase(), tag]));
  const sockets = new Set<net.Socket>();
  let requestCount = 0;
  let nextSession = 0x1000;
  const state = { deliver: writeReply };

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    let pending = Buffer.alloc(0);
    socket.on("data", (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= HEADER && pending.length >= HEADER + pending.readUInt16LE(2)) {
        const message = pending.subarray(0, HEADER + pending.readUInt16LE(2));
        pending = pending.subarray(message.length);
        handle(socket, message);
      }
    });
  });

  function handle(socket: net.Socket, message: Buffer): void {
    const command = message.readUInt16LE(0);
    const body = message.subarray(HEADER);
    if (command === Command.RegisterSession) {
      socket.write(encapsulation(message, nextSession++, body.subarray(0, 4)));
      return;
    }
    if (command === Command.UnregisterSession) {
      socket.end();
      return;
    }
    if (command !== Command.SendRRData && command !== Command.SendUnitData) return;
    requestCount++;
    const items = parseCpf(body.subarray(6));
    const session = message.readUInt32LE(4);
    if (command === Command.SendRRData) {
      const request = unwrapUnconnectedSend(items[1]!.data);
      const { reply, tagNames } = answer(request);
      const cpf = buildCpf([
        [0x0000, Buffer.alloc(0)],
        [0x00b2, reply],
      ]);
      state.deliver(encapsulation(message, session, Buffer.concat([Buffer.alloc(6), cpf])), {
        socket,
        tagNames,
        service: request[0]!,
      });
    } else {
      const data = items[1]!.data;
      const sequence = data.subarray(0, 2);
      const request = data.subarray(2);
      const { reply, tagNames } = answer(request);
      const connectionId = Buffer.alloc(4);
      connectionId.writeUInt32LE(0x7000_0001);
      const cpf = buildCpf([
        [0x00a1, connectionId],
        [0x00b1, Buffer.concat([sequence, reply])],
      ]);
      state.deliver(encapsulation(message, session, Buffer.concat([Buffer.alloc(6), cpf])), {
        socket,
        tagNames,
        service: request[0]!,
      });
    }
  }

  /** Answers one CIP request. */
  function answer(request: Buffer): { reply: Buffer; tagNames: string[] } {
    const service = request[0]!;
    const pathBytes = request[1]! * 2;
    const path = request.subarray(2, 2 + pathBytes);
    const data = request.subarray(2 + pathBytes);
    if (service === CipService.ForwardOpen)
      return { reply: cipReply(service, CipStatus.Success, forwardOpenReply(data)), tagNames: [] };
    if (service === CipService.ForwardClose && isConnectionManagerPath(path)) {
      return { reply: cipReply(service, CipStatus.Success, Buffer.alloc(10)), tagNames: [] };
    }
    if (service === CipService.MultipleServicePacket) {
      const count = data.readUInt16LE(0);
      const replies: Buffer[] = [];
      const tagNames: string[] = [];
      for (let i = 0; i < count; i++) {
        const start = data.readUInt16LE(2 + i * 2);
        const end = i + 1 < count ? data.readUInt16LE(4 + i * 2) : data.length;
        const inner = answer(data.subarray(start, end));
        replies.push(inner.reply);
        tagNames.push(...inner.tagNames);
      }
      const anyFailed = replies.some((reply) => reply[2] !== CipStatus.Success);
      const status = anyFailed ? CipStatus.EmbeddedServiceError : CipStatus.Success;
      return { reply: cipReply(service, status, encodeMultipleServiceData(replies)), tagNames };
    }
    const { name, element } = parseTagPath(path);
    const tag = table.get(name.toLowerCase());
    if (service !== CipService.ReadTag && service !== CipService.WriteTag) {
      return { reply: cipReply(service, CipStatus.ServiceNotSupported), tagNames: [name] };
    }
    if (!tag) return { reply: cipReply(service, CipStatus.PathDestinationUnknown), tagNames: [name] };
    const type = atomicTypes[tag.type];
    if (service === CipService.ReadTag) {
      const count = data.readUInt16LE(0);
      if (element + count > tag.values.length) {
        const extended = [CipExtendedStatus.ElementsBeyondEnd];
        return { reply: cipReply(service, CipStatus.GeneralError, Buffer.alloc(0), extended), tagNames: [name] };
      }
      const values = Buffer.alloc(2 + type.size * count);
      values.writeUInt16LE(type.code);
      for (let i = 0; i < count; i++) writeAtomicValue(type.name, values, 2 + type.size * i, tag.values[element + i]!);
      return { reply: cipReply(service, CipStatus.Success, values), tagNames: [name] };
    }
    const count = data.readUInt16LE(2);
    for (let i = 0; i < count; i++) {
      tag.values[element + i] = Number(readAtomicValue(type.name, data, 4 + type.size * i));
    }
    return { reply: cipReply(service, CipStatus.Success), tagNames: [name] };
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    host: "127.0.0.1",
    port,
    tags: table,
    get deliver() {
      return state.deliver;
    },
    set deliver(deliver: DeliverReply) {
      state.deliver = deliver;
    },
    get requestCount() {
      return requestCount;
    },
    sockets,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A reply header echoing the request's command and sender context. */
function encapsulation(request: Buffer, session: number, body: Buffer): Buffer {
  const header = Buffer.alloc(HEADER);
  header.writeUInt16LE(request.readUInt16LE(0), 0);
  header.writeUInt16LE(body.length, 2);
  header.writeUInt32LE(session, 4);
  request.copy(header, 12, 12, 20);
  return Buffer.concat([header, body]);
}

function parseCpf(buffer: Buffer): { type: number; data: Buffer }[] {
  const items: { type: number; data: Buffer }[] = [];
  let offset = 2;
  for (let i = 0; i < buffer.readUInt16LE(0); i++) {
    const length = buffer.readUInt16LE(offset + 2);
    items.push({ type: buffer.readUInt16LE(offset), data: buffer.subarray(offset + 4, offset + 4 + length) });
    offset += 4 + length;
  }
  return items;
}

function buildCpf(items: [number, Buffer][]): Buffer {
  const parts: Buffer[] = [Buffer.from([items.length, 0])];
  for (const [type, data] of items) {
    const head = Buffer.alloc(4);
    head.writeUInt16LE(type);
    head.writeUInt16LE(data.length, 2);
    parts.push(head, data);
  }
  return Buffer.concat(parts);
}

/** The embedded request of an Unconnected Send (to the connection manager), or the request itself. */
function unwrapUnconnectedSend(request: Buffer): Buffer {
  const pathBytes = request[1]! * 2;
  if (request[0] !== CipService.UnconnectedSend || !isConnectionManagerPath(request.subarray(2))) return request;
  const data = request.subarray(2 + pathBytes);
  const size = data.readUInt16LE(2);
  return data.subarray(4, 4 + size);
}

function forwardOpenReply(data: Buffer): Buffer {
  const reply = Buffer.alloc(26);
  reply.writeUInt32LE(0x5000_0001, 0); // O->T connection id, chosen here
  data.copy(reply, 4, 6, 10); // T->O connection id, the client's
  data.copy(reply, 8, 10, 18); // connection serial, vendor, originator serial
  data.copy(reply, 16, 22, 26); // O->T packet interval
  data.copy(reply, 20, 28, 32); // T->O packet interval
  return reply;
}

/** A path that starts at the connection manager (class 6). */
function isConnectionManagerPath(path: Buffer): boolean {
  return path[0] === PathSegment.Class8 && path[1] === CipClass.ConnectionManager;
}

function cipReply(service: number, status: number, data: Buffer = Buffer.alloc(0), extended: number[] = []): Buffer {
  const header = Buffer.alloc(4 + extended.length * 2);
  header.writeUInt8(service | CIP_REPLY_FLAG, 0);
  header.writeUInt8(status, 2);
  header.writeUInt8(extended.length, 3);
  extended.forEach((word, i) => {
    header.writeUInt16LE(word, 4 + i * 2);
  });
  return Buffer.concat([header, data]);
}

/** "Name", "Program:P.Name" or "Name[3]" from symbolic and 8-bit element segments. */
function parseTagPath(path: Buffer): { name: string; element: number } {
  const names: string[] = [];
  let element = 0;
  let offset = 0;
  while (offset < path.length) {
    if (path[offset] === PathSegment.Symbolic) {
      const length = path[offset + 1]!;
      names.push(path.subarray(offset + 2, offset + 2 + length).toString("latin1"));
      offset += 2 + length + (length % 2);
    } else if (path[offset] === PathSegment.Element8) {
      element = path[offset + 1]!;
      offset += 2;
    } else {
      break;
    }
  }
  return { name: names.join("."), element };
}
