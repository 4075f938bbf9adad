// "Test a PLC connection" answered by the bridge over the run's Redis, against an emulated SLC 5/05:
// identity and per-tag values or errors, an unreachable or silent PLC answered within its timeout,
// a malformed request refused by name, an expired one left alone.
import net from "node:net";
import { createLogger, createRedisClient } from "@ms5/kit";
import { testRedisPrefix } from "@ms5/kit/testing";
import { type PlcTestReply, type PlcTestRequest, plcTestReplyKey, plcTestRequestsKey } from "@ms5/schema";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { testPlant } from "../emulator/emulator-test-fixtures.ts";
import { type RunningSlcEmulator, startSlcEmulator } from "../emulator/index.ts";
import { type RunningLogixEmulator, startLogixEmulator } from "../emulator/logix-emulator.ts";
import { PlcConnectionTester } from "./plc-connection-tester.ts";

const logger = createLogger({ service: "plc-bridge-test", level: "silent" });

describe("PLC connection tests answered by the bridge over Redis", () => {
  const { runId, redisUrl } = inject("testRun");
  const keyPrefix = `${testRedisPrefix(runId)}plc-test:`;
  const redis = createRedisClient({ url: redisUrl });
  let emulator: RunningSlcEmulator;
  let logix: RunningLogixEmulator;
  let tester: PlcConnectionTester;
  let nextId = 0;

  beforeAll(async () => {
    await redis.connect();
    emulator = await startSlcEmulator({
      port: 0,
      startPaused: true,
      equipment: [{ tagPrefix: "", targetSpeedPerMinute: 1, faultWords: 2, faultBits: [], autonomous: false }],
    });
    logix = await startLogixEmulator({ equipment: testPlant, seed: 7, startPaused: true });
    tester = new PlcConnectionTester({ redis, keyPrefix, logger, blockSeconds: 1 });
    await tester.start();
  });
  afterAll(async () => {
    await tester?.stop();
    await emulator?.stop();
    await logix?.stop();
    redis.destroy();
  });
  beforeEach(() => emulator.control.setReplyMode("normal"));

  function request(overrides: Partial<PlcTestRequest["plc"]> = {}, tags: PlcTestRequest["tags"] = []): PlcTestRequest {
    return {
      v: 1,
      requestId: `t${++nextId}`,
      plc: {
        driver: "SLC_PCCC",
        host: "127.0.0.1",
        port: emulator.port,
        slot: 0,
        timeoutMs: 500,
        connected: true,
        ...overrides,
      },
      tags,
      deadline: Date.now() + 10_000,
    };
  }

  async function ask(message: unknown, requestId: string, waitSeconds = 5): Promise<PlcTestReply | undefined> {
    await redis.lPush(plcTestRequestsKey(keyPrefix), JSON.stringify(message));
    const popped = await redis
      .duplicate()
      .connect()
      .then(async (blocking) => {
        try {
          return await blocking.brPop(plcTestReplyKey(requestId, keyPrefix), waitSeconds);
        } finally {
          blocking.destroy();
        }
      });
    return popped ? (JSON.parse(popped.element) as PlcTestReply) : undefined;
  }

  it("answers with the SLC's identity and each tag's value or error", async () => {
    emulator.control.setTag("N10:4", 1234);
    emulator.control.setTag("F8:40", [2.5, -1]);
    const asked = request({}, [
      { name: "N10:4", type: "INT" },
      { name: "F8:40", type: "REAL", length: 2 },
      { name: "N99:0", type: "INT" },
      { name: "N7:x", type: "INT" },
    ]);
    const reply = await ask(asked, asked.requestId);
    expect(reply).toMatchObject({
      v: 1,
      requestId: asked.requestId,
      ok: true,
      identity: { vendorId: 1, productName: expect.stringMatching(/5\/05/) },
      tags: [
        { name: "N10:4", ok: true, value: 1234 },
        { name: "F8:40", ok: true, value: [2.5, -1] },
        { name: "N99:0", ok: false, code: 0xf0, error: expect.stringMatching(/EXT STS 0x06/) },
        { name: "N7:x", ok: false, error: expect.stringMatching(/not an SLC address/) },
      ],
    });
  });

  it("answers a PLC nobody listens for with ok:false and the refusal, its tags failed", async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const asked = request({ port }, [{ name: "N10:4", type: "INT" }]);
    const reply = await ask(asked, asked.requestId);
    expect(reply).toMatchObject({
      ok: false,
      error: expect.stringMatching(/refused/),
      tags: [{ name: "N10:4", ok: false }],
    });
  });

  it("answers a silent PLC with a timeout within its timeout, not later", async () => {
    emulator.control.setReplyMode("silent");
    const asked = request({ timeoutMs: 300 });
    const reply = await ask(asked, asked.requestId);
    expect(reply).toMatchObject({ ok: false, error: expect.stringMatching(/no reply within 300 ms/) });
    expect(reply!.ms).toBeLessThan(1_500);
  });

  it("refuses a malformed request naming the field, and leaves an expired one unanswered", async () => {
    const malformed = { ...request(), plc: { ...request().plc, port: 70_000 } };
    const refused = await ask(malformed, malformed.requestId);
    expect(refused).toMatchObject({ ok: false, error: expect.stringMatching(/plc\.port/) });
    const expired = { ...request(), deadline: Date.now() - 1 };
    const before = tester.counters.expired;
    expect(await ask(expired, expired.requestId, 1)).toBeUndefined();
    expect(tester.counters.expired).toBe(before + 1);
  });

  it("browses a Logix controller's symbols with their types, controller scope and programs", async () => {
    const asked = { ...request({ driver: "LOGIX", port: logix.port, timeoutMs: 1_000 }), browse: true };
    const reply = await ask(asked, asked.requestId, 10);
    expect(reply).toMatchObject({ ok: true });
    const symbols = reply!.symbols!.map((symbol) => `${symbol.program ?? ""}/${symbol.name}/${symbol.type}`);
    expect(symbols).toContain("/Line_Heartbeat/DINT");
    expect(symbols).toContain("Bagger1/Running/BOOL");
    expect(reply!.symbols!.find((symbol) => symbol.program === "Bagger1" && symbol.name === "Faults")).toMatchObject({
      type: "DINT",
      arrayDims: 1,
    });
  });

  it("answers a browse of an SLC with the reason it has no symbols, its connection test still answered", async () => {
    const asked = { ...request({}, [{ name: "N10:4", type: "INT" as const }]), browse: true };
    const reply = await ask(asked, asked.requestId);
    expect(reply).toMatchObject({ ok: true, browseError: expect.stringMatching(/no symbol list/) });
    expect(reply!.symbols).toBeUndefined();
    expect(reply!.tags[0]).toMatchObject({ ok: true });
  });
});
