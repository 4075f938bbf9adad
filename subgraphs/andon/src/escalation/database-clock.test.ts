// Two escalation instances whose own clocks disagree by ten minutes, against real PostgreSQL: both
// read the database's clock, so the skewed one neither fires an escalation early nor takes over a
// lease the other still holds; and a subgraph started without a clock runs on the database's.
import { type Clock, createLogger, DatabaseClock, databaseClockOf } from "@ms5/kit";
import { testRedisPrefix } from "@ms5/kit/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ESCALATION_SCHEDULER_DEFAULTS } from "../andon-defaults.ts";
import type { AndonSubgraph } from "../andon-subgraph.ts";
import { raiseAndon } from "../andons/andon-workflow.ts";
import { NotificationDispatcher } from "../notifications/index.ts";
import { type AndonTestPlant, openAndonTestPlant, startAndonTestSubgraph } from "../testing/andon-test-plant.ts";
import { EscalationScheduler } from "./escalation-scheduler.ts";

const logger = createLogger({ service: "database-clock-test", level: "silent" });
const TEN_MINUTES = 10 * 60_000;

describe("escalation instances with skewed clocks", () => {
  const run = inject("testRun");
  const keyPrefix = `${testRedisPrefix(run.runId)}database-clock:`;
  let plant: AndonTestPlant;
  let subgraph: AndonSubgraph;
  const clocks: DatabaseClock[] = [];

  beforeAll(async () => {
    plant = await openAndonTestPlant(run, new Date());
    subgraph = await startAndonTestSubgraph(plant, {
      logger,
      keyPrefix,
      faults: false,
      scheduler: false,
      alerts: false,
    });
  });
  afterAll(async () => {
    for (const clock of clocks) clock.stop();
    await subgraph?.close();
    await plant?.close();
  });

  async function databaseNow(): Promise<Date> {
    const [row] = await plant.db.prisma.$queryRaw<{ now: Date }[]>`SELECT clock_timestamp() AS now`;
    return row!.now;
  }

  async function instance(instanceId: string, local: Clock) {
    const clock = databaseClockOf(plant.db.prisma, logger, local);
    await clock.start();
    clocks.push(clock);
    const scheduler = new EscalationScheduler({
      prisma: plant.db.prisma,
      logger,
      instanceId,
      clock,
      dispatcher: new NotificationDispatcher({
        prisma: plant.db.prisma,
        redis: plant.redis,
        logger,
        email: null,
        keyPrefix,
        clock,
      }),
      publish: async () => {},
    });
    return { clock, scheduler };
  }

  it("runs a subgraph started without a clock on the database's clock", () => {
    expect(subgraph.runtime.clock).toBeInstanceOf(DatabaseClock);
  });

  it("neither fires early nor steals a lease on an instance whose clock runs ten minutes ahead", async () => {
    const lineId = await plant.lineIdOf("bagging-1");
    const andon = await raiseAndon(subgraph.runtime, null, { lineId, type: "MATERIAL", priority: "HIGH" });
    const escalation = await plant.acknowledgeEscalationOf(andon.id);
    // Level 1 of the High rule is due 3 minutes after the raise, by the database's clock.
    expect(escalation.nextDueAt!.getTime() - andon.raisedAt.getTime()).toBe(180_000);

    const skewedLocal: Clock = { now: () => new Date(Date.now() + TEN_MINUTES) };
    const ahead = await instance("instance-ahead", skewedLocal);
    const onTime = await instance("instance-on-time", { now: () => new Date() });
    // The skew is real: by its own clock the level is seven minutes overdue.
    expect(skewedLocal.now().getTime()).toBeGreaterThan(escalation.nextDueAt!.getTime() + 6 * 60_000);
    expect(Math.abs(ahead.clock.now().getTime() - (await databaseNow()).getTime())).toBeLessThan(5_000);

    expect(await ahead.scheduler.runDue()).toBe(0);
    const untouched = await plant.db.prisma.escalation.findUniqueOrThrow({ where: { id: escalation.id } });
    expect(untouched).toMatchObject({ currentLevel: 0, leaseOwner: null, nextDueAt: escalation.nextDueAt });

    // An andon raised 181 s ago by the database's clock: its level 1 is due. The on-time instance claims it...
    const raisedEarlier = {
      ...subgraph.runtime,
      clock: { now: () => new Date(onTime.clock.now().getTime() - 181_000) },
    };
    const due = await raiseAndon(raisedEarlier, null, { lineId, type: "MATERIAL", priority: "HIGH" });
    const dueEscalation = await plant.acknowledgeEscalationOf(due.id);
    const [claimed] = (await onTime.scheduler.claimDue()).filter((row) => row.id === dueEscalation.id);
    expect(claimed).toBeDefined();
    const leased = await plant.db.prisma.escalation.findUniqueOrThrow({ where: { id: dueEscalation.id } });
    const leaseLeftMs = leased.leaseExpiresAt!.getTime() - (await databaseNow()).getTime();
    expect(leaseLeftMs).toBeGreaterThan(ESCALATION_SCHEDULER_DEFAULTS.leaseMs - 5_000);
    expect(leaseLeftMs).toBeLessThanOrEqual(ESCALATION_SCHEDULER_DEFAULTS.leaseMs + 1_000);

    // ...and the instance ten minutes ahead, for which that lease ran out long ago, leaves it alone.
    expect(await ahead.scheduler.runDue()).toBe(0);
    expect(await plant.db.prisma.escalation.findUniqueOrThrow({ where: { id: dueEscalation.id } })).toMatchObject({
      leaseOwner: "instance-on-time",
      currentLevel: 0,
    });
    expect(await onTime.scheduler.fire(claimed!)).toBe(true);
    const history = await plant.db.prisma.escalationHistory.findMany({ where: { escalationId: dueEscalation.id } });
    expect(history.filter((h) => h.action === "FIRED").map((h) => h.level)).toEqual([1]);
  });
});
