// LogixDriver against the Logix emulator: the driver contract over connected and unconnected
// messaging, then a controller that drops, splits, corrupts, refuses or ignores its replies.

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type EmulatedEquipment,
  equipmentTagTypes,
  type RunningLogixEmulator,
  startLogixEmulator,
} from "../../emulator/index.ts";
import { LogixDriver, type LogixDriverOptions } from "./logix-driver.ts";
import type { PlcEndpoint, TagSpec, TagType } from "./plc-driver.ts";
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
      createDriver: (overrides) => createPlcDriver("LOGIX", endpointOf(emulator, { connected, ...overrides })),
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
      integerArray: {
        name: "Program:Bagger1.Faults",
        type: "DINT",
        elementName: (index) => `Program:Bagger1.Faults[${index}]`,
      },
      sameSymbolInTwoScopes: ["Program:Bagger2.FirstOutFault", "Program:Bagger3.FirstOutFault"],
      largeRealArray: { name: "Line_SpeedHistory", length: 240 },
      batch: allEquipmentTags,
      unknownTag: "Program:Bagger1.NoSuchTag",
      setReplyMode: (mode) => emulator.control.setReplyMode(mode),
      dropConnections: () => emulator.control.dropConnections(),
      socketListenerCount: (driver) => (driver as LogixDriver).socketListenerCount(),
      teardown: () => emulator.stop(),
    };
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("LogixDriver read rate", () => {
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
