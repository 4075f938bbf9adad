// The bridge end to end: a Logix emulator speaking EtherNet/IP on loopback, the real driver, the
// bridge's pollers and publisher, and the run's Redis.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createLogger, createRedisClient } from "@ms5/kit";
import { testRedisPrefix } from "@ms5/kit/testing";
import { diagnosticsSnapshotKey, diagnosticsSnapshotSchema } from "@ms5/schema";
import { eventually } from "@ms5/test-support";
import { afterEach, describe, expect, inject, it } from "vitest";
import { type RunningLogixEmulator, startLogixEmulator } from "../emulator/index.ts";
import { type Bridge, createBridge } from "./bridge.ts";
import { parsePlantConfig } from "./plant-config.ts";

const logger = createLogger({ service: "plc-bridge-test", level: "silent" });
const BAGGER = "Program:Bagger1";

function plantFor(port: number) {
  return parsePlantConfig({
    plcs: [
      {
        name: "PLC-BAG1",
        host: "127.0.0.1",
        port,
        timeoutMs: 500,
        equipment: [
          {
            code: "BAGGER-1",
            line: "bagging-1",
            tagPrefix: BAGGER,
            tags: {
              running: { tag: "Running", type: "BOOL", scanMs: 100 },
              stateCode: { tag: "StateCode", type: "DINT", scanMs: 100 },
              faultWords: { tag: "Faults", type: "DINT", length: 2, scanMs: 100 },
              firstOutFault: { tag: "FirstOutFault", type: "DINT", scanMs: 100 },
              goodCount: { tag: "GoodCount", type: "DINT", scanMs: 200 },
              rejectCount: { tag: "RejectCount", type: "DINT", scanMs: 200 },
              speed: { tag: "Speed", type: "REAL", scanMs: 200, deadband: 0.5, heartbeatMs: 1_000 },
              energyKwh: { tag: "EnergyKWh", type: "REAL", scanMs: 500, deadband: 0.0001 },
              idleReason: { tag: "Diag_SINT", type: "SINT", scanMs: 500 },
              recipe: { tag: "Diag_INT", type: "INT", scanMs: 500 },
              lifetimeUnits: { tag: "Diag_LINT", type: "LINT", scanMs: 500 },
              runningHours: { tag: "Diag_LREAL", type: "LREAL", scanMs: 500 },
            },
            faultCatalog: [
              { bitIndex: 4, faultCode: "BG-004", text: "Sealing jaw jam" },
              { bitIndex: 40, faultCode: "BG-040", text: "Heater contactor failed" },
            ],
          },
        ],
      },
    ],
  });
}

describe("the bridge against an emulated CompactLogix", () => {
  const { runId, redisUrl } = inject("testRun");
  const prefix = `${testRedisPrefix(runId)}bridge:`;
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function startPlant(options: { port?: number } = {}) {
    const emulator = await startLogixEmulator({
      port: options.port ?? 0,
      seed: 7,
      equipment: [
        { tagPrefix: BAGGER, targetSpeedPerMinute: 40, faultWords: 2, faultBits: [4, 40], autonomous: false },
      ],
    });
    return emulator;
  }

  async function startBridge(emulator: RunningLogixEmulator, keyPrefix: string): Promise<Bridge> {
    const bufferDir = mkdtempSync(path.join(tmpdir(), "ms5-bridge-"));
    const bridge = createBridge({
      plant: plantFor(emulator.port),
      redisUrl,
      bufferDir,
      logger,
      keyPrefix,
      commsLostAfterMs: 800,
      diagnosticsIntervalMs: 200,
    });
    await bridge.start();
    cleanups.push(async () => {
      await bridge.stop();
      rmSync(bufferDir, { recursive: true, force: true });
    });
    return bridge;
  }

  async function reader() {
    const redis = createRedisClient({ url: redisUrl });
    await redis.connect();
    cleanups.push(() => redis.destroy());
    return {
      async entries(key: string) {
        return ((await redis.xRange(key, "-", "+")) ?? []).map((e) => e.message);
      },
    };
  }

  it("publishes state, counts and samples of every tag type, with gap-free sequence numbers across streams", async () => {
    const emulator = await startPlant();
    cleanups.push(() => emulator.stop());
    const keyPrefix = `${prefix}a:`;
    const bridge = await startBridge(emulator, keyPrefix);
    const redis = await reader();
    const telemetryKey = `${keyPrefix}{bagging-1}:telemetry`;

    const telemetry = await eventually(
      async () => {
        const entries = await redis.entries(telemetryKey);
        const signals = new Set(entries.filter((e) => e.type === "sample").map((e) => e.signal));
        const complete = ["speed", "idleReason", "recipe", "lifetimeUnits", "runningHours"].every((s) =>
          signals.has(s),
        );
        return complete && entries.some((e) => e.type === "counts") ? entries : undefined;
      },
      { what: "counts and every sample" },
    );

    const state = telemetry.find((e) => e.type === "state")!;
    expect(state).toMatchObject({
      v: "1",
      plc: "PLC-BAG1",
      equipment: "BAGGER-1",
      line: "bagging-1",
      state: "RUNNING",
      previousState: "",
      stateCode: "1",
    });
    const speed = telemetry.find((e) => e.type === "sample" && e.signal === "speed")!;
    expect(Number(speed.value)).toBeGreaterThan(30);
    expect(Number(speed.value)).toBeLessThan(50);
    const counts = telemetry.filter((e) => e.type === "counts");
    const goodTotal = Number(counts.at(-1)!.goodTotal);
    expect(goodTotal).toBeGreaterThan(0);
    expect(counts.every((c) => Number(c.goodDelta) >= 0 && Number(c.rejectDelta) >= 0)).toBe(true);
    const lifetime = telemetry.find((e) => e.type === "sample" && e.signal === "lifetimeUnits")!;
    expect(Number.isInteger(Number(lifetime.value))).toBe(true);

    const metrics = await bridge.registry.metrics();
    expect(metrics).toMatch(/ms5_bridge_tags_read_total\{[^}]*plc="PLC-BAG1"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/ms5_bridge_read_duration_seconds_count\{[^}]*plc="PLC-BAG1"[^}]*\} [1-9]/);
    expect(metrics).toContain("ms5_bridge_buffer_entries");
    const health = bridge.healthChecks();
    expect(await health["plc:PLC-BAG1"]!()).toMatchObject({ ok: true, detail: { connected: true, reconnects: 0 } });
    expect(await health.redis!()).toMatchObject({ ok: true, detail: { bufferedEntries: 0, droppedEntries: 0 } });

    const seqs = telemetry.map((e) => Number(e.seq));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(seqs[0]).toBe(1);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
  });

  it("turns a forced fault into a first-out fault entry with the catalog code and a DOWN state", async () => {
    const emulator = await startPlant();
    cleanups.push(() => emulator.stop());
    const keyPrefix = `${prefix}b:`;
    await startBridge(emulator, keyPrefix);
    const redis = await reader();
    await eventually(
      async () =>
        (await redis.entries(`${keyPrefix}{bagging-1}:telemetry`)).some((e) => e.state === "RUNNING")
          ? true
          : undefined,
      { what: "running" },
    );

    emulator.control.forceFault(BAGGER, 4);
    setTimeout(() => emulator.control.forceFault(BAGGER, 40), 300);

    const faults = await eventually(
      async () => {
        const entries = await redis.entries(`${keyPrefix}{bagging-1}:faults`);
        return entries.length >= 2 ? entries : undefined;
      },
      { what: "both faults" },
    );
    expect(faults.map((f) => [f.edge, f.bitIndex, f.faultCode, f.firstOut])).toEqual([
      ["rising", "4", "BG-004", "true"],
      ["rising", "40", "BG-040", "false"],
    ]);
    const down = (await redis.entries(`${keyPrefix}{bagging-1}:telemetry`)).find((e) => e.state === "DOWN");
    expect(down).toMatchObject({ previousState: "RUNNING", firstOutFaultBit: "4", firstOutFaultCode: "BG-004" });

    emulator.control.clearFaults(BAGGER);
    const cleared = await eventually(
      async () => {
        const entries = (await redis.entries(`${keyPrefix}{bagging-1}:faults`)).filter((f) => f.edge === "falling");
        return entries.length >= 2 ? entries : undefined;
      },
      { what: "falling edges" },
    );
    expect(cleared.map((f) => f.faultCode).sort()).toEqual(["BG-004", "BG-040"]);
  });

  it("keeps a diagnostics snapshot in Redis, apart from the streams, with each tag's value and last change and the connection's health, which expires", async () => {
    const emulator = await startPlant();
    cleanups.push(() => emulator.stop());
    const keyPrefix = `${prefix}diag:`;
    await startBridge(emulator, keyPrefix);
    const redis = createRedisClient({ url: redisUrl });
    await redis.connect();
    cleanups.push(() => redis.destroy());
    const key = diagnosticsSnapshotKey("PLC-BAG1", keyPrefix);
    const snapshot = async () => {
      const raw = await redis.get(key);
      return raw ? diagnosticsSnapshotSchema.parse(JSON.parse(raw)) : undefined;
    };
    const tagOf = (s: Awaited<ReturnType<typeof snapshot>>, name: string) => s?.tags.find((t) => t.name === name);

    const first = await eventually(
      async () => {
        const s = await snapshot();
        return s?.tags.every((t) => t.readAt !== null) ? s : undefined;
      },
      { what: "a snapshot with every tag read" },
    );
    expect(first.connection).toMatchObject({ state: "connected", commsLost: false, failedReads: 0, reconnects: 0 });
    expect(first.connection.goodReads).toBeGreaterThan(0);
    expect(first.connection.lastRoundTripMs).toBeGreaterThan(0);
    expect(first.tags.map((t) => t.name)).toContain(`${BAGGER}.Faults`);
    expect(tagOf(first, `${BAGGER}.Faults`)?.value).toEqual([0, 0]);
    // A LINT cannot travel as a JSON number: it comes as a decimal string
    expect(typeof tagOf(first, `${BAGGER}.Diag_LINT`)?.value).toBe("string");
    const recipeBefore = tagOf(first, `${BAGGER}.Diag_INT`)!;

    emulator.control.forceTag(`${BAGGER}.Diag_INT`, 4321);
    emulator.control.forceFault(BAGGER, 40);
    const changed = await eventually(
      async () => {
        const s = await snapshot();
        return tagOf(s, `${BAGGER}.Diag_INT`)?.value === 4321 ? s : undefined;
      },
      { what: "the forced value in the snapshot" },
    );
    const recipe = tagOf(changed, `${BAGGER}.Diag_INT`)!;
    expect(recipe.changedAt).toBeGreaterThan(recipeBefore.changedAt!);
    const faults = await eventually(
      async () => {
        const value = tagOf(await snapshot(), `${BAGGER}.Faults`)?.value;
        return Array.isArray(value) && value[1] === 1 << 8 ? value : undefined;
      },
      { what: "fault bit 40 in the snapshot" },
    );
    expect(faults[0]).toBe(0);
    // Unchanged reads keep the time of the change, while the read time moves on
    const later = await eventually(
      async () => {
        const s = await snapshot();
        const t = tagOf(s, `${BAGGER}.Diag_INT`);
        return t && t.readAt! > recipe.readAt! ? t : undefined;
      },
      { what: "a later read" },
    );
    expect(later.changedAt).toBe(recipe.changedAt);

    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30);
    expect(await redis.exists(`${keyPrefix}{bagging-1}:diagnostics`)).toBe(0);
  });

  it("publishes COMMS_LOST when the PLC disappears and resumes when it returns, counting the parts made meanwhile", async () => {
    let emulator = await startPlant();
    const port = emulator.port;
    const keyPrefix = `${prefix}c:`;
    const bridge = await startBridge(emulator, keyPrefix);
    const redis = await reader();
    const key = `${keyPrefix}{bagging-1}:telemetry`;
    await eventually(async () => ((await redis.entries(key)).some((e) => e.type === "counts") ? true : undefined), {
      what: "counts",
    });

    const countedBefore = Number(emulator.control.getTag(`${BAGGER}.GoodCount`));
    await emulator.stop();
    const lost = await eventually(async () => (await redis.entries(key)).find((e) => e.state === "COMMS_LOST"), {
      what: "COMMS_LOST",
      timeoutMs: 3_000,
    });
    expect(lost).toMatchObject({ previousState: "RUNNING", stateCode: "" });
    expect(bridge.pollers[0]!.stats.commsLost).toBe(true);

    // The controller comes back on the same address with its counter moved on by 500 parts.
    emulator = await startPlant({ port });
    cleanups.push(() => emulator.stop());
    emulator.control.setTag(`${BAGGER}.GoodCount`, countedBefore + 500);
    const back = await eventually(
      async () => (await redis.entries(key)).find((e) => e.state === "RUNNING" && e.previousState === "COMMS_LOST"),
      { what: "RUNNING again", timeoutMs: 10_000 },
    );
    expect(back).toBeDefined();
    const firstCounts = await eventually(
      async () => {
        const all = await redis.entries(key);
        return all.slice(all.findIndex((e) => e.state === "COMMS_LOST")).find((e) => e.type === "counts");
      },
      { what: "counts after the return" },
    );
    expect(Number(firstCounts.goodDelta)).toBeGreaterThanOrEqual(500);
    const entries = await redis.entries(key);
    const seqs = entries.map((e) => Number(e.seq));
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
  });

  it("publishes a REAL tag's NaN as bad quality, never as a value, and the energy increments after it from the last good reading", async () => {
    const emulator = await startPlant();
    cleanups.push(() => emulator.stop());
    const keyPrefix = `${prefix}nan:`;
    await startBridge(emulator, keyPrefix);
    const redis = await reader();
    const key = `${keyPrefix}{bagging-1}:telemetry`;
    await eventually(
      async () => {
        const entries = await redis.entries(key);
        return entries.some((e) => e.signal === "speed") && entries.some((e) => e.type === "energy") ? true : undefined;
      },
      { what: "speed and energy" },
    );
    // Frozen, the controller keeps what is written: the PLC program now puts NaN in both REAL tags.
    emulator.control.pause();
    const meterBefore = Number(emulator.control.getTag(`${BAGGER}.EnergyKWh`));
    emulator.control.setTag(`${BAGGER}.Speed`, Number.NaN);
    emulator.control.setTag(`${BAGGER}.EnergyKWh`, Number.NaN);
    const bad = await eventually(
      async () => {
        const entries = await redis.entries(key);
        const speed = entries.find((e) => e.signal === "speed" && e.quality === "bad");
        const energy = entries.find((e) => e.type === "energy" && e.quality === "bad");
        return speed && energy ? { speed, energy } : undefined;
      },
      { what: "bad speed and energy" },
    );
    expect(bad.speed).toMatchObject({ value: "", reason: "change" });
    expect(bad.energy).toMatchObject({ meterKwh: "", deltaKwh: "" });

    emulator.control.setTag(`${BAGGER}.Speed`, 38);
    emulator.control.setTag(`${BAGGER}.EnergyKWh`, meterBefore + 0.5);
    const after = await eventually(
      async () => {
        const entries = await redis.entries(key);
        const from = entries.indexOf(entries.find((e) => e.type === "energy" && e.quality === "bad")!);
        const lastGoodBefore = entries.slice(0, from).findLast((e) => e.type === "energy")!;
        const later = entries.slice(from + 1);
        const speed = later.find((e) => e.signal === "speed" && e.quality !== "bad");
        const energy = later.find((e) => e.type === "energy" && e.quality !== "bad");
        return speed && energy ? { speed, energy, lastGoodBefore, all: entries } : undefined;
      },
      { what: "good values again" },
    );
    expect(Number(after.speed.value)).toBe(38);
    // The meter moved on by half a kWh while it read NaN (plus what it made before the pause).
    expect(Number(after.energy.deltaKwh)).toBeCloseTo(
      Number(after.energy.meterKwh) - Number(after.lastGoodBefore.meterKwh),
      5,
    );
    expect(Number(after.energy.deltaKwh)).toBeGreaterThanOrEqual(0.5);
    expect(after.all.some((e) => Object.values(e).includes("NaN"))).toBe(false);
  });

  it("redeployed with an empty buffer folder while Redis keeps the streams, publishes what it reads from its first entry on", async () => {
    const emulator = await startPlant();
    cleanups.push(() => emulator.stop());
    const keyPrefix = `${prefix}redeploy:`;
    const key = `${keyPrefix}{bagging-1}:telemetry`;
    const redis = await reader();
    const first = await startBridge(emulator, keyPrefix);
    await eventually(async () => ((await redis.entries(key)).length >= 30 ? true : undefined), {
      what: "a few dozen entries",
      timeoutMs: 10_000,
    });
    await first.stop();

    // A new folder: the sequence state is gone, Redis still holds the first run's entries.
    const second = await startBridge(emulator, keyPrefix);
    const fresh = await eventually(
      async () => {
        const states = (await redis.entries(key)).filter((e) => e.state === "RUNNING" && e.previousState === "");
        return states.length >= 2 ? states : undefined;
      },
      { what: "the new bridge's first state entry" },
    );
    expect(fresh.map((e) => e.epoch)).toEqual([first.publisher.epoch, second.publisher.epoch]);
    expect(fresh[1]!.seq).toBe("1");
  });
});
