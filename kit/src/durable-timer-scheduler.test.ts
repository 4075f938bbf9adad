// The kit's durable timers on their own, over a scratch table in real PostgreSQL: two instances
// passing at once claim each due row once, a row whose owner died is taken over only after its lease
// runs out, and the loop fires what falls due without being polled.
import { createTestDatabase, type TestDatabase } from "@ms5/db/test-database";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { ManualClock } from "./clock.ts";
import { DurableTimerScheduler } from "./durable-timer-scheduler.ts";
import { createLogger } from "./logger.ts";

const logger = createLogger({ service: "durable-timer-test", level: "silent" });
const LEASE_MS = 30_000;
/** The machine may be busy: the loops get time to finish. */
const POLL = { timeout: 20_000, interval: 50 };

interface ClaimedTimer {
  id: string;
}

describe("durable timers in PostgreSQL", () => {
  const { runId, databaseServerUrl } = inject("testRun");
  const t0 = new Date("2026-12-07T06:00:00Z");
  let db: TestDatabase;
  let clock: ManualClock;

  const started: DurableTimerScheduler<ClaimedTimer>[] = [];

  function schedulerOf(instanceId: string, onFired: (id: string) => void = () => {}) {
    const scheduler: DurableTimerScheduler<ClaimedTimer> = new DurableTimerScheduler<ClaimedTimer>({
      prisma: db.prisma,
      logger,
      name: "test timer",
      instanceId,
      clock,
      timers: { table: "kit_timer", dueColumn: "dueAt", liveWhen: `"live"`, returning: `"id"::text AS "id"` },
      settings: { leaseMs: LEASE_MS, claimBatchSize: 7, maxSleepMs: 50 },
      pass: async () => {
        for (;;) {
          const claimed = await scheduler.claimDue();
          if (claimed.length === 0) return;
          for (const timer of claimed) {
            // Commits only while the lease is still this instance's, as the owners' steps do.
            const committed = await db.prisma.$executeRaw`
              UPDATE kit_timer SET "live" = false, "fired" = "fired" + 1, "firedBy" = ${instanceId}
              WHERE "id" = ${timer.id}::uuid AND "leaseOwner" = ${instanceId}`;
            if (committed === 1) onFired(timer.id);
          }
        }
      },
    });
    started.push(scheduler);
    return scheduler;
  }

  async function insertDue(count: number, dueAt: Date): Promise<void> {
    await db.prisma.$executeRaw`
      INSERT INTO kit_timer ("dueAt") SELECT ${dueAt} FROM generate_series(1, ${count}::int)`;
  }

  beforeAll(async () => {
    db = await createTestDatabase({ serverUrl: databaseServerUrl, runId });
    await db.prisma.$executeRawUnsafe(`
      CREATE TABLE kit_timer (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "dueAt" timestamptz NOT NULL,
        "live" boolean NOT NULL DEFAULT true,
        "fired" int NOT NULL DEFAULT 0,
        "firedBy" text,
        "leaseOwner" text,
        "leaseExpiresAt" timestamptz)`);
  });
  afterEach(async () => {
    // A failed test must not leave a loop firing the next test's rows.
    await Promise.all(started.splice(0).map((scheduler) => scheduler.stop()));
  });
  beforeEach(async () => {
    clock = new ManualClock(t0);
    await db.prisma.$executeRawUnsafe("TRUNCATE kit_timer");
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("two instances passing at once fire each due timer exactly once, and none that is not due", async () => {
    await insertDue(60, new Date(t0.getTime() - 1_000));
    await insertDue(5, new Date(t0.getTime() + 60_000));
    // Claims at once take a batch each and never the same row.
    const [claimedA, claimedB] = await Promise.all([
      schedulerOf("instance-a").claimDue(),
      schedulerOf("instance-b").claimDue(),
    ]);
    expect([claimedA.length, claimedB.length]).toEqual([7, 7]);
    expect(new Set([...claimedA, ...claimedB].map((timer) => timer.id)).size).toBe(14);
    // Released, as if both had stepped back, for the race of two running loops.
    await db.prisma.$executeRawUnsafe(`UPDATE kit_timer SET "leaseOwner" = NULL, "leaseExpiresAt" = NULL`);

    const firedA: string[] = [];
    const firedB: string[] = [];
    const racingA = schedulerOf("instance-a", (id) => firedA.push(id));
    const racingB = schedulerOf("instance-b", (id) => firedB.push(id));
    racingA.start();
    racingB.start();
    const firedCount = async () =>
      Number((await db.prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM kit_timer WHERE NOT "live"`)[0]!.n);
    await expect.poll(firedCount, POLL).toBe(60);
    await Promise.all([racingA.stop(), racingB.stop()]);
    const rows = await db.prisma.$queryRaw<{ fired: number; live: boolean }[]>`SELECT "fired", "live" FROM kit_timer`;
    expect(rows.filter((row) => !row.live).every((row) => row.fired === 1)).toBe(true);
    expect(rows.filter((row) => row.live)).toHaveLength(5);
    expect(new Set([...firedA, ...firedB]).size).toBe(60);
    expect(firedA.length + firedB.length).toBe(60);
  });

  it("leaves a dead owner's claim alone until its lease runs out, then another instance fires it once", async () => {
    await insertDue(3, new Date(t0.getTime() - 1_000));
    // Instance A claims and dies before firing anything.
    expect(await schedulerOf("instance-a").claimDue()).toHaveLength(3);
    const fired: string[] = [];
    const b = schedulerOf("instance-b", (id) => fired.push(id));
    expect(await b.claimDue()).toHaveLength(0);
    clock.advance(LEASE_MS - 1);
    expect(await b.claimDue()).toHaveLength(0);
    clock.advance(1);
    b.start();
    await expect.poll(() => fired.length, POLL).toBe(3);
    await b.stop();
    const firedBy = await db.prisma.$queryRaw<{ firedBy: string; fired: number }[]>`
      SELECT "firedBy", "fired" FROM kit_timer`;
    expect(firedBy).toEqual([
      { firedBy: "instance-b", fired: 1 },
      { firedBy: "instance-b", fired: 1 },
      { firedBy: "instance-b", fired: 1 },
    ]);
  });

  it("sleeps until the next due time and fires it when the clock reaches it, without a new pass being asked for", async () => {
    await insertDue(1, new Date(t0.getTime() + 10_000));
    const fired: string[] = [];
    const scheduler = schedulerOf("instance-a", (id) => fired.push(id));
    expect(await scheduler.msToNextDue()).toBe(50);
    scheduler.start();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(fired).toHaveLength(0);
    clock.advance(10_000);
    scheduler.wake();
    await expect.poll(() => fired.length, POLL).toBe(1);
    await scheduler.stop();
    expect(scheduler.running).toBe(false);
  });
});
