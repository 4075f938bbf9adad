// LogixDriver against the Logix emulator: the driver contract over connected and unconnected
// messaging, then a controller that drops, splits, corrupts, refuses or ignores its replies.

import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type EmulatedEquipment,
  equipmentTagTypes,
  type RunningLogixEmulator,
  startLogixEmulator,
} from "../../emulator/index.ts";
import { LogixDriver, type LogixDriverOptions } from "./logix-driver.ts";
import { PlcCommsError, type PlcEndpoint, type TagSpec, type TagType } from "./plc-driver.ts";
import { describePlcDriverContract } from "./plc-driver-contract.ts";
import { createPlcDriver } from "./plc-driver-registry.ts";
import { type ScriptedEnipServer, startScriptedEnipServer } from "./scripted-enip-server.ts";

const EQUIPMENT_COUNT = 16;
const plant: EmulatedEquipment[] = Array.from({ length: EQUIPMENT_COUNT }, (_, i) => ({
  tagPrefix: `Program:Bagger${i + 1}`,
  targetSpeedPerMinute: 40,
  faultWords: 2,
  faultBits: [0, 1, 2, 33],
  autonomous: false,
}));

/** Every equipment tag of the plant: 13 per equipment, 208 in all. */
const allEquipmentTags: TagSpec[] = plant.flatMap(({ tagPrefix }) =>
  Object.entries(equipmentTagTypes).map(([symbol, type]) => {
    const array = /^(\w+)\[faultWords\]$/.exec(type);
    return array
      ? { name: `${tagPrefix}.${symbol}`, type: array[1] as TagType, length: 2 }
      : { name: `${tagPrefix}.${symbol}`, type: type as TagType };
  }),
);

/** A paused emulator: tag values change only when a test changes them. */
function startEmulator(): Promise<RunningLogixEmulator> {
  return startLogixEmulator({ port: 0, seed: 7, timeScale: 1, startPaused: true, equipment: plant });
}

function endpointOf(emulator: { host: string; port: number }, overrides: Partial<PlcEndpoint> = {}): PlcEndpoint {
  return { host: emulator.host, port: emulator.port, slot: 0, timeoutMs: 2_000, connected: true, ...overrides };
}

for (const connected of [true, false]) {
  describePlcDriverContract(`LOGIX over ${connected ? "connected" : "unconnected"} messaging`, async () => {
    const emulator = await startEmulator();
    return {
      createDriver: () => createPlcDriver("LOGIX", endpointOf(emulator, { connected })),
      setTag: (name, value) => emulator.control.setTag(name, value as never),
      getTag: (name) => emulator.control.getTag(name),
      scalarTags: {
        BOOL: "Program:Bagger1.Running",
        SINT: "Program:Bagger1.Diag_SINT",
        INT: "Program:Bagger1.Diag_INT",
        DINT: "Program:Bagger1.GoodCount",
        LINT: "Program:Bagger1.Diag_LINT",
        REAL: "Program:Bagger1.Speed",
        LREAL: "Program:Bagger1.Diag_LREAL",
      },
      dintArrayTag: "Program:Bagger1.Faults",
      sameSymbolInTwoScopes: ["Program:Bagger2.FirstOutFault", "Program:Bagger3.FirstOutFault"],
      largeRealArray: { name: "Line_SpeedHistory", length: 240 },
      batch: allEquipmentTags,
      unknownTag: "Program:Bagger1.NoSuchTag",
      teardown: () => emulator.stop(),
    };
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A full garbage collection, so heap readings compare live objects only. */
function collectGarbage(): void {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
}

const activeTimers = () => process.getActiveResourcesInfo().filter((resource) => resource === "Timeout").length;

async function timed<T>(work: Promise<T>): Promise<{ ms: number; outcome: PromiseSettledResult<T> }> {
  const started = performance.now();
  const [outcome] = await Promise.allSettled([work]);
  return { ms: performance.now() - started, outcome: outcome! };
}

function rejection(outcome: PromiseSettledResult<unknown>): unknown {
  expect(outcome.status).toBe("rejected");
  return (outcome as PromiseRejectedResult).reason;
}

describe("LogixDriver against a misbehaving controller", () => {
  let emulator: RunningLogixEmulator;
  const drivers: LogixDriver[] = [];

  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(() => emulator.stop());
  beforeEach(() => emulator.control.setReplyMode("normal"));
  afterEach(async () => {
    for (const driver of drivers.splice(0)) await driver.close();
  });

  async function connectedDriver(overrides: Partial<PlcEndpoint> = {}, options?: Partial<LogixDriverOptions>) {
    const driver = new LogixDriver(endpointOf(emulator, overrides), options);
    drivers.push(driver);
    await driver.connect();
    return driver;
  }

  const goodCount: TagSpec = { name: "Program:Bagger1.GoodCount", type: "DINT" };

  it("connecting to a port nobody listens on rejects with PlcCommsError kind refused", async () => {
    const closed = await startScriptedEnipServer();
    await closed.close();
    const driver = new LogixDriver(endpointOf(closed));
    const error = rejection((await timed(driver.connect())).outcome);
    expect(error).toBeInstanceOf(PlcCommsError);
    expect(error).toMatchObject({ kind: "refused" });
    expect(driver.connected).toBe(false);
  });

  it("a controller that drops the connection makes readTags reject with PlcCommsError closed, promptly", async () => {
    const driver = await connectedDriver({ timeoutMs: 5_000 });
    await expect(driver.readTags([goodCount])).resolves.toMatchObject([{ ok: true }]);
    emulator.control.dropConnections();
    const { ms, outcome } = await timed(driver.readTags([goodCount]));
    expect(rejection(outcome)).toMatchObject({ name: "PlcCommsError", kind: "closed" });
    expect(ms).toBeLessThan(1_000);
    expect(driver.connected).toBe(false);
    await driver.connect();
    await expect(driver.readTags([goodCount])).resolves.toMatchObject([{ ok: true }]);
  });

  it("a silent controller fails the read with a timeout within timeoutMs", async () => {
    const driver = await connectedDriver({ timeoutMs: 300 });
    emulator.control.setReplyMode("silent");
    const { ms, outcome } = await timed(driver.readTags([goodCount]));
    expect(rejection(outcome)).toMatchObject({ name: "PlcCommsError", kind: "timeout" });
    expect(ms).toBeGreaterThanOrEqual(290);
    expect(ms).toBeLessThan(300 + 500);
  });

  it("a silent controller fails connect() with a timeout", async () => {
    emulator.control.setReplyMode("silent");
    const driver = new LogixDriver(endpointOf(emulator, { timeoutMs: 300 }));
    drivers.push(driver);
    const { ms, outcome } = await timed(driver.connect());
    expect(rejection(outcome)).toMatchObject({ name: "PlcCommsError", kind: "timeout" });
    expect(ms).toBeLessThan(1_500);
  });

  for (const connected of [true, false]) {
    it(`replies split into chunks are read correctly (${connected ? "connected" : "unconnected"})`, async () => {
      const driver = await connectedDriver({ connected });
      const history = Array.from({ length: 240 }, (_, i) => i * 2);
      emulator.control.setTag("Line_SpeedHistory", history);
      emulator.control.setTag("Program:Bagger4.Faults", [3, -3]);
      emulator.control.setReplyMode("split");
      const results = await driver.readTags([
        ...allEquipmentTags.slice(0, 60),
        { name: "Line_SpeedHistory", type: "REAL", length: 240 },
        { name: "Program:Bagger4.Faults", type: "DINT", length: 2 },
      ]);
      expect(results.filter((r) => !r.ok)).toEqual([]);
      expect(results.at(-2)).toEqual({ name: "Line_SpeedHistory", ok: true, value: history });
      expect(results.at(-1)).toEqual({ name: "Program:Bagger4.Faults", ok: true, value: [3, -3] });
      await driver.writeTag({ name: "Program:Bagger4.Diag_INT", type: "INT" }, 4242);
      expect(emulator.control.getTag("Program:Bagger4.Diag_INT")).toBe(4242);
    });
  }

  it("malformed replies fail the read cleanly (no value, no crash) and a new connection reads normally", async () => {
    const driver = await connectedDriver({ timeoutMs: 300 });
    emulator.control.setReplyMode("malformed");
    // A truncated frame can only be noticed when its reply never completes, or when the next
    // reply's bytes complete it with garbage: a timeout, then a protocol error
    const first = rejection((await timed(driver.readTags([goodCount]))).outcome);
    expect(first).toBeInstanceOf(PlcCommsError);
    const second = rejection((await timed(driver.readTags([goodCount]))).outcome);
    expect(second).toBeInstanceOf(PlcCommsError);
    expect(["timeout", "protocol"]).toContain((second as PlcCommsError).kind);
    emulator.control.setReplyMode("normal");
    await driver.close();
    await driver.connect();
    emulator.control.setTag(goodCount.name, 99);
    await expect(driver.readTags([goodCount])).resolves.toEqual([{ name: goodCount.name, ok: true, value: 99 }]);
  });

  it("1,000 failed reads leave the socket's listener count flat and the heap roughly flat", async () => {
    // Long enough that a loaded test machine answers in time, short enough for the timeouts below
    const driver = await connectedDriver({ timeoutMs: 250 });
    const batch = allEquipmentTags.slice(0, 20);
    emulator.control.setReplyMode("unknown-tag");
    for (let i = 0; i < 50; i++) await driver.readTags(batch);
    const listeners = driver.socketListenerCount();
    const timers = activeTimers();
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < 1_000; i++) {
      const results = await driver.readTags(batch);
      expect(results[0]).toMatchObject({ ok: false, code: 0x05 });
    }
    // A few timeouts too: each abandons a request the controller may still answer
    emulator.control.setReplyMode("silent");
    for (let i = 0; i < 8; i++) await expect(driver.readTags([goodCount])).rejects.toMatchObject({ kind: "timeout" });
    expect(driver.socketListenerCount()).toBe(listeners);
    expect(activeTimers()).toBeLessThanOrEqual(timers);
    collectGarbage();
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    console.log(`heap after 1,008 failed reads: ${(heapGrowth / 1024).toFixed(0)} KiB growth`);
    // One retained closure per failed read, with its request and reply buffers, would be well past this
    expect(heapGrowth).toBeLessThan(2 * 1024 * 1024);
  });

  it("measures tags/s reading ~200-tag batches over one connection", async () => {
    for (const connected of [true, false]) {
      const driver = await connectedDriver({ connected });
      const batch = allEquipmentTags.slice(0, 200);
      for (let i = 0; i < 20; i++) await driver.readTags(batch);
      const rounds = 300;
      const started = performance.now();
      for (let i = 0; i < rounds; i++) await driver.readTags(batch);
      const seconds = (performance.now() - started) / 1_000;
      const tagsPerSecond = Math.round((rounds * batch.length) / seconds);
      console.log(
        `LogixDriver ${connected ? "connected" : "unconnected"}: ${tagsPerSecond} tags/s ` +
          `(${rounds} batches of ${batch.length} tags in ${seconds.toFixed(2)} s, ${((seconds / rounds) * 1_000).toFixed(2)} ms per batch)`,
      );
      expect(tagsPerSecond).toBeGreaterThan(0);
    }
  });
});

describe("LogixDriver against a scripted target", () => {
  let server: ScriptedEnipServer;
  beforeEach(async () => {
    server = await startScriptedEnipServer({
      Slow: { type: "DINT", values: [111] },
      Fast: { type: "DINT", values: [222] },
    });
  });
  afterEach(() => server.close());

  it("a late reply to a timed-out read is never taken as the reply to a later read", async () => {
    const driver = new LogixDriver(endpointOf(server, { timeoutMs: 400, connected: false }));
    await driver.connect();
    // Slow's reply lands ~100 ms after Fast is sent, Fast's own ~150 ms after that
    server.deliver = (reply, { socket, tagNames }) => {
      setTimeout(() => socket.write(reply), tagNames.includes("Slow") ? 500 : 250);
    };
    await expect(driver.readTags([{ name: "Slow", type: "DINT" }])).rejects.toMatchObject({ kind: "timeout" });
    await expect(driver.readTags([{ name: "Fast", type: "DINT" }])).resolves.toEqual([
      { name: "Fast", ok: true, value: 222 },
    ]);
    await driver.close();
  });

  it("a reply to a different service drops the connection with a protocol error", async () => {
    const driver = new LogixDriver(endpointOf(server, { connected: false }));
    await driver.connect();
    server.deliver = (reply, { socket }) => {
      const cip = reply.length - 10; // the reply's CIP header sits 10 bytes from the end for a DINT read
      reply[cip] = 0xcd; // claims to answer Write Tag
      socket.write(reply);
    };
    await expect(driver.readTags([{ name: "Fast", type: "DINT" }])).rejects.toMatchObject({ kind: "protocol" });
    expect(driver.connected).toBe(false);
    await sleep(10);
    await driver.close();
  });
});
