// The bridge following plant changes without a restart, against an emulated CompactLogix and an
// emulated SLC 5/05 and the run's Redis: a new tag binding read within moments on the open
// connection, a moved PLC reconnected, an untouched PLC never reconnected, a bad plant refused whole.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createLogger, createRedisClient } from "@ms5/kit";
import { testRedisPrefix } from "@ms5/kit/testing";
import { eventually } from "@ms5/test-support";
import { afterEach, describe, expect, inject, it } from "vitest";
import { startLogixEmulator, startSlcEmulator } from "../emulator/index.ts";
import { createBridge } from "./bridge.ts";
import { type PlantConfig, parsePlantConfig } from "./plant-config.ts";
import { PlantFollower } from "./plant-follower.ts";

const logger = createLogger({ service: "plc-bridge-test", level: "silent" });

function plant(options: { logixPort: number; slcPort: number; loaderTags?: Record<string, unknown> }): PlantConfig {
  return parsePlantConfig({
    plcs: [
      {
        name: "PLC-BAG1",
        host: "127.0.0.1",
        port: options.logixPort,
        timeoutMs: 500,
        equipment: [
          {
            code: "BAGGER-1",
            line: "bagging-1",
            tagPrefix: "Program:Bagger1",
            tags: {
              running: { tag: "Running", type: "BOOL", scanMs: 100 },
              goodCount: { tag: "GoodCount", type: "DINT", scanMs: 200 },
            },
          },
        ],
      },
      {
        name: "PLC-LOAD1",
        driver: "SLC_PCCC",
        host: "127.0.0.1",
        port: options.slcPort,
        timeoutMs: 500,
        equipment: [
          {
            code: "LOADER-1",
            line: "loading-1",
            tags: {
              stateCode: { tag: "N7:0", type: "INT", scanMs: 100 },
              faultWords: { tag: "B3:0", type: "INT", length: 4, scanMs: 100 },
              goodCount: { tag: "N7:1", type: "INT", scanMs: 200 },
              ...options.loaderTags,
            },
            faultCatalog: [{ bitIndex: 17, faultCode: "BL-017", text: "Hoist over-travel limit" }],
          },
        ],
      },
    ],
  });
}

describe("the bridge following plant changes", () => {
  const { runId, redisUrl } = inject("testRun");
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function startPlant(name: string) {
    const machine = { targetSpeedPerMinute: 60, faultWords: 2 as const, faultBits: [17], autonomous: false };
    const logix = await startLogixEmulator({ port: 0, equipment: [{ ...machine, tagPrefix: "Program:Bagger1" }] });
    const slc = await startSlcEmulator({ port: 0, equipment: [{ ...machine, tagPrefix: "" }] });
    cleanups.push(
      () => logix.stop(),
      () => slc.stop(),
    );
    const keyPrefix = `${testRedisPrefix(runId)}follow-${name}:`;
    const bufferDir = mkdtempSync(path.join(tmpdir(), "ms5-bridge-follow-"));
    const bridge = createBridge({
      plant: plant({ logixPort: logix.port, slcPort: slc.port }),
      redisUrl,
      bufferDir,
      logger,
      keyPrefix,
    });
    await bridge.start();
    cleanups.push(async () => {
      await bridge.stop();
      rmSync(bufferDir, { recursive: true, force: true });
    });
    const redis = createRedisClient({ url: redisUrl });
    await redis.connect();
    cleanups.push(() => redis.destroy());
    const entries = async (line: string) =>
      ((await redis.xRange(`${keyPrefix}{${line}}:telemetry`, "-", "+")) ?? []).map((e) => e.message);
    return { logix, slc, bridge, entries };
  }

  it("reads a new tag binding on the SLC's open connection within moments, and never reconnects the untouched Logix", async () => {
    const { logix, slc, bridge, entries } = await startPlant("retag");
    await eventually(
      async () =>
        (await entries("loading-1")).some((e) => e.type === "state") &&
        (await entries("bagging-1")).some((e) => e.type === "state")
          ? true
          : undefined,
      { what: "both PLCs read" },
    );
    slc.control.setTag("F8:40", 81.5);
    let changed = plant({ logixPort: logix.port, slcPort: slc.port });
    const follower = new PlantFollower({ load: async () => changed, bridge, logger, rereadMs: 0 });
    cleanups.push(() => follower.stop());
    changed = plant({
      logixPort: logix.port,
      slcPort: slc.port,
      loaderTags: { hoistTemperature: { tag: "F8:40", type: "REAL", scanMs: 100, deadband: 0.1 } },
    });
    const editedAt = performance.now();
    follower.changed();
    const sample = await eventually(
      async () => (await entries("loading-1")).find((e) => e.type === "sample" && e.signal === "hoistTemperature"),
      { what: "the new binding's first sample" },
    );
    console.log(`plant change to first read of the new binding: ${Math.round(performance.now() - editedAt)} ms`);
    expect(Number(sample.value)).toBeCloseTo(81.5, 3);
    expect(logix.control.stats().connectionsAccepted).toBe(1);
    expect(slc.control.stats().connectionsAccepted).toBe(1);
    expect(bridge.pollers).toHaveLength(2);
  });

  it("reconnects a PLC whose address changed to the controller now named, the other keeping its connection", async () => {
    const { logix, bridge } = await startPlant("move");
    const replacement = await startSlcEmulator({
      port: 0,
      equipment: [{ tagPrefix: "", targetSpeedPerMinute: 60, faultWords: 2, faultBits: [], autonomous: false }],
    });
    cleanups.push(() => replacement.stop());
    const applied = bridge.applyPlant(plant({ logixPort: logix.port, slcPort: replacement.port }));
    expect(applied).toMatchObject({ reconnected: ["PLC-LOAD1"], unchanged: ["PLC-BAG1"], added: [], removed: [] });
    await eventually(async () => (replacement.control.stats().tagsRead > 0 ? true : undefined), {
      what: "a read from the replacement",
    });
    expect(await bridge.healthChecks()["plc:PLC-LOAD1"]!()).toMatchObject({ detail: { connected: true } });
    expect(logix.control.stats().connectionsAccepted).toBe(1);
  });

  it("refuses a plant with a malformed SLC address whole: nothing applied, both PLCs keep polling", async () => {
    const { logix, slc, bridge } = await startPlant("refuse");
    const follower = new PlantFollower({
      load: async () =>
        plant({
          logixPort: logix.port,
          slcPort: slc.port,
          loaderTags: { speed: { tag: "F8", type: "REAL", scanMs: 100 } },
        }),
      bridge,
      logger,
      rereadMs: 0,
    });
    cleanups.push(() => follower.stop());
    const pollersBefore = bridge.pollers;
    const outcome = await follower.reloadNow();
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).message).toMatch(/tags\.speed\.tag: F8: no element/);
    expect(follower.refused).toBe(1);
    expect(bridge.pollers).toEqual(pollersBefore);
    const readsBefore = slc.control.stats().tagsRead;
    await eventually(async () => (slc.control.stats().tagsRead > readsBefore ? true : undefined), {
      what: "the SLC still read",
    });
  });
});
