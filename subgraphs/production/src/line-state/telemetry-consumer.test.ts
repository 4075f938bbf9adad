// Telemetry entries as the bridge writes them, through Redis and the consumer group, into the
// state log, live state, downtime events and counts: against the run's real Redis and a fresh
// database with the demo plant.
import type { TestDatabase } from "@ms5/db/test-database";
import { createLogger, type RedisClient, type StreamConsumer } from "@ms5/kit";
import { testRedisPrefix } from "@ms5/kit/testing";
import { STREAM_SCHEMA_VERSION, streamKey } from "@ms5/schema";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openSeededTestPlant, plcStateFields } from "../testing/production-test-plant.ts";
import type { LineStateChange } from "./apply-telemetry-entry.ts";
import { startTelemetryConsumer } from "./telemetry-consumer.ts";

const logger = createLogger({ service: "production-test", level: "silent" });

describe("the telemetry consumer", () => {
  const testRun = inject("testRun");
  const { runId } = testRun;
  const keyPrefix = `${testRedisPrefix(runId)}production:`;
  const stream = streamKey("bagging-1", "telemetry", keyPrefix);
  let db: TestDatabase;
  let redis: RedisClient;
  let consumer: StreamConsumer;
  const changes: LineStateChange[] = [];
  let seq = 0;
  const t0 = Date.UTC(2026, 10, 27, 8, 0, 0);

  beforeAll(async () => {
    ({ db, redis } = await openSeededTestPlant(testRun, new Date(t0)));
    consumer = await startTelemetryConsumer({
      prisma: db.prisma,
      redis,
      logger,
      consumerName: "test-1",
      keyPrefix,
      onChanges: (c) => changes.push(...c),
      // Quick retries, so the dead-letter test does not wait out production's 30 s claim delay.
      settings: { blockMs: 100, claimIdleMs: 100, claimIntervalMs: 50, maxDeliveries: 2 },
    });
  });
  afterAll(async () => {
    await consumer.stop();
    redis.destroy();
    await db.drop();
  });

  async function publish(equipment: string, atSeconds: number, fields: Record<string, string>) {
    seq++;
    return redis.xAdd(stream, "*", {
      v: STREAM_SCHEMA_VERSION,
      plc: "PLC-BAG1",
      seq: String(seq),
      equipment,
      line: "bagging-1",
      ts: String(t0 + atSeconds * 1000),
      ...fields,
    });
  }

  async function settled() {
    for (let i = 0; i < 200; i++) {
      const [lag] = await consumer.lag();
      if (lag!.lag === 0 && lag!.pending === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error("consumer did not catch up");
  }

  it("opens a downtime event with the reason suggested from the first-out fault, and closes it when the bagger runs again", async () => {
    await publish("BAGGER-1", 0, plcStateFields("RUNNING", { stateCode: "1" }));
    await publish(
      "BAGGER-1",
      600,
      plcStateFields("DOWN", { stateCode: "3", firstOutFaultCode: "BG-004", firstOutFaultBit: "4" }),
    );
    await publish("BAGGER-1", 900, plcStateFields("RUNNING", { stateCode: "1" }));
    await settled();

    const bagger = await db.prisma.equipment.findUniqueOrThrow({ where: { code: "BAGGER-1" } });
    const [stop] = await db.prisma.downtimeEvent.findMany({
      where: { equipmentId: bagger.id },
      include: { suggestedReasonCode: true, audits: true },
    });
    expect(stop).toMatchObject({
      category: "UNPLANNED",
      source: "PLC",
      firstOutFaultCode: "BG-004",
      isMicroStop: false,
      reasonCodeId: null,
    });
    expect(stop!.suggestedReasonCode?.code).toBe("UNPL-MECH-JAW");
    expect((stop!.endedAt!.getTime() - stop!.startedAt.getTime()) / 1000).toBe(300);
    expect(stop!.audits.map((a) => a.action).sort()).toEqual(["CLOSED", "OPENED", "REASON_SUGGESTED"]);

    const log = await db.prisma.equipmentStateChange.findMany({
      where: { equipmentId: bagger.id },
      orderBy: { startedAt: "asc" },
    });
    expect(log.map((s) => [s.state, s.endedAt === null])).toEqual([
      ["RUNNING", false],
      ["DOWN", false],
      ["RUNNING", true],
    ]);
    const line = await db.prisma.lineLiveState.findUniqueOrThrow({ where: { lineId: bagger.lineId } });
    expect(line.state).toBe("RUNNING");
    expect(changes.some((c) => c.kind === "line-state" && c.state === "DOWN")).toBe(true);
  });

  it("keeps short stops apart as micro-stops", async () => {
    await publish("BAGGER-1", 1_000, plcStateFields("IDLE", { stateCode: "2" }));
    await publish("BAGGER-1", 1_030, plcStateFields("RUNNING", { stateCode: "1" }));
    await settled();
    const stop = await db.prisma.downtimeEvent.findFirstOrThrow({ where: { startedAt: new Date(t0 + 1_000_000) } });
    expect(stop).toMatchObject({ isMicroStop: true, category: "UNPLANNED" });
  });

  it("never counts comms loss as downtime: a stop ends where knowledge of it ends", async () => {
    await publish(
      "BAGGER-1",
      2_000,
      plcStateFields("DOWN", { stateCode: "3", firstOutFaultCode: "BG-003", firstOutFaultBit: "3" }),
    );
    await publish("BAGGER-1", 2_100, plcStateFields("COMMS_LOST"));
    await publish("BAGGER-1", 2_700, plcStateFields("RUNNING", { stateCode: "1" }));
    await settled();
    const stops = await db.prisma.downtimeEvent.findMany({ where: { startedAt: { gte: new Date(t0 + 2_000_000) } } });
    expect(stops).toHaveLength(1);
    expect((stops[0]!.endedAt!.getTime() - stops[0]!.startedAt.getTime()) / 1000).toBe(100);
    const live = await db.prisma.equipmentLiveState.findFirstOrThrow({ where: { equipment: { code: "BAGGER-1" } } });
    expect(live).toMatchObject({ state: "RUNNING", commsOk: true });
  });

  it("records one stop for one DOWN when a restarted bridge reports the state the bagger is already in", async () => {
    const down = plcStateFields("DOWN", { stateCode: "3", firstOutFaultCode: "BG-004", firstOutFaultBit: "4" });
    await publish("BAGGER-1", 3_000, down);
    // The bridge restarted mid-stop: its first read reports DOWN again, as a change from nothing.
    await publish("BAGGER-1", 3_040, { ...down, previousState: "" });
    await publish("BAGGER-1", 3_300, plcStateFields("RUNNING", { stateCode: "1" }));
    await settled();
    const stops = await db.prisma.downtimeEvent.findMany({
      where: { startedAt: { gte: new Date(t0 + 3_000_000) }, supersededAt: null },
    });
    expect(stops).toHaveLength(1);
    expect((stops[0]!.endedAt!.getTime() - stops[0]!.startedAt.getTime()) / 1000).toBe(300);
  });

  it("records counts, energy and samples once each, however often an entry is delivered", async () => {
    await publish("BAGGER-1", 3_000, {
      type: "counts",
      goodDelta: "40",
      rejectDelta: "1",
      goodTotal: "1040",
      rejectTotal: "11",
    });
    await publish("BAGGER-1", 3_000, { type: "energy", meterKwh: "1200.5", deltaKwh: "0.25" });
    const sampleId = await publish("BAGGER-1", 3_000, {
      type: "sample",
      signal: "speed",
      value: "39.5",
      reason: "change",
    });
    await settled();
    // Redeliver the sample as a consumer that crashed before XACK would see it again.
    const { applyTelemetryEntry } = await import("./apply-telemetry-entry.ts");
    const { parseTelemetryEntry } = await import("./telemetry-entry.ts");
    const [raw] = (await redis.xRange(stream, sampleId, sampleId)) ?? [];
    const bagger = await db.prisma.equipment.findUniqueOrThrow({
      where: { code: "BAGGER-1" },
      include: { line: true },
    });
    const ref = { id: bagger.id, lineId: bagger.lineId, isConstraint: true, microStopThresholdSeconds: 120 };
    await applyTelemetryEntry(
      db.prisma,
      parseTelemetryEntry(raw!.message),
      { stream, id: sampleId, group: "production" },
      ref,
    );

    expect(await db.prisma.productionCount.aggregate({ _sum: { goodDelta: true, rejectDelta: true } })).toMatchObject({
      _sum: { goodDelta: 40, rejectDelta: 1 },
    });
    expect(await db.prisma.energyReading.count()).toBe(1);
    expect(await db.prisma.telemetrySample.count({ where: { signal: "speed" } })).toBe(1);
    const live = await db.prisma.equipmentLiveState.findUniqueOrThrow({ where: { equipmentId: bagger.id } });
    expect(live.speedPerMinute).toBe(39.5);
  });

  it("accepts a sample and an energy reading of bad quality (a NaN at the PLC) and records no value for them", async () => {
    const samplesBefore = await db.prisma.telemetrySample.count({ where: { signal: "speed" } });
    const energyBefore = await db.prisma.energyReading.count();
    await publish("BAGGER-1", 4_000, { type: "sample", signal: "speed", value: "", reason: "change", quality: "bad" });
    await publish("BAGGER-1", 4_000, { type: "energy", meterKwh: "", deltaKwh: "", quality: "bad" });
    await publish("BAGGER-1", 4_001, { type: "sample", signal: "speed", value: "41", reason: "change" });
    await settled();

    expect(await redis.xLen(`${keyPrefix}dead-letter:production`)).toBe(0);
    expect(await db.prisma.telemetrySample.count({ where: { signal: "speed" } })).toBe(samplesBefore + 1);
    expect(await db.prisma.energyReading.count()).toBe(energyBefore);
    const live = await db.prisma.equipmentLiveState.findFirstOrThrow({ where: { equipment: { code: "BAGGER-1" } } });
    expect(live.speedPerMinute).toBe(41);
  });

  it("dead-letters an entry from an unknown schema version instead of guessing", async () => {
    await redis.xAdd(stream, "*", {
      v: "99",
      type: "state",
      plc: "PLC-BAG1",
      seq: "9999",
      equipment: "BAGGER-1",
      line: "bagging-1",
      ts: String(t0),
      state: "RUNNING",
    });
    const deadLetters = `${keyPrefix}dead-letter:production`;
    for (let i = 0; i < 100 && (await redis.xLen(deadLetters)) === 0; i++) await new Promise((r) => setTimeout(r, 25));
    const [dead] = (await redis.xRange(deadLetters, "-", "+")) ?? [];
    expect(dead?.message.error).toContain("unsupported stream schema version");
  });
});
