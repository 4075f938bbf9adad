// Checks fall due by their plan's sampling rules and an overdue check asks the andon subgraph for a
// quality andon through the request stream (never by writing andon tables), once.

import { testRedisPrefix } from "@ms5/kit/testing";
import { qualityAndonStreamKey } from "@ms5/schema";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { QualitySubgraph } from "../quality-subgraph.ts";
import {
  openQualityTestPlant,
  type QualityTestPlant,
  startQualityTestSubgraph,
} from "../testing/quality-test-plant.ts";

describe("due checks", () => {
  const run = inject("testRun");
  const keyPrefix = `${testRedisPrefix(run.runId)}due-checks:`;
  let plant: QualityTestPlant;
  let subgraph: QualitySubgraph;
  let now = new Date();
  let planId: string;

  beforeAll(async () => {
    plant = await openQualityTestPlant(run, now);
    subgraph = await startQualityTestSubgraph(plant, { keyPrefix, clock: { now: () => now } });
    const lineId = await plant.lineIdOf("bagging-1");
    // The line makes the 25 kg product now: that plan applies, the others are switched off.
    const plan = await plant.db.prisma.qualityCheckTemplate.findFirstOrThrow({
      where: { name: "25 kg bag weight and seal check" },
    });
    await plant.db.prisma.workOrder.deleteMany({
      where: { lineId, plannedStart: { lte: now }, plannedEnd: { gt: now }, jobs: { none: {} } },
    });
    await plant.db.prisma.workOrder.create({
      data: {
        number: "WO-QUALITY-DUE",
        lineId,
        productTypeId: plan.productTypeId!,
        plannedQuantity: 5_000,
        plannedStart: new Date(now.getTime() - 3_600_000),
        plannedEnd: new Date(now.getTime() + 3_600_000),
      },
    });
    await plant.db.prisma.qualityCheckTemplate.updateMany({ where: { id: { not: plan.id } }, data: { active: false } });
    await plant.db.prisma.qualityCheckTemplate.update({
      where: { id: plan.id },
      data: { everyGoodUnits: 1000, frequencyMinutes: null, firstOffAtJobStart: false, overdueAfterMinutes: 15 },
    });
    planId = plan.id;
  });
  afterAll(async () => {
    await subgraph?.close();
    await plant?.close();
  });

  async function countGood(good: number) {
    const bagger = await plant.db.prisma.equipment.findUniqueOrThrow({ where: { code: "BAGGER-1" } });
    await plant.db.prisma.productionCount.create({
      data: {
        equipmentId: bagger.id,
        lineId: bagger.lineId,
        recordedAt: new Date(now.getTime() - 1_000),
        goodDelta: good,
        rejectDelta: 0,
      },
    });
  }

  it("makes no check before the plan's every-N-good-units count is reached", async () => {
    await countGood(999);
    const { created } = await subgraph.scheduler.runOnce();
    expect(created).toEqual([]);
  });

  it("makes one GOOD_UNITS check when 1,000 good units were counted, and no second one for the same units", async () => {
    await countGood(1);
    const first = await subgraph.scheduler.runOnce();
    expect(first.created.map((c) => [c.templateId, c.trigger, c.status])).toEqual([[planId, "GOOD_UNITS", "DUE"]]);
    const again = await subgraph.scheduler.runOnce();
    expect(again.created).toEqual([]);
  });

  it("asks for a quality andon once when the check is still open after its overdue time", async () => {
    const check = await plant.db.prisma.qualityCheck.findFirstOrThrow({
      where: { templateId: planId, trigger: "GOOD_UNITS" },
    });
    now = new Date(check.overdueAt!.getTime() + 1_000);
    const { overdue } = await subgraph.scheduler.runOnce();
    expect(overdue.map((c) => c.id)).toEqual([check.id]);
    const requests = await plant.redis.xRange(qualityAndonStreamKey(keyPrefix), "-", "+");
    expect(requests!.map((r) => [r.message.reason, r.message.subjectId, r.message.lineId])).toEqual([
      ["check-overdue", check.id, check.lineId],
    ]);
    const again = await subgraph.scheduler.runOnce();
    expect(again.overdue).toEqual([]);
    expect(await plant.redis.xLen(qualityAndonStreamKey(keyPrefix))).toBe(1);
  });
});
