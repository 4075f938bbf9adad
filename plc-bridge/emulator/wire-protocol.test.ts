// The emulator byte by byte, through a raw socket and an encoder written apart from the server:
// stream reassembly, encapsulation rules, connected messaging and every CIP status it can answer.
import { connect } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CipExtendedStatus, CipService, CipStatus } from "../src/cip/cip-codes.ts";
import { CipTypeCode } from "../src/cip/cip-data-types.ts";
import {
  decodeMultipleServiceReply,
  decodeTagBrowse,
  encodeGetAttributeAll,
  encodeMultipleServicePacket,
  encodeReadTag,
  encodeReadTagFragmented,
  encodeRequest,
  encodeTagBrowse,
  encodeTagPath,
  encodeUnconnectedSend,
  encodeWriteTag,
} from "./cip-client-messages.ts";
import { testPlant } from "./emulator-test-fixtures.ts";
import { encodeFrame, encodeRegisterSession, encodeSendRRData } from "./encapsulation.ts";
import { type RunningLogixEmulator, startLogixEmulator } from "./logix-emulator.ts";
import { EncapsulationCommand, EncapsulationStatus } from "./protocol-constants.ts";
import { RawEnipClient } from "./raw-enip-client.ts";

let emulator: RunningLogixEmulator;
const clients: RawEnipClient[] = [];

beforeAll(async () => {
  emulator = await startLogixEmulator({ equipment: testPlant, seed: 3, startPaused: true });
});

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
});

afterAll(async () => {
  await emulator.stop();
});

async function session(): Promise<RawEnipClient> {
  const client = await RawEnipClient.connect(emulator.host, emulator.port);
  clients.push(client);
  await client.registerSession();
  return client;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("encapsulation over a TCP stream", () => {
  it("a request split across three TCP chunks is answered once it is whole", async () => {
    emulator.control.setTag("Program:Bagger1.GoodCount", 31337);
    const client = await session();
    const context = client.nextContext();
    const frame = encodeSendRRData(client.session, encodeReadTag("Program:Bagger1.GoodCount"), context);
    const reply = client.awaitReply(context);
    client.writeRaw(frame.subarray(0, 5)); // not even a whole header
    await delay(20);
    client.writeRaw(frame.subarray(5, 30));
    await delay(20);
    client.writeRaw(frame.subarray(30));
    const answer = await reply;
    expect(answer.status).toBe(0);
    expect(answer.senderContext).toEqual(context);
    // Reply body: handle, timeout, 2 items, null item, data item with 0xCC 00 00 00 C4 00 + DINT.
    const cip = answer.data.subarray(16);
    expect([...cip.subarray(0, 6)]).toEqual([0xcc, 0, 0, 0, 0xc4, 0]);
    expect(cip.readInt32LE(6)).toBe(31337);
  });

  it("two requests coalesced in one chunk get two replies, each with its own sender context", async () => {
    emulator.control.setTag("Line_Heartbeat", 11);
    emulator.control.setTag("Program:Filler1.Diag_INT", 22);
    const client = await session();
    const first = client.nextContext();
    const second = client.nextContext();
    const replies = Promise.all([client.awaitReply(first), client.awaitReply(second)]);
    client.writeRaw(
      Buffer.concat([
        encodeSendRRData(client.session, encodeReadTag("Line_Heartbeat"), first),
        encodeSendRRData(client.session, encodeReadTag("Program:Filler1.Diag_INT"), second),
      ]),
    );
    const [a, b] = await replies;
    expect(a.data.readInt32LE(16 + 6)).toBe(11);
    expect(b.data.readInt16LE(16 + 6)).toBe(22);
  });

  it("RegisterSession sent one byte at a time still registers a session", async () => {
    const client = await RawEnipClient.connect(emulator.host, emulator.port);
    clients.push(client);
    const context = client.nextContext();
    const reply = client.awaitReply(context);
    for (const byte of encodeRegisterSession(context)) {
      client.writeRaw(Buffer.from([byte]));
      await delay(1);
    }
    const answer = await reply;
    expect(answer.status).toBe(0);
    expect(answer.session).not.toBe(0);
    expect([...answer.data]).toEqual([1, 0, 0, 0]);
  });

  it("each reply leaves in one socket write, so a client that reads one chunk per message works", async () => {
    const client = await session();
    const before = client.chunksReceived;
    for (let i = 0; i < 20; i++) await client.sendRRData(encodeReadTag("Line_SpeedHistory", 100));
    expect(client.chunksReceived - before).toBe(20);
  });

  it("a session handle that was never registered gets encapsulation status 0x64", async () => {
    const client = await session();
    const context = client.nextContext();
    const reply = client.awaitReply(context);
    client.writeRaw(encodeSendRRData(client.session + 1, encodeReadTag("Line_Heartbeat"), context));
    expect((await reply).status).toBe(EncapsulationStatus.InvalidSessionHandle);
  });

  it("an unknown encapsulation command gets status 0x01 and the stream stays usable", async () => {
    const client = await session();
    const reply = await client.command(0x00ff);
    expect(reply.status).toBe(EncapsulationStatus.InvalidCommand);
    expect((await client.sendRRData(encodeReadTag("Line_Heartbeat"))).status).toBe(0);
  });

  it("ListIdentity names the controller, its revision, Run status and listening port", async () => {
    const client = await RawEnipClient.connect(emulator.host, emulator.port);
    clients.push(client);
    const reply = await client.listIdentity();
    expect(reply.data.readUInt16LE(0)).toBe(1); // one item
    expect(reply.data.readUInt16LE(2)).toBe(0x0c);
    const item = reply.data.subarray(6);
    expect(item.readUInt16BE(4)).toBe(emulator.port);
    expect(item.readUInt16LE(18)).toBe(1); // vendor: Rockwell
    expect([item[24], item[25]]).toEqual([33, 11]);
    expect(item.readUInt16LE(26)).toBe(0x0060);
    const nameLength = item[32]!;
    expect(item.toString("latin1", 33, 33 + nameLength)).toBe("1769-L33ER/A LOGIX5333ER");
  });

  it("UnRegisterSession closes the connection without a reply", async () => {
    const client = await session();
    client.writeRaw(encodeFrame(EncapsulationCommand.UnRegisterSession, client.session, Buffer.alloc(0)));
    await client.closed;
  });
});

describe("CIP objects", () => {
  it("Get Attribute All on Identity (class 1, instance 1) returns attributes 1-7", async () => {
    const client = await session();
    const reply = await client.sendRRData(encodeUnconnectedSend(encodeGetAttributeAll(1, 1)));
    expect(reply.service).toBe(CipService.GetAttributeAll);
    expect(reply.status).toBe(0);
    expect(reply.data.readUInt16LE(0)).toBe(1);
    expect(reply.data.readUInt16LE(2)).toBe(0x0e);
    expect(reply.data.readUInt16LE(8)).toBe(0x0060);
    expect(reply.data.toString("latin1", 15, 15 + reply.data[14]!)).toBe("1769-L33ER/A LOGIX5333ER");
  });

  it("connected requests answer with the client's T->O connection id and the same sequence number", async () => {
    const client = await session();
    const open = await client.forwardOpen(500, 0x1234_5678);
    expect(open.status).toBe(0);
    expect(open.data.readUInt32LE(4)).toBe(0x1234_5678);
    for (let i = 0; i < 3; i++) {
      const { reply, connectionId, sequence } = await client.sendUnitData(encodeReadTag("Line_Heartbeat"));
      expect(reply.status).toBe(0);
      expect(connectionId).toBe(0x1234_5678);
      expect(sequence).toBe(client.connection!.sequence);
    }
    expect((await client.forwardClose()).status).toBe(0);
  });

  it("Forward Close of a connection that does not exist answers 0x01 / 0x0107", async () => {
    const client = await session();
    await client.forwardOpen();
    await client.forwardClose();
    client.connection = { otConnectionId: 1, toConnectionId: 2, serial: 0x4242, sequence: 0 };
    const reply = await client.forwardClose();
    expect(reply.status).toBe(CipStatus.ConnectionFailure);
    expect(reply.extendedStatus).toEqual([CipExtendedStatus.ConnectionNotFound]);
  });

  it("a Large Forward Open of 4000 bytes lets a 240-REAL read come back whole", async () => {
    const client = await session();
    expect((await client.forwardOpen(4000)).status).toBe(0);
    const { reply } = await client.sendUnitData(encodeReadTag("Line_SpeedHistory", 240));
    expect(reply.status).toBe(0);
    expect(reply.data.length).toBe(2 + 240 * 4);
  });

  it("a read larger than the connection answers 0x06 with what fits, and Read Tag Fragmented finishes it", async () => {
    const history = Array.from({ length: 240 }, (_, i) => i + 0.5);
    emulator.control.setTag("Line_SpeedHistory", history);
    const client = await session();
    await client.forwardOpen(500);
    const first = (await client.sendUnitData(encodeReadTag("Line_SpeedHistory", 240))).reply;
    expect(first.status).toBe(CipStatus.PartialTransfer);
    expect(first.data.readUInt16LE(0)).toBe(CipTypeCode.REAL);
    const chunks = [first.data.subarray(2)];
    let offset = first.data.length - 2;
    for (;;) {
      const { reply } = await client.sendUnitData(encodeReadTagFragmented("Line_SpeedHistory", 240, offset));
      chunks.push(reply.data.subarray(2));
      offset += reply.data.length - 2;
      if (reply.status === 0) break;
      expect(reply.status).toBe(CipStatus.PartialTransfer);
    }
    const bytes = Buffer.concat(chunks);
    expect(Array.from({ length: 240 }, (_, i) => bytes.readFloatLE(i * 4))).toEqual(history);
  });

  it("reads an LREAL with type 0xCB and its 8 bytes", async () => {
    emulator.control.setTag("Program:Bagger1.Diag_LREAL", Math.PI);
    const client = await session();
    const reply = await client.sendRRData(encodeReadTag("Program:Bagger1.Diag_LREAL"));
    expect(reply.data.readUInt16LE(0)).toBe(CipTypeCode.LREAL);
    expect(reply.data.readDoubleLE(2)).toBe(Math.PI);
  });

  it("reads one element and a slice of an array through element segments", async () => {
    emulator.control.setTag("Line_SpeedHistory[7]", 70.5);
    emulator.control.setTag("Line_SpeedHistory[8]", 80.5);
    const client = await session();
    const reply = await client.sendRRData(encodeReadTag("Line_SpeedHistory[7]", 2));
    expect([reply.data.readFloatLE(2), reply.data.readFloatLE(6)]).toEqual([70.5, 80.5]);
  });

  it("8-, 16- and 32-bit element segments address the same element", async () => {
    emulator.control.setTag("Line_SpeedHistory[9]", 99.25);
    const client = await session();
    const name = encodeTagPath("Line_SpeedHistory");
    const count = Buffer.from([1, 0]);
    for (const element of [
      [0x28, 9],
      [0x29, 0, 9, 0],
      [0x2a, 0, 9, 0, 0, 0],
    ]) {
      const request = encodeRequest(CipService.ReadTag, Buffer.concat([name, Buffer.from(element)]), count);
      const reply = await client.sendRRData(request);
      expect(reply.data.readFloatLE(2)).toBe(99.25);
    }
  });

  it("names are matched without regard to case, program prefix included", async () => {
    emulator.control.setTag("Program:Filler1.RejectCount", 5150);
    const client = await session();
    const reply = await client.sendRRData(encodeReadTag("PROGRAM:filler1.rejectCOUNT"));
    expect(reply.data.readInt32LE(2)).toBe(5150);
  });

  it("writes a DINT, reads it back, and refuses a REAL written to it with 0xFF / 0x2107", async () => {
    const client = await session();
    const value = Buffer.alloc(4);
    value.writeInt32LE(-42);
    expect((await client.sendRRData(encodeWriteTag("GoodCount", CipTypeCode.DINT, 1, value))).status).toBe(0);
    expect(emulator.control.getTag("GoodCount")).toBe(-42);
    const wrong = await client.sendRRData(encodeWriteTag("GoodCount", CipTypeCode.REAL, 1, value));
    expect(wrong.status).toBe(CipStatus.GeneralError);
    expect(wrong.extendedStatus).toEqual([CipExtendedStatus.DataTypeMismatch]);
  });

  it("Write Tag Fragmented fills an array in pieces at byte offsets", async () => {
    const client = await session();
    const values = Array.from({ length: 240 }, (_, i) => 1000 - i);
    const bytes = Buffer.alloc(240 * 4);
    for (const [i, v] of values.entries()) bytes.writeFloatLE(v, i * 4);
    for (let offset = 0; offset < bytes.length; offset += 400) {
      const piece = bytes.subarray(offset, offset + 400);
      const header = Buffer.alloc(8);
      header.writeUInt16LE(CipTypeCode.REAL, 0);
      header.writeUInt16LE(240, 2);
      header.writeUInt32LE(offset, 4);
      const request = encodeRequest(
        CipService.WriteTagFragmented,
        encodeTagPath("Line_SpeedHistory"),
        Buffer.concat([header, piece]),
      );
      expect((await client.sendRRData(request)).status).toBe(0);
    }
    expect(emulator.control.getTag("Line_SpeedHistory")).toEqual(values);
  });

  it("Read-Modify-Write applies the OR mask then the AND mask", async () => {
    emulator.control.setTag("Program:Bagger1.Diag_INT", 0b0000_1111);
    const client = await session();
    const masks = Buffer.from([2, 0, 0b0011_0000, 0x00, 0b1111_1110, 0xff]); // size 2: set bits 4,5; clear bit 0
    const request = encodeRequest(CipService.ReadModifyWriteTag, encodeTagPath("Program:Bagger1.Diag_INT"), masks);
    expect((await client.sendRRData(request)).status).toBe(0);
    expect(emulator.control.getTag("Program:Bagger1.Diag_INT")).toBe(0b0011_1110);
  });

  it("a Multiple Service Packet with one unknown tag answers 0x1E outside and 0x05 for that tag only", async () => {
    const client = await session();
    const reply = await client.sendRRData(
      encodeMultipleServicePacket([
        encodeReadTag("Line_Heartbeat"),
        encodeReadTag("Program:Bagger1.NoSuchTag"),
        encodeReadTag("Program:Bagger1.Running"),
      ]),
    );
    expect(reply.status).toBe(CipStatus.EmbeddedServiceError);
    expect(decodeMultipleServiceReply(reply.data).map((inner) => inner.status)).toEqual([
      0,
      CipStatus.PathDestinationUnknown,
      0,
    ]);
  });

  it("a Multiple Service Packet of 100 reads on a 4000-byte connection answers every one", async () => {
    const client = await session();
    await client.forwardOpen(4000);
    const names = Array.from({ length: 100 }, (_, i) => `Line_SpeedHistory[${i}]`);
    const { reply } = await client.sendUnitData(encodeMultipleServicePacket(names.map((n) => encodeReadTag(n))));
    expect(reply.status).toBe(0);
    const inner = decodeMultipleServiceReply(reply.data);
    expect(inner).toHaveLength(100);
    expect(inner.every((r) => r.status === 0 && r.data.readUInt16LE(0) === CipTypeCode.REAL)).toBe(true);
  });

  it.each([
    ["an unknown tag", encodeReadTag("NoSuchTag"), CipStatus.PathDestinationUnknown, []],
    ["an index past the end", encodeReadTag("Program:Bagger1.Faults[2]"), CipStatus.PathDestinationUnknown, []],
    ["an index on a scalar", encodeReadTag("Line_Heartbeat[0]"), CipStatus.PathDestinationUnknown, []],
    [
      "more elements than the array has",
      encodeReadTag("Program:Bagger1.Faults", 3),
      CipStatus.GeneralError,
      [CipExtendedStatus.ElementsBeyondEnd],
    ],
    [
      "a garbage path segment",
      encodeRequest(CipService.ReadTag, Buffer.from([0x77, 0x00])),
      CipStatus.PathSegmentError,
      [],
    ],
    [
      "an unsupported service on a tag",
      encodeRequest(0x33, encodeTagPath("Line_Heartbeat")),
      CipStatus.ServiceNotSupported,
      [],
    ],
    ["an unsupported service on Identity", encodeRequest(0x10, Buffer.from([0x20, 0x01, 0x24, 0x01])), 0x08, []],
    ["an object class that does not exist", encodeGetAttributeAll(0x99, 1), CipStatus.PathDestinationUnknown, []],
  ])("%s answers the matching CIP status", async (_, request, status, extended) => {
    const client = await session();
    const reply = await client.sendRRData(request);
    expect(reply.status).toBe(status);
    expect(reply.extendedStatus).toEqual(extended);
  });
});

describe("tag browse (Get Instance Attribute List)", () => {
  it("lists controller tags and programs, then a program's tags", async () => {
    const client = await session();
    const controller = await client.sendRRData(encodeTagBrowse(null, 0));
    expect(controller.status).toBe(0);
    const names = decodeTagBrowse(controller.data).map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(["Line_Heartbeat", "Program:Bagger1", "Program:Filler1", "Running"]));
    const program = decodeTagBrowse((await client.sendRRData(encodeTagBrowse("Bagger1", 0))).data);
    const faults = program.find((s) => s.name === "Faults");
    expect(faults?.typeWord).toBe(0x2000 | CipTypeCode.DINT); // one array dimension
    expect(program.find((s) => s.name === "Program:Bagger1")).toBeUndefined();
  });

  it("pages with status 0x06 when the reply is full, continuing from the next instance", async () => {
    const client = await session();
    await client.forwardOpen(120); // small connection, so one program's 13 tags need several pages
    const seen: string[] = [];
    let instance = 0;
    let pages = 0;
    for (;;) {
      const { reply } = await client.sendUnitData(encodeTagBrowse("Filler1", instance));
      const symbols = decodeTagBrowse(reply.data);
      seen.push(...symbols.map((s) => s.name));
      pages++;
      if (reply.status === 0) break;
      expect(reply.status).toBe(CipStatus.PartialTransfer);
      instance = symbols.at(-1)!.instanceId + 1;
    }
    expect(pages).toBeGreaterThan(1);
    expect(seen).toHaveLength(13);
    expect(new Set(seen).size).toBe(13);
  });
});

describe("a client that speaks first and hangs up", () => {
  it("a peer that closes mid-request leaves the emulator serving others", async () => {
    const socket = connect({ host: emulator.host, port: emulator.port });
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    socket.end(encodeRegisterSession().subarray(0, 10));
    await delay(20);
    const client = await session();
    expect((await client.sendRRData(encodeReadTag("Line_Heartbeat"))).status).toBe(0);
  });
});
