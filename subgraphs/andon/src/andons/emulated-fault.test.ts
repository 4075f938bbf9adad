// The front half of the floor for real: Bagger 1's PLC emulated over EtherNet/IP, the real bridge
// reading its fault bits into the fault stream, and the andon subgraph consuming it. A fault forced
// on the PLC opens one andon with the catalog's priority; the same fault again, while the andon is
// open, updates it instead of opening another.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createLogger } from "@ms5/kit";
import { testRedisPrefix } from "@ms5/kit/testing";
import { type Bridge, createBridge, loadPlantConfigFromDatabase } from "@ms5/plc-bridge";
import { emulatedPlantFromDatabase, type RunningLogixEmulator, startLogixEmulator } from "@ms5/plc-bridge/emulator";
import { eventually } from "@ms5/test-support";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { AndonSubgraph } from "../andon-subgraph.ts";
import { type AndonTestPlant, openAndonTestPlant, startAndonTestSubgraph } from "../testing/andon-test-plant.ts";

const logger = createLogger({ service: "andon-emulated-fault-test", level: "silent" });
const BAGGER_PLC = "PLC-BAG1";
const BAGGER_TAGS = "Program:Bagger1";
/** A catalogued fault of Bagger 1 the test switches off. */
const SWITCHED_OFF_BIT = 5;

describe("a fault forced on the emulated PLC", () => {
  const run = inject("testRun");
  const keyPrefix = `${testRedisPrefix(run.runId)}andon-emulated:`;
  const bufferDir = mkdtempSync(path.join(tmpdir(), "ms5-andon-bridge-"));
  let plant: AndonTestPlant;
  let emulator: RunningLogixEmulator;
  let bridge: Bridge;
  let bridgeOptions: Parameters<typeof createBridge>[0];
  let subgraph: AndonSubgraph;

  beforeAll(async () => {
    plant = await openAndonTestPlant(run, new Date());
    // Switched off before the bridge loads the catalog: its bit keeps its code and raises nothing.
    const bagger = await plant.db.prisma.equipment.findUniqueOrThrow({ where: { code: "BAGGER-1" } });
    await plant.db.prisma.faultCatalogEntry.update({
      where: { equipmentId_bitIndex: { equipmentId: bagger.id, bitIndex: SWITCHED_OFF_BIT } },
      data: { active: false },
    });
    const plc = (await emulatedPlantFromDatabase(plant.db.prisma)).find((candidate) => candidate.name === BAGGER_PLC);
    if (!plc) throw new Error(`the plant model has no ${BAGGER_PLC}`);
    // Scripted, not autonomous: every fault in the stream is one this test forced.
    emulator = await startLogixEmulator({
      port: 0,
      seed: plc.seed,
      equipment: plc.equipment.map((equipment) => ({ ...equipment, autonomous: false })),
    });
    const config = await loadPlantConfigFromDatabase(plant.db.prisma);
    bridgeOptions = {
      plant: {
        plcs: config.plcs
          .filter((candidate) => candidate.name === BAGGER_PLC)
          .map((candidate) => ({ ...candidate, host: emulator.host, port: emulator.port })),
      },
      redisUrl: run.redisUrl,
      bufferDir,
      logger,
      keyPrefix,
    };
    bridge = createBridge(bridgeOptions);
    await bridge.start();
    subgraph = await startAndonTestSubgraph(plant, {
      logger,
      keyPrefix,
      faults: { settings: { blockMs: 100 } },
      scheduler: false,
    });
  });
  afterAll(async () => {
    await subgraph?.close();
    await bridge?.stop();
    await emulator?.stop();
    await plant?.close();
    rmSync(bufferDir, { recursive: true, force: true });
  });

  it("opens one andon with the catalog's type and priority, and a repeat of it updates that andon", async () => {
    const bagger = await plant.db.prisma.equipment.findUniqueOrThrow({ where: { code: "BAGGER-1" } });
    const catalog = await plant.db.prisma.faultCatalogEntry.findUniqueOrThrow({
      where: { equipmentId_bitIndex: { equipmentId: bagger.id, bitIndex: 0 } },
    });
    emulator.control.forceFault(BAGGER_TAGS, 0);
    const andon = await eventually(() =>
      plant.db.prisma.andonEvent.findFirst({ where: { equipmentId: bagger.id, faultCode: catalog.faultCode } }),
    );
    expect(andon).toMatchObject({
      type: catalog.andonType,
      priority: catalog.andonPriority,
      source: "PLC",
      status: "OPEN",
    });
    expect(andon.priority).toBe("CRITICAL");

    emulator.control.clearFaults(BAGGER_TAGS);
    // The falling edge reaches the stream before the fault rises again.
    await eventually(async () => {
      const entries = (await plant.redis.xRange(`${keyPrefix}{bagging-1}:faults`, "-", "+")) ?? [];
      return entries.some((entry) => entry.message.edge === "falling");
    });
    emulator.control.forceFault(BAGGER_TAGS, 0);
    await eventually(async () => {
      const row = await plant.db.prisma.andonEvent.findUniqueOrThrow({ where: { id: andon.id } });
      return row.repeatCount === 1;
    });
    expect(await plant.db.prisma.andonEvent.count({ where: { equipmentId: bagger.id } })).toBe(1);
    const escalation = await plant.db.prisma.escalation.findFirstOrThrow({ where: { andonId: andon.id } });
    expect(escalation).toMatchObject({ kind: "ACKNOWLEDGE", status: "ACTIVE" });
  });

  it("counts no repeat for a fault that stood through a bridge restart, and none opens for a switched-off catalog entry", async () => {
    const bagger = await plant.db.prisma.equipment.findUniqueOrThrow({ where: { code: "BAGGER-1" } });
    const andon = await plant.db.prisma.andonEvent.findFirstOrThrow({ where: { equipmentId: bagger.id } });
    const before = andon.repeatCount;
    emulator.control.forceFault(BAGGER_TAGS, SWITCHED_OFF_BIT);
    const stream = `${keyPrefix}{bagging-1}:faults`;
    const risenAgain = async () =>
      ((await plant.redis.xRange(stream, "-", "+")) ?? []).filter(
        (entry) => entry.message.bitIndex === "0" && entry.message.edge === "rising",
      ).length;
    const risesBefore = await risenAgain();
    // The bridge goes away and comes back while bit 0 (still forced) and the switched-off bit stand.
    await bridge.stop();
    bridge = createBridge(bridgeOptions);
    await bridge.start();
    await eventually(async () => (await risenAgain()) > risesBefore);
    await eventually(async () => {
      const groups = (await plant.redis.xInfoGroups(stream)) as unknown as { pending: number; lag: number }[];
      return groups.every((group) => Number(group.pending) === 0 && Number(group.lag) === 0);
    });
    const after = await plant.db.prisma.andonEvent.findUniqueOrThrow({ where: { id: andon.id } });
    expect(after.repeatCount).toBe(before);
    const switchedOff = await plant.db.prisma.faultCatalogEntry.findUniqueOrThrow({
      where: { equipmentId_bitIndex: { equipmentId: bagger.id, bitIndex: SWITCHED_OFF_BIT } },
    });
    expect(
      await plant.db.prisma.andonEvent.count({
        where: { equipmentId: bagger.id, faultCode: { in: [switchedOff.faultCode, `UNKNOWN-${SWITCHED_OFF_BIT}`] } },
      }),
    ).toBe(0);
  });
});
