// A batch of telemetry entries written with one statement per table: the same rows as entry by
// entry, and a redelivered batch (a consumer killed after the commit, before XACK) changes nothing.
import { STREAM_SCHEMA_VERSION } from "@ms5/schema";
import { parseStreamEntry } from "@ms5/schema/stream-entries";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openSeededTestPlant, plcStateFields, type SeededTestPlant } from "../testing/production-test-plant.ts";
import { applyTelemetryBatch, type BatchedTelemetryEntry } from "./apply-telemetry-batch.ts";
import type { LineStateChange, TelemetryEquipment } from "./apply-telemetry-entry.ts";

describe("applying a batch of telemetry entries", () => {
  const testRun = inject("testRun");
  const t0 = Date.UTC(2026, 10, 27, 8, 0, 0);
  let plant: SeededTestPlant;
  let bagger: TelemetryEquipment;

  beforeAll(async () => {
    plant = await openSeededTestPlant(testRun, new Date(t0));
    const row = await plant.db.prisma.equipment.findUniqueOrThrow({ where: { code: "BAGGER-1" } });
    bagger = { id: row.id, lineId: row.lineId, isConstraint: true, microStopThresholdSeconds: 120 };
  });
  afterAll(async () => {
    plant.redis.destroy();
    await plant.db.drop();
  });

  function batchOf(fields: Record<string, string>[], offset = 0): BatchedTelemetryEntry[] {
    return fields.map((extra, j) => ({
      entry: parseStreamEntry("telemetry", {
        v: STREAM_SCHEMA_VERSION,
        plc: "PLC-BAG1",
        seq: String(offset + j + 1),
        equipment: "BAGGER-1",
        line: "bagging-1",
        ts: String(t0 + (offset + j) * 1_000),
        ...extra,
      }),
      source: { stream: "batch-test", id: `${t0 + offset + j}-0`, group: "production" },
      equipment: bagger,
    }));
  }

  async function rowCounts() {
    const prisma = plant.db.prisma;
    const [counts, samples, energy, states, stops] = await Promise.all([
      prisma.productionCount.aggregate({ _count: true, _sum: { goodDelta: true, rejectDelta: true } }),
      prisma.telemetrySample.findMany({ orderBy: { recordedAt: "asc" }, select: { signal: true, value: true } }),
      prisma.energyReading.count(),
      prisma.equipmentStateChange.count(),
      prisma.downtimeEvent.count(),
    ]);
    return { counts, samples, energy, states, stops };
  }

  it("writes every kind of entry once, and a redelivered batch changes nothing and announces nothing", async () => {
    const batch = batchOf([
      plcStateFields("RUNNING", { stateCode: "1" }),
      { type: "counts", goodDelta: "12", rejectDelta: "1" },
      { type: "sample", signal: "speed", value: "39.5" },
      { type: "energy", meterKwh: "100.5", deltaKwh: "0.25" },
      plcStateFields("DOWN", { stateCode: "3", firstOutFaultCode: "BG-004", firstOutFaultBit: "4" }),
      { type: "counts", goodDelta: "3", rejectDelta: "0" },
      { type: "sample", signal: "speed", value: "0" },
      plcStateFields("RUNNING", { stateCode: "1" }),
    ]);

    const first = await applyTelemetryBatch(plant.db.prisma, batch);
    const after = await rowCounts();
    expect(after.counts).toEqual({ _count: 2, _sum: { goodDelta: 15, rejectDelta: 1 } });
    expect(after.samples).toEqual([
      { signal: "speed", value: 39.5 },
      { signal: "speed", value: 0 },
    ]);
    expect(after).toMatchObject({ energy: 1, states: 3, stops: 1 });
    expect(first.filter((change) => change.kind === "counts")).toHaveLength(2);
    expect(first.filter((change) => change.kind === "downtime-started")).toHaveLength(1);
    const live = await plant.db.prisma.equipmentLiveState.findUniqueOrThrow({ where: { equipmentId: bagger.id } });
    // The newest speed of the batch, not the first.
    expect(live.speedPerMinute).toBe(0);

    const again = await applyTelemetryBatch(plant.db.prisma, batch);
    expect(again).toEqual([]);
    expect(await rowCounts()).toEqual(after);
  });

  it("announces each state change as it commits, in stream order, and returns only the other changes", async () => {
    const batch = batchOf(
      [
        { type: "counts", goodDelta: "4", rejectDelta: "0" },
        plcStateFields("IDLE", { stateCode: "2" }),
        { type: "sample", signal: "speed", value: "12" },
        plcStateFields("RUNNING", { stateCode: "1" }),
      ],
      100,
    );
    const announced: LineStateChange[][] = [];
    const returned = await applyTelemetryBatch(plant.db.prisma, batch, {
      onStateChanges: (changes) => announced.push(changes),
    });

    // One announcement per state entry, in stream order: the IDLE opens a stop, the RUNNING ends it.
    expect(announced).toHaveLength(2);
    expect(announced[0]).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "equipment-state", state: "IDLE" }),
        expect.objectContaining({ kind: "downtime-started" }),
      ]),
    );
    expect(announced[1]).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "equipment-state", state: "RUNNING" }),
        expect.objectContaining({ kind: "downtime-ended" }),
      ]),
    );
    // Announced once: what is returned is the rest of the batch's changes.
    expect(returned).toEqual([expect.objectContaining({ kind: "counts", good: 4 })]);
    const live = await plant.db.prisma.equipmentLiveState.findUniqueOrThrow({ where: { equipmentId: bagger.id } });
    expect(live).toMatchObject({ state: "RUNNING", speedPerMinute: 12 });
  });

  it("keeps the newest live speed when an older sample is applied after it", async () => {
    const newer = batchOf([{ type: "sample", signal: "speed", value: "41" }], 1_000);
    const older = batchOf([{ type: "sample", signal: "speed", value: "7" }], 900);
    await applyTelemetryBatch(plant.db.prisma, newer);
    await applyTelemetryBatch(plant.db.prisma, older);
    const live = await plant.db.prisma.equipmentLiveState.findUniqueOrThrow({ where: { equipmentId: bagger.id } });
    expect(live.speedPerMinute).toBe(41);
    // Both samples are recorded all the same.
    const samples = await plant.db.prisma.telemetrySample.findMany({
      where: { equipmentId: bagger.id, signal: "speed", value: { in: [41, 7] } },
    });
    expect(samples).toHaveLength(2);
  });
});
