// Alert rules evaluated on a controllable clock against rows the production subgraph writes.
import type { Equipment, PrismaClient, User } from "@ms5/db";
import type { TestDatabase } from "@ms5/db/test-database";
import { createLogger, createRedisClient, ManualClock, type RedisClient } from "@ms5/kit";
import { testRedisPrefix } from "@ms5/kit/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { NotificationDispatcher } from "../notifications/notification-dispatcher.ts";
import { insertTestEquipment, insertTestUser, openTestDatabase } from "../notifications/notification-test-support.ts";
import { observeAlertValue } from "./alert-conditions.ts";
import { AlertEvaluator } from "./alert-evaluator.ts";
import { createAlertRule, updateAlertRule } from "./alert-rules.ts";

describe("AlertEvaluator", () => {
  const run = inject("testRun");
  const logger = createLogger({ service: "andon-test", level: "silent" });
  const t0 = new Date("2026-11-27T08:00:00.000Z");
  let clock: ManualClock;
  let db: TestDatabase;
  let prisma: PrismaClient;
  let redis: RedisClient;
  let dispatcher: NotificationDispatcher;
  let shiftManager: User;
  let productionManager: User;
  let engineer: User;

  beforeAll(async () => {
    db = await openTestDatabase(run);
    prisma = db.prisma;
    redis = createRedisClient({ url: run.redisUrl });
    await redis.connect();
    clock = new ManualClock(t0);
    dispatcher = new NotificationDispatcher({
      prisma,
      redis,
      logger,
      email: null,
      clock,
      keyPrefix: `${testRedisPrefix(run.runId)}alerts:`,
    });
    shiftManager = await insertTestUser(prisma, { roles: ["SHIFT_MANAGER"] });
    productionManager = await insertTestUser(prisma, { roles: ["PRODUCTION_MANAGER"] });
    engineer = await insertTestUser(prisma, { roles: ["ENGINEER"] });
  });
  beforeEach(() => clock.set(t0));
  afterAll(async () => {
    redis?.destroy();
    await db?.drop();
  });

  function evaluator() {
    return new AlertEvaluator({ prisma, logger, notifier: dispatcher, clock });
  }

  async function setSpeed(equipment: Equipment, speedPerMinute: number | null, state: "RUNNING" | "DOWN" = "RUNNING") {
    await prisma.equipmentLiveState.upsert({
      where: { equipmentId: equipment.id },
      create: { equipmentId: equipment.id, state, since: clock.now(), speedPerMinute },
      update: { state, speedPerMinute },
    });
  }

  async function speedRule(equipment: Equipment, durationSeconds = 120) {
    return createAlertRule(
      prisma,
      {
        name: "Bagger slow",
        kind: "SPEED_BELOW",
        equipmentId: equipment.id,
        threshold: 30,
        clearThreshold: 35,
        durationSeconds,
        severity: "HIGH",
      },
      { userId: engineer.id },
      clock.now(),
    );
  }

  /** Sets the speed, then evaluates the rule `minutes` later. */
  async function stepSpeed(rule: { id: string }, equipment: Equipment, speed: number, minutes: number) {
    await setSpeed(equipment, speed);
    clock.advance(minutes * 60_000);
    return evaluator().evaluateRule(rule.id);
  }

  it("raises only once the speed has stayed below the threshold for the minimum duration", async () => {
    const { equipment } = await insertTestEquipment(prisma);
    const rule = await speedRule(equipment);
    await setSpeed(equipment, 25);
    expect(await evaluator().evaluateRule(rule.id)).toEqual([{ kind: "pending", ruleId: rule.id, since: t0 }]);
    clock.advance(60_000);
    expect((await evaluator().evaluateRule(rule.id))[0]!.kind).toBe("pending");
    clock.advance(60_000);
    const [raised] = await evaluator().evaluateRule(rule.id);
    expect(raised).toMatchObject({
      kind: "raised",
      alert: { ruleId: rule.id, kind: "SPEED_BELOW", status: "ACTIVE", observedValue: 25, raisedAt: clock.now() },
    });
  });

  it("a dip shorter than the minimum duration raises nothing", async () => {
    const { equipment } = await insertTestEquipment(prisma);
    const rule = await speedRule(equipment);
    await stepSpeed(rule, equipment, 25, 0);
    await stepSpeed(rule, equipment, 40, 1.5);
    await stepSpeed(rule, equipment, 25, 1.5);
    await stepSpeed(rule, equipment, 25, 1.5);
    expect(await prisma.productionAlert.count({ where: { ruleId: rule.id } })).toBe(0);
  });

  it("does not flap: inside the hysteresis band it stays raised, and it clears only past the clear threshold for the duration", async () => {
    const { equipment } = await insertTestEquipment(prisma);
    const rule = await speedRule(equipment);
    await stepSpeed(rule, equipment, 25, 0);
    await stepSpeed(rule, equipment, 25, 2);
    // Oscillating around the raise threshold, inside the band (30-35): one alert, never cleared.
    for (const speed of [31, 29, 33, 28, 34, 31]) await stepSpeed(rule, equipment, speed, 1);
    let alerts = await prisma.productionAlert.findMany({ where: { ruleId: rule.id } });
    expect(alerts.map((alert) => alert.status)).toEqual(["ACTIVE"]);
    // Past the clear threshold, but not for long enough.
    await stepSpeed(rule, equipment, 36, 1);
    await stepSpeed(rule, equipment, 33, 1.5);
    await stepSpeed(rule, equipment, 36, 1);
    await stepSpeed(rule, equipment, 36, 1);
    expect((await prisma.productionAlert.findFirst({ where: { ruleId: rule.id } }))!.status).toBe("ACTIVE");
    const [cleared] = await stepSpeed(rule, equipment, 36, 1);
    expect(cleared).toMatchObject({ kind: "cleared", alert: { status: "CLEARED", clearedAt: clock.now() } });
    alerts = await prisma.productionAlert.findMany({ where: { ruleId: rule.id } });
    expect(alerts).toHaveLength(1);
  });

  it("notifies the production and shift managers once when raised (in-app, and e-mail attempted for HIGH), and in-app when cleared", async () => {
    const { equipment } = await insertTestEquipment(prisma);
    const rule = await speedRule(equipment, 0);
    const [raised] = await stepSpeed(rule, equipment, 10, 0);
    const alertId = raised!.kind === "raised" ? raised!.alert.id : "";
    // Another round while active notifies nobody again.
    await stepSpeed(rule, equipment, 10, 1);
    const rows = await prisma.notification.findMany({ where: { alertId, dedupeKey: `alert:${alertId}:raised` } });
    const byUser = (userId: string) =>
      rows.filter((row) => row.userId === userId).map((row) => [row.channel, row.status]);
    // No SMTP server configured here: the e-mail is recorded as failed, the inbox has it.
    expect(byUser(shiftManager.id).sort()).toEqual([
      ["EMAIL", "FAILED"],
      ["IN_APP", "SENT"],
    ]);
    expect(byUser(productionManager.id)).toHaveLength(2);
    expect(byUser(engineer.id)).toEqual([]);
    await stepSpeed(rule, equipment, 40, 0);
    const cleared = await prisma.notification.findMany({ where: { alertId, dedupeKey: `alert:${alertId}:cleared` } });
    expect(cleared.map((row) => row.channel)).toEqual(["IN_APP", "IN_APP"]);
  });

  it("with no reading (stopped, or no live state) neither raises nor clears, and the condition clock starts again", async () => {
    const { equipment } = await insertTestEquipment(prisma);
    const rule = await speedRule(equipment, 120);
    await stepSpeed(rule, equipment, 20, 0);
    await setSpeed(equipment, 20, "DOWN");
    clock.advance(60_000);
    expect(await evaluator().evaluateRule(rule.id)).toEqual([]);
    expect((await prisma.alertRule.findUnique({ where: { id: rule.id } }))!.conditionSince).toBeNull();
    await stepSpeed(rule, equipment, 20, 1);
    await stepSpeed(rule, equipment, 20, 1);
    expect(await prisma.productionAlert.count({ where: { ruleId: rule.id } })).toBe(0);
  });

  it("two instances evaluating the same rule at once raise one alert", async () => {
    const { equipment } = await insertTestEquipment(prisma);
    const rule = await speedRule(equipment, 0);
    await setSpeed(equipment, 5);
    const results = await Promise.all([evaluator().evaluateRule(rule.id), evaluator().evaluateRule(rule.id)]);
    expect(results.flat().filter((change) => change.kind === "raised")).toHaveLength(1);
    expect(await prisma.productionAlert.count({ where: { ruleId: rule.id } })).toBe(1);
  });

  it("switching a rule off clears its active alert, and evaluateAll skips inactive rules", async () => {
    const { equipment } = await insertTestEquipment(prisma);
    const rule = await speedRule(equipment, 0);
    await stepSpeed(rule, equipment, 5, 0);
    await updateAlertRule(
      prisma,
      rule.id,
      { name: rule.name, kind: rule.kind, equipmentId: equipment.id, threshold: 30, clearThreshold: 35, active: false },
      { userId: engineer.id },
      clock.now(),
    );
    expect((await prisma.productionAlert.findFirst({ where: { ruleId: rule.id } }))!.status).toBe("CLEARED");
    const changes = await evaluator().evaluateAll();
    expect(changes.filter((change) => change.kind !== "pending" && change.alert.ruleId === rule.id)).toEqual([]);
  });

  describe("what each kind observes", () => {
    it("OEE: the mean of the completed minute buckets of the observation window, weighted by planned time", async () => {
      const { equipment, line } = await insertTestEquipment(prisma);
      const bucket = (minute: number, oee: number, planned: number) =>
        prisma.oeeRecord.create({
          data: {
            scope: "LINE",
            lineId: line.id,
            subjectKey: `LINE:${line.id}:*`,
            bucket: "MINUTE",
            bucketStart: new Date(t0.getTime() + minute * 60_000),
            bucketEnd: new Date(t0.getTime() + (minute + 1) * 60_000),
            plannedProductionSeconds: planned,
            runSeconds: planned,
            totalCount: 0,
            goodCount: 0,
            rejectCount: 0,
            availability: oee,
            performance: 1,
            quality: 1,
            oee,
          },
        });
      await bucket(-10, 0.1, 60); // outside the 5-minute window
      await bucket(-3, 0.9, 60);
      await bucket(-2, 0.6, 30);
      await bucket(-1, 0.3, 60);
      await bucket(0, 0.0, 60); // still running at t0: not complete
      const value = await observeAlertValue(
        prisma,
        { kind: "OEE_BELOW_TARGET", lineId: line.id, equipmentId: null },
        t0,
        300,
      );
      expect(value).toBeCloseTo((0.9 * 60 + 0.6 * 30 + 0.3 * 60) / 150, 10);
      expect(
        await observeAlertValue(prisma, { kind: "OEE_BELOW_TARGET", lineId: null, equipmentId: equipment.id }, t0, 300),
      ).toBeNull();
    });

    it("reject rate: rejects over all counted units of the window; null when nothing was counted", async () => {
      const { equipment, line } = await insertTestEquipment(prisma);
      const count = (secondsAgo: number, good: number, reject: number) =>
        prisma.productionCount.create({
          data: {
            equipmentId: equipment.id,
            lineId: line.id,
            recordedAt: new Date(t0.getTime() - secondsAgo * 1000),
            goodDelta: good,
            rejectDelta: reject,
          },
        });
      const rule = { kind: "REJECT_RATE_ABOVE" as const, lineId: line.id, equipmentId: null };
      expect(await observeAlertValue(prisma, rule, t0, 300)).toBeNull();
      await count(400, 0, 100); // outside the window
      await count(200, 90, 10);
      await count(10, 45, 5);
      expect(await observeAlertValue(prisma, rule, t0, 300)).toBeCloseTo(15 / 150, 10);
    });

    it("downtime: seconds of the oldest stop still open, 0 when running", async () => {
      const { equipment, line } = await insertTestEquipment(prisma);
      const rule = { kind: "DOWNTIME_LONGER_THAN" as const, lineId: line.id, equipmentId: null };
      expect(await observeAlertValue(prisma, rule, t0, 300)).toBe(0);
      await prisma.downtimeEvent.create({
        data: { equipmentId: equipment.id, lineId: line.id, startedAt: new Date(t0.getTime() - 600_000) },
      });
      expect(await observeAlertValue(prisma, rule, t0, 300)).toBe(600);
    });

    it("speed of a line rule is its constraint's", async () => {
      const { equipment, line } = await insertTestEquipment(prisma);
      await setSpeed(equipment, 33);
      expect(
        await observeAlertValue(prisma, { kind: "SPEED_BELOW", lineId: line.id, equipmentId: null }, t0, 300),
      ).toBe(33);
    });
  });
});
