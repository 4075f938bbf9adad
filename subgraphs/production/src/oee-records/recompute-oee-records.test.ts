// OEE buckets recomputed from the event log of a real database, worked by hand.
import { seedPlant } from "@ms5/db/seed";
import { createTestDatabase, type TestDatabase } from "@ms5/db/test-database";
import { STREAM_SCHEMA_VERSION } from "@ms5/schema";
import { parseStreamEntry } from "@ms5/schema/stream-entries";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { applyTelemetryEntry, type TelemetryEquipment } from "../line-state/apply-telemetry-entry.ts";
import { recomputeOeeRecords } from "./recompute-oee-records.ts";

describe("OEE records", () => {
  const { runId, databaseServerUrl, templateDatabase } = inject("testRun");
  let db: TestDatabase;
  let bagger: TelemetryEquipment;
  const at = (hhmm: string) => new Date(`2026-11-27T${hhmm}:00.000Z`);
  const hour = { from: at("08:00"), to: at("09:00"), bucket: "HOUR" as const, now: at("10:00") };

  beforeAll(async () => {
    db = await createTestDatabase({ serverUrl: databaseServerUrl, runId, templateDatabase });
    await seedPlant(db.prisma, { fastHashing: true, now: at("08:00") });
    const row = await db.prisma.equipment.findUniqueOrThrow({ where: { code: "BAGGER-1" }, include: { line: true } });
    bagger = {
      id: row.id,
      lineId: row.lineId,
      isConstraint: row.isConstraint,
      microStopThresholdSeconds: row.line.microStopThresholdSeconds,
    };

    // Friday 27 Nov, 08:00-09:00 UTC: Bagger 1 runs Maize Meal 10 kg (ideal cycle 1.5 s, WO slot 04:00-16:00),
    // stops 10 minutes on a jaw jam at 08:20, and counts 1,800 good and 20 rejected bags.
    let seq = 0;
    const apply = (ts: Date, fields: Record<string, string>) =>
      applyTelemetryEntry(
        db.prisma,
        parseStreamEntry("telemetry", {
          v: STREAM_SCHEMA_VERSION,
          plc: "PLC-BAG1",
          seq: String(++seq),
          equipment: "BAGGER-1",
          line: "bagging-1",
          ts: String(ts.getTime()),
          ...fields,
        }),
        { stream: "test", id: `${seq}-0`, group: "production" },
        bagger,
      );
    await apply(at("08:00"), { type: "state", state: "RUNNING", stateCode: "1" });
    await apply(at("08:20"), {
      type: "state",
      state: "DOWN",
      stateCode: "3",
      firstOutFaultCode: "BG-004",
      firstOutFaultBit: "4",
    });
    await apply(at("08:30"), { type: "state", state: "RUNNING", stateCode: "1" });
    for (let minute = 0; minute < 60; minute++) {
      if (minute >= 20 && minute < 30) continue;
      await apply(new Date(at("08:00").getTime() + minute * 60_000 + 30_000), {
        type: "counts",
        goodDelta: "36",
        rejectDelta: minute % 5 === 0 ? "2" : "0",
      });
    }
  });
  afterAll(async () => {
    await db.drop();
  });

  it("match the hand-worked hour: A 0.8333, P 0.91, Q 0.9890, OEE 0.75, with the stop as a breakdown", async () => {
    // Planned 3,600 s (no break in this hour); stop 600 s -> run 3,000 s; A = 3000/3600.
    // Total 1,800 + 20 = 1,820 bags x 1.5 s = 2,730 s net run -> P = 2730/3000 = 0.91.
    // Q = 1800/1820 = 0.98901. OEE = 0.8333 x 0.91 x 0.98901 = 0.75 = (1800 x 1.5)/3600.
    const [result] = await recomputeOeeRecords(db.prisma, { equipmentId: bagger.id, ...hour });
    expect(result!.goodCount).toBe(1_800);
    const record = await db.prisma.oeeRecord.findFirstOrThrow({
      where: { equipmentId: bagger.id, bucket: "HOUR", bucketStart: at("08:00") },
    });
    expect(record.plannedProductionSeconds).toBe(3_600);
    expect(record.runSeconds).toBe(3_000);
    expect(record.availability).toBeCloseTo(0.8333, 4);
    expect(record.performance).toBeCloseTo(0.91, 4);
    expect(record.quality).toBeCloseTo(0.98901, 4);
    expect(record.oee).toBeCloseTo(0.75, 4);
    expect(record).toMatchObject({
      totalCount: 1_820,
      goodCount: 1_800,
      rejectCount: 20,
      breakdownSeconds: 600,
      setupAdjustmentSeconds: 0,
    });
    expect(record.reducedSpeedSeconds).toBeCloseTo(270, 6);
    expect(record.productionRejectSeconds).toBeCloseTo(30, 6);
    const line = await db.prisma.oeeRecord.findFirstOrThrow({
      where: { scope: "LINE", lineId: bagger.lineId, bucketStart: at("08:00") },
    });
    expect(line.oee).toBeCloseTo(0.75, 4);
  });

  it("moves a reclassified stop to its new loss on recomputation, leaving OEE as it was", async () => {
    const stop = await db.prisma.downtimeEvent.findFirstOrThrow({
      where: { equipmentId: bagger.id, startedAt: at("08:20") },
    });
    const adjustment = await db.prisma.reasonCode.findUniqueOrThrow({ where: { code: "CHG-ADJUST" } });
    await db.prisma.downtimeEvent.update({
      where: { id: stop.id },
      data: { reasonCodeId: adjustment.id, confirmedAt: at("09:30") },
    });
    await recomputeOeeRecords(db.prisma, { equipmentId: bagger.id, ...hour });
    const record = await db.prisma.oeeRecord.findFirstOrThrow({
      where: { equipmentId: bagger.id, bucket: "HOUR", bucketStart: at("08:00") },
    });
    expect(record).toMatchObject({ breakdownSeconds: 0, setupAdjustmentSeconds: 600 });
    expect(record.oee).toBeCloseTo(0.75, 4);
  });

  it("are idempotent: recomputing a range again rewrites the same rows", async () => {
    const before = await db.prisma.oeeRecord.count();
    await recomputeOeeRecords(db.prisma, { equipmentId: bagger.id, ...hour });
    await recomputeOeeRecords(db.prisma, {
      equipmentId: bagger.id,
      from: at("08:00"),
      to: at("09:00"),
      bucket: "MINUTE",
      now: at("10:00"),
    });
    await recomputeOeeRecords(db.prisma, {
      equipmentId: bagger.id,
      from: at("08:00"),
      to: at("09:00"),
      bucket: "MINUTE",
      now: at("10:00"),
    });
    expect(await db.prisma.oeeRecord.count()).toBe(before + 2 * 60);
    const minutes = await db.prisma.oeeRecord.findMany({ where: { scope: "EQUIPMENT", bucket: "MINUTE" } });
    expect(minutes.reduce((sum, m) => sum + m.goodCount, 0)).toBe(1_800);
    expect(minutes.reduce((sum, m) => sum + m.runSeconds, 0)).toBe(3_000);
  });

  it("never computes the future: a bucket that is still running ends at now", async () => {
    const [current] = await recomputeOeeRecords(db.prisma, {
      equipmentId: bagger.id,
      from: at("08:00"),
      to: at("09:00"),
      bucket: "HOUR",
      now: at("08:45"),
    });
    expect(current!.plannedProductionSeconds).toBe(45 * 60);
  });
});
