// SlcPcccDriver against the emulator's SLC 5/05 personality: the driver contract over a granted
// class 3 connection and over the unconnected fallback, then what is particular to PCCC: merged
// reads per data file, a refused read failing only its own tags, timers, counters, bits, long files.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type RunningSlcEmulator, type SlcEmulatorOptions, startSlcEmulator } from "../../emulator/index.ts";
import { type PlcEndpoint, PlcTagError, type TagSpec } from "./plc-driver.ts";
import { describePlcDriverContract } from "./plc-driver-contract.ts";
import { createPlcDriver } from "./plc-driver-registry.ts";
import { SlcPcccDriver, type SlcPcccDriverOptions } from "./slc-pccc-driver.ts";

function startEmulator(options: Partial<SlcEmulatorOptions> = {}): Promise<RunningSlcEmulator> {
  return startSlcEmulator({
    port: 0,
    seed: 7,
    startPaused: true,
    equipment: [{ tagPrefix: "", targetSpeedPerMinute: 0.7, faultWords: 2, faultBits: [0, 17, 50], autonomous: false }],
    ...options,
  });
}

function endpointOf(emulator: { host: string; port: number }, overrides: Partial<PlcEndpoint> = {}): PlcEndpoint {
  return { host: emulator.host, port: emulator.port, slot: 0, timeoutMs: 2_000, connected: true, ...overrides };
}

/** 200 N-file integers, then bits, floats and timer/counter fields: what an SLC tag map reads. */
const slcBatch: TagSpec[] = [
  ...Array.from({ length: 200 }, (_, i): TagSpec => ({ name: `N10:${i}`, type: "INT" })),
  ...Array.from({ length: 16 }, (_, i): TagSpec => ({ name: `B3:40/${i}`, type: "BOOL" })),
  ...Array.from({ length: 8 }, (_, i): TagSpec => ({ name: `F8:${i}`, type: "REAL" })),
  { name: "T4:0.ACC", type: "INT" },
  { name: "T4:0.EN", type: "BOOL" },
  { name: "C5:0.PRE", type: "INT" },
  { name: "C5:0.DN", type: "BOOL" },
];

for (const refuseConnectedMessaging of [false, true]) {
  describePlcDriverContract(
    `SLC_PCCC over ${refuseConnectedMessaging ? "unconnected messaging (Forward Open refused)" : "connected messaging"}`,
    async () => {
      const emulator = await startEmulator({ refuseConnectedMessaging, model: "MicroLogix 1400" });
      return {
        createDriver: (overrides) => createPlcDriver("SLC_PCCC", endpointOf(emulator, overrides)),
        setTag: (name, value) => emulator.control.setTag(name, value as never),
        getTag: (name) => {
          if (name === "F8:8") return emulator.control.getTag(name, 52);
          if (name === "N10:200") return emulator.control.getTag(name, 2);
          return emulator.control.getTag(name);
        },
        scalarTags: { BOOL: "B3:41/7", INT: "N10:250", DINT: "L9:3", REAL: "F8:60" },
        integerArray: { name: "N10:200", type: "INT", elementName: (index) => `N10:${200 + index}` },
        // 208 bytes: more than one 200-byte typed read
        largeRealArray: { name: "F8:8", length: 52 },
        batch: slcBatch,
        unknownTag: "N99:0",
        setReplyMode: (mode) => emulator.control.setReplyMode(mode),
        dropConnections: () => emulator.control.dropConnections(),
        socketListenerCount: (driver) => (driver as SlcPcccDriver).socketListenerCount(),
        teardown: () => emulator.stop(),
      };
    },
  );
}

describe("SlcPcccDriver against an SLC 5/05", () => {
  let emulator: RunningSlcEmulator;
  const drivers: SlcPcccDriver[] = [];

  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(() => emulator.stop());
  beforeEach(() => emulator.control.setReplyMode("normal"));
  afterEach(async () => {
    for (const driver of drivers.splice(0)) await driver.close();
  });

  async function connectedDriver(overrides: Partial<PlcEndpoint> = {}, options?: Partial<SlcPcccDriverOptions>) {
    const driver = new SlcPcccDriver(endpointOf(emulator, overrides), options);
    drivers.push(driver);
    await driver.connect();
    return driver;
  }

  it("reads the identity of an SLC 5/05", async () => {
    const driver = await connectedDriver();
    await expect(driver.readIdentity()).resolves.toMatchObject({
      vendorId: 1,
      deviceType: 0x0e,
      productName: expect.stringMatching(/^1747-L55\d.*5\/05/),
    });
  });

  it("uses a class 3 connection when asked and granted, and unconnected messaging when not asked", async () => {
    expect((await connectedDriver({ connected: true })).messaging).toBe("connected");
    expect((await connectedDriver({ connected: false })).messaging).toBe("unconnected");
  });

  it("falls back to unconnected messaging when the controller refuses the Forward Open", async () => {
    const refusing = await startEmulator({ refuseConnectedMessaging: true });
    try {
      const driver = new SlcPcccDriver(endpointOf(refusing, { connected: true }));
      await driver.connect();
      expect(driver.messaging).toBe("unconnected");
      refusing.control.setTag("N7:10", 321);
      await expect(driver.readTags([{ name: "N7:10", type: "INT" }])).resolves.toEqual([
        { name: "N7:10", ok: true, value: 321 },
      ]);
      await driver.close();
    } finally {
      await refusing.stop();
    }
  });

  it("merges 200 contiguous N-file integers into reads of at most maxReadBytes each", async () => {
    const driver = await connectedDriver();
    emulator.control.setTag(
      "N10:0",
      Array.from({ length: 200 }, (_, i) => i * 3 - 100),
    );
    const before = emulator.control.stats().tagsRead;
    const results = await driver.readTags(slcBatch.slice(0, 200));
    expect(emulator.control.stats().tagsRead - before).toBe(2); // 400 bytes, 200 per read
    expect(results.map((r) => r.ok && r.value)).toEqual(Array.from({ length: 200 }, (_, i) => i * 3 - 100));
  });

  it("a smaller maxReadBytes makes more, smaller reads of the same values", async () => {
    const driver = await connectedDriver({}, { maxReadBytes: 40 });
    const before = emulator.control.stats().tagsRead;
    const results = await driver.readTags(slcBatch.slice(0, 100));
    expect(emulator.control.stats().tagsRead - before).toBe(5);
    expect(results.filter((r) => !r.ok)).toEqual([]);
  });

  it("an element past the end of its file fails that tag only; its neighbours in the same read still read", async () => {
    const driver = await connectedDriver();
    emulator.control.setTag("F8:62", [6.5, 7.5]);
    const results = await driver.readTags([
      { name: "F8:62", type: "REAL" },
      { name: "F8:63", type: "REAL" },
      { name: "F8:64", type: "REAL" }, // F8 has 64 elements
      { name: "N7:10", type: "INT" },
    ]);
    expect(results[0]).toEqual({ name: "F8:62", ok: true, value: 6.5 });
    expect(results[1]).toEqual({ name: "F8:63", ok: true, value: 7.5 });
    expect(results[2]).toMatchObject({ name: "F8:64", ok: false, code: 0xf0, error: expect.stringMatching(/EXT STS/) });
    expect(results[3]).toMatchObject({ name: "N7:10", ok: true });
  });

  it("a file the controller does not have is an ok:false result naming the extended status", async () => {
    const driver = await connectedDriver();
    const [result] = await driver.readTags([{ name: "L9:0", type: "DINT" }]); // an SLC 5/05 has no L files
    expect(result).toMatchObject({ ok: false, code: 0xf0, error: expect.stringMatching(/EXT STS 0x06/) });
  });

  it("malformed addresses are typed ok:false results without a request, and the rest of the batch reads", async () => {
    const driver = await connectedDriver();
    const before = emulator.control.stats().tagsRead;
    const results = await driver.readTags([
      { name: "N7:x", type: "INT" },
      { name: "B3:0/16", type: "BOOL" },
      { name: "F8", type: "REAL" },
      { name: "T4:0", type: "INT" },
      { name: "N7:10", type: "INT" },
    ]);
    expect(results.slice(0, 4).map((r) => r.ok)).toEqual([false, false, false, false]);
    expect(results.map((r) => (r.ok ? "ok" : r.error.split(":")[0]))).toEqual(["N7", "B3", "F8", "T4", "ok"]);
    expect(emulator.control.stats().tagsRead - before).toBe(1);
  });

  it("reads timer and counter fields, and writes a preset and an enable bit", async () => {
    const driver = await connectedDriver();
    emulator.control.setTag("T4:5.PRE", 250);
    emulator.control.setTag("T4:5.ACC", 120);
    emulator.control.setTag("C5:5.DN", true);
    const results = await driver.readTags([
      { name: "T4:5.PRE", type: "INT" },
      { name: "T4:5.ACC", type: "INT" },
      { name: "T4:5.EN", type: "BOOL" },
      { name: "C5:5.DN", type: "BOOL" },
      { name: "C5:5.CU", type: "BOOL" },
    ]);
    expect(results.map((r) => r.ok && r.value)).toEqual([250, 120, false, true, false]);
    await driver.writeTag({ name: "T4:5.PRE", type: "INT" }, 500);
    await driver.writeTag({ name: "T4:5.EN", type: "BOOL" }, true);
    expect(emulator.control.getTag("T4:5.PRE")).toBe(500);
    expect(emulator.control.getTag("T4:5.ACC")).toBe(120);
    expect(emulator.control.getTag("T4:5.EN")).toBe(true);
  });

  it("a bit write changes that bit only (masked write), leaving the word's other bits", async () => {
    const driver = await connectedDriver();
    emulator.control.setTag("B3:42", 0b1010);
    await driver.writeTag({ name: "B3:42/0", type: "BOOL" }, true);
    await driver.writeTag({ name: "B3:42/3", type: "BOOL" }, false);
    expect(emulator.control.getTag("B3:42")).toBe(0b0011);
  });

  it("writing a malformed address or a value of the wrong type rejects with PlcTagError and sends nothing", async () => {
    const driver = await connectedDriver();
    const before = emulator.control.stats().tagsWritten;
    await expect(driver.writeTag({ name: "B3:0/16", type: "BOOL" }, true)).rejects.toBeInstanceOf(PlcTagError);
    await expect(driver.writeTag({ name: "N7:10", type: "REAL" }, 1.5)).rejects.toThrow(/type mismatch/);
    await expect(driver.writeTag({ name: "N7:10", type: "INT" }, 70_000)).rejects.toBeInstanceOf(PlcTagError);
    expect(emulator.control.stats().tagsWritten).toBe(before);
  });

  it("fault bits of a forced fault appear packed 16 to a word in B3:0-B3:3", async () => {
    const driver = await connectedDriver();
    emulator.control.forceFault("", 17);
    emulator.control.forceFault("", 50);
    const [faults, running] = await driver.readTags([
      { name: "B3:0", type: "INT", length: 4 },
      { name: "B3:4/0", type: "BOOL" },
    ]);
    expect(faults).toEqual({ name: "B3:0", ok: true, value: [0, 1 << 1, 0, 1 << 2] });
    expect(running).toEqual({ name: "B3:4/0", ok: true, value: false });
    emulator.control.clearFaults("");
  });
});
