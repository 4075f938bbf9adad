// The emulator misbehaving on purpose, as the bridge's resilience tests need: deleted tags, replies
// cut in pieces, garbage, silence and dropped connections.
import { connect } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CipStatus } from "../src/cip/cip-codes.ts";
import { decodeMultipleServiceReply, encodeMultipleServicePacket, encodeReadTag } from "./cip-client-messages.ts";
import { stEthernetIpBuilds, testPlant } from "./emulator-test-fixtures.ts";
import { encodeRegisterSession } from "./encapsulation.ts";
import { type RunningLogixEmulator, startLogixEmulator } from "./logix-emulator.ts";
import { ENCAPSULATION_HEADER_LENGTH } from "./protocol-constants.ts";
import { RawEnipClient } from "./raw-enip-client.ts";

let emulator: RunningLogixEmulator;
const clients: RawEnipClient[] = [];

beforeAll(async () => {
  emulator = await startLogixEmulator({ equipment: testPlant, startPaused: true });
});

afterEach(async () => {
  emulator.control.setReplyMode("normal");
  for (const client of clients.splice(0)) await client.close();
});

afterAll(async () => {
  await emulator.stop();
});

async function session(timeoutMs?: number): Promise<RawEnipClient> {
  const client = await RawEnipClient.connect(emulator.host, emulator.port, timeoutMs);
  clients.push(client);
  await client.registerSession();
  return client;
}

describe("reply modes", () => {
  it('"unknown-tag" answers reads with CIP status 0x05, alone and inside a Multiple Service Packet', async () => {
    const client = await session();
    emulator.control.setReplyMode("unknown-tag");
    expect((await client.sendRRData(encodeReadTag("Program:Bagger1.Running"))).status).toBe(
      CipStatus.PathDestinationUnknown,
    );
    const group = await client.sendRRData(
      encodeMultipleServicePacket([encodeReadTag("Line_Heartbeat"), encodeReadTag("Running")]),
    );
    expect(group.status).toBe(CipStatus.EmbeddedServiceError);
    expect(decodeMultipleServiceReply(group.data).map((reply) => reply.status)).toEqual([0x05, 0x05]);
    emulator.control.setReplyMode("normal");
    expect((await client.sendRRData(encodeReadTag("Program:Bagger1.Running"))).status).toBe(0);
  });

  it('"unknown-tag" makes st-ethernet-ip reject the read with generalStatusCode 5', async () => {
    const { library, pointAt } = stEthernetIpBuilds()[0]!;
    pointAt(emulator.port);
    const plc = new library.Controller();
    plc.timeout_sp = 2000;
    await plc.connect("127.0.0.1", 0, false);
    try {
      emulator.control.setReplyMode("unknown-tag");
      await expect(plc.readTag(new library.Tag("Line_Heartbeat"))).rejects.toMatchObject({ generalStatusCode: 5 });
    } finally {
      emulator.control.setReplyMode("normal");
      await plc.disconnect();
    }
  });

  it('"split" delivers each reply in several chunks that a reassembling client reads correctly', async () => {
    emulator.control.setTag("Program:Filler1.GoodCount", 987654);
    const client = await session();
    emulator.control.setReplyMode("split");
    const before = client.chunksReceived;
    const replies = await Promise.all([
      client.sendRRData(encodeReadTag("Program:Filler1.GoodCount")),
      client.sendRRData(encodeReadTag("Line_SpeedHistory", 50)),
    ]);
    expect(replies[0]!.data.readInt32LE(2)).toBe(987654);
    expect(replies[1]!.data.length).toBe(2 + 50 * 4);
    expect(client.chunksReceived - before).toBeGreaterThanOrEqual(6);
  });

  it('"malformed" sends frames whose header promises more bytes than arrive, then garbage', async () => {
    emulator.control.setReplyMode("malformed");
    const socket = connect({ host: emulator.host, port: emulator.port });
    const received: Buffer[] = [];
    socket.on("data", (chunk) => received.push(chunk));
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    socket.write(encodeRegisterSession());
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    const bytes = Buffer.concat(received);
    expect(bytes.length).toBeGreaterThan(0);
    const promised = ENCAPSULATION_HEADER_LENGTH + (bytes.length >= 4 ? bytes.readUInt16LE(2) : 0);
    const isWholeFrame = bytes.length >= ENCAPSULATION_HEADER_LENGTH && bytes.length === promised;
    expect(isWholeFrame).toBe(false);
    expect(bytes.subarray(-7).every((byte) => byte === 0xee)).toBe(true);
  });

  it('"silent" reads requests and never answers them', async () => {
    const client = await session(300);
    const received = emulator.control.stats().requestsReceived;
    emulator.control.setReplyMode("silent");
    await expect(client.sendRRData(encodeReadTag("Line_Heartbeat"))).rejects.toThrow(/no reply/);
    expect(emulator.control.stats().requestsReceived).toBe(received + 1);
  });

  it("dropConnections closes every client socket and the emulator takes new ones", async () => {
    const a = await session();
    const b = await session();
    emulator.control.dropConnections();
    await Promise.all([a.closed, b.closed]);
    const c = await session();
    expect((await c.sendRRData(encodeReadTag("Line_Heartbeat"))).status).toBe(0);
  });

  it("an unknown reply mode is refused", () => {
    expect(() => emulator.control.setReplyMode("chaos" as never)).toThrow(/unknown reply mode/);
  });
});

describe("stats", () => {
  it("count connections, requests and tags read", async () => {
    const before = emulator.control.stats();
    const client = await session();
    await client.sendRRData(encodeMultipleServicePacket([encodeReadTag("Running"), encodeReadTag("Speed")]));
    const after = emulator.control.stats();
    expect(after.connectionsAccepted - before.connectionsAccepted).toBe(1);
    expect(after.activeConnections).toBeGreaterThanOrEqual(1);
    expect(after.requestsServed - before.requestsServed).toBe(2); // RegisterSession + the packet
    expect(after.tagsRead - before.tagsRead).toBe(2);
    expect(after.replyMode).toBe("normal");
  });
});
