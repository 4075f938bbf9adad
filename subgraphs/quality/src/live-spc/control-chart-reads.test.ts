// Charts served from one statement over the stored subgroup statistics and cached per process: an
// unchanged chart is computed once, a new subgroup or new limits make the next read fresh, and the
// capability pooled from the statistics equals the one over every stored value.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { processCapability } from "../spc/process-capability.ts";
import { subgroupStatistics } from "../spc/subgroup-statistics.ts";
import { openQualityTestPlant, type QualityTestPlant } from "../testing/quality-test-plant.ts";
import { ControlChartCache } from "./control-chart-reads.ts";
import { recordSubgroups } from "./spc-subgroups.ts";

describe("control charts read from stored statistics, cached until they change", () => {
  const run = inject("testRun");
  let plant: QualityTestPlant;
  let characteristic: { id: string; lineId: string; equipmentId: string };
  const values: number[][] = [];

  async function addSubgroups(count: number, centre: number) {
    const at = new Date();
    const subgroups = Array.from({ length: count }, (_, i) => {
      const sample = [0, 1, 2, 3, 4].map((j) => centre + (((i * 7 + j * 3) % 11) - 5) * 0.004);
      values.push(sample);
      const stats = subgroupStatistics(sample);
      return {
        characteristicId: characteristic.id,
        lineId: characteristic.lineId,
        equipmentId: characteristic.equipmentId,
        source: "LIVE" as const,
        checkId: null,
        size: 5,
        values: sample,
        mean: stats.mean,
        range: stats.range,
        stdDev: stats.stdDev,
        nonconforming: null,
        inspected: null,
        firstAt: at,
        lastAt: at,
      };
    });
    await plant.db.prisma.$transaction((tx) => recordSubgroups(tx, characteristic.id, subgroups));
  }

  beforeAll(async () => {
    plant = await openQualityTestPlant(run, new Date());
    const row = await plant.db.prisma.qualityCharacteristic.findFirstOrThrow({
      where: { liveSignal: "weight" },
      include: { template: { include: { equipment: true } } },
    });
    characteristic = { id: row.id, lineId: row.template.equipment!.lineId, equipmentId: row.template.equipmentId! };
    await addSubgroups(30, 25.1);
  });
  afterAll(async () => {
    await plant?.close();
  });

  it("computes an unchanged chart once and serves the same result again", async () => {
    const cache = new ControlChartCache(plant.db.prisma);
    const first = await cache.chart(characteristic.id, 1000);
    expect(first!.points).toHaveLength(30);
    expect(await cache.chart(characteristic.id, 1000)).toBe(first);
    // Another length is another chart.
    expect((await cache.chart(characteristic.id, 10))!.points.map((p) => p.sequence)).toEqual(
      Array.from({ length: 10 }, (_, i) => 21 + i),
    );
  });

  it("reads again after a new subgroup, with its violations and their subgroups", async () => {
    const cache = new ControlChartCache(plant.db.prisma);
    const before = await cache.chart(characteristic.id, 1000);
    await addSubgroups(1, 26.1);
    const after = (await cache.chart(characteristic.id, 1000))!;
    expect(after).not.toBe(before);
    expect(after.points).toHaveLength(31);
    const last = after.points[30]!;
    expect(last.zone).toBe("OUT");
    expect(last.rules).toContain("WE1");
    const violation = after.violations.find((v) => v.rule === "WE1" && v.chart === "location")!;
    expect(after.violatedSubgroups.get(violation.subgroupId)).toEqual({ sequence: 31, lineId: characteristic.lineId });
  });

  it("reads again after new limits are frozen", async () => {
    const cache = new ControlChartCache(plant.db.prisma);
    const before = (await cache.chart(characteristic.id, 1000))!;
    await plant.db.prisma.spcControlLimits.update({
      where: { id: before.limits!.id },
      data: { supersededAt: new Date() },
    });
    const { id: _id, frozenAt: _at, supersededAt: _s, ...kept } = before.limits!;
    const replacement = await plant.db.prisma.spcControlLimits.create({ data: { ...kept, reason: "test: refrozen" } });
    expect((await cache.chart(characteristic.id, 1000))!.limits!.id).toBe(replacement.id);
  });

  it("states the capability over every stored value though it reads only the statistics", async () => {
    const chart = (await new ControlChartCache(plant.db.prisma).chart(characteristic.id, 1000))!;
    const row = await plant.db.prisma.qualityCharacteristic.findUniqueOrThrow({ where: { id: characteristic.id } });
    const expected = processCapability({
      values: values.flat(),
      lowerSpec: row.lowerSpec,
      upperSpec: row.upperSpec,
      sigmaWithin: chart.limits!.sigmaWithin,
      sigmaMethod: "R̄/d2",
    })!;
    expect(chart.capability!.sampleCount).toBe(values.length * 5);
    expect(chart.capability!.mean).toBeCloseTo(expected.mean, 9);
    expect(chart.capability!.sigmaOverall).toBeCloseTo(expected.sigmaOverall, 9);
    expect(chart.capability!.ppk).toBeCloseTo(expected.ppk!, 6);
  });
});
