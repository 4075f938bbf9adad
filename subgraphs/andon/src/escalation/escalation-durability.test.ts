// Escalation timers that survive crashes and share work: an instance killed with SIGKILL while an
// escalation is pending, restarted after it fell due, fires it once; an instance that dies holding a
// claim loses it when its lease expires and its late commit is refused; two instances scanning the
// same due escalations fire each level exactly once. Real PostgreSQL and Redis, real processes.
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createPrismaClient, type PrismaClient } from "@ms5/db";
import { type Clock, createLogger, ManualClock, systemClock } from "@ms5/kit";
import { testRedisPrefix } from "@ms5/kit/testing";
import { eventually } from "@ms5/test-support";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { ESCALATION_SCHEDULER_DEFAULTS } from "../andon-defaults.ts";
import type { AndonSubgraph } from "../andon-subgraph.ts";
import { raiseAndon } from "../andons/andon-workflow.ts";
import { NotificationDispatcher } from "../notifications/index.ts";
import { type AndonTestPlant, openAndonTestPlant, startAndonTestSubgraph } from "../testing/andon-test-plant.ts";
import { saveEscalationRule } from "./escalation-rule-admin.ts";
import { EscalationScheduler } from "./escalation-scheduler.ts";

const logger = createLogger({ service: "escalation-durability-test", level: "silent" });
const INSTANCE_PROCESS = fileURLToPath(new URL("../testing/andon-instance-process.ts", import.meta.url));
const REPOSITORY_ROOT = path.resolve(path.dirname(INSTANCE_PROCESS), "../../../..");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A rule for help calls on Bagging Line 2: level 1 (shift managers) after 2 s, level 2 (production managers) after 3 s. */
const FAST_RULE = {
  name: "Fast help on bagging 2",
  priority: "LOW" as const,
  andonType: "HELP" as const,
  acknowledgeTimeoutSeconds: 2,
  resolveTimeoutSeconds: 60,
  levels: [
    {
      level: 1,
      kind: "ACKNOWLEDGE" as const,
      delaySeconds: 2,
      channels: ["IN_APP" as const],
      recipients: [{ kind: "ROLE" as const, role: "SHIFT_MANAGER" as const }],
    },
    {
      level: 2,
      kind: "ACKNOWLEDGE" as const,
      delaySeconds: 3,
      channels: ["IN_APP" as const],
      recipients: [{ kind: "ROLE" as const, role: "PRODUCTION_MANAGER" as const }],
    },
  ],
};

describe("escalation timers across crashes and instances", () => {
  const run = inject("testRun");
  const keyPrefix = `${testRedisPrefix(run.runId)}andon-durability:`;
  let plant: AndonTestPlant;
  let raiser: AndonSubgraph;
  let lineId: string;
  const clock = { current: systemClock as Clock, now: () => clock.current.now() };
  const children = new Set<ChildProcess>();
  const extraClients: PrismaClient[] = [];

  async function startInstance(instanceId: string): Promise<ChildProcess> {
    const child = spawn(process.execPath, ["--import", "tsx", INSTANCE_PROCESS], {
      cwd: REPOSITORY_ROOT,
      env: {
        ...process.env,
        DATABASE_URL: plant.db.url,
        REDIS_URL: run.redisUrl,
        KEY_PREFIX: keyPrefix,
        INSTANCE_ID: instanceId,
        PHOTO_DIR: plant.photoDirectory,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.add(child);
    child.once("exit", () => children.delete(child));
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on("line", (text) => {
        if (text === "ready") resolve();
      });
      child.once("exit", (code, signal) => reject(new Error(`${instanceId} exited (${code ?? signal}): ${stderr}`)));
    });
    return child;
  }

  async function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill(signal);
    await exited;
  }

  function schedulerOn(prisma: PrismaClient, instanceId: string, at: Clock, claimBatchSize: number) {
    return new EscalationScheduler({
      prisma,
      logger,
      instanceId,
      clock: at,
      dispatcher: new NotificationDispatcher({ prisma, redis: plant.redis, logger, email: null, keyPrefix, clock: at }),
      publish: async () => {},
      settings: { claimBatchSize },
    });
  }

  async function historyOf(andonId: string) {
    const escalation = await plant.db.prisma.escalation.findUniqueOrThrow({
      where: { andonId_kind: { andonId, kind: "ACKNOWLEDGE" } },
      include: { history: { orderBy: { id: "asc" } } },
    });
    const notified = await plant.db.prisma.notification.findMany({
      where: { escalationId: escalation.id, channel: "IN_APP" },
      include: { user: { select: { username: true } } },
    });
    return { escalation, notified: notified.map((n) => n.user.username).sort() };
  }

  beforeAll(async () => {
    plant = await openAndonTestPlant(run, new Date());
    raiser = await startAndonTestSubgraph(plant, {
      logger,
      keyPrefix,
      clock,
      faults: false,
      scheduler: false,
    });
    lineId = await plant.lineIdOf("bagging-2");
    await saveEscalationRule(raiser.runtime, null, { ...FAST_RULE, lineId });
  });
  afterEach(async () => {
    for (const child of [...children]) await stop(child, "SIGKILL");
    clock.current = systemClock;
  });
  afterAll(async () => {
    for (const client of extraClients) await client.$disconnect();
    await raiser?.close();
    await plant?.close();
  });

  it("fires an escalation that fell due while its only instance was killed, once, as soon as an instance restarts", async () => {
    const first = await startInstance("andon-a");
    const andon = await raiseAndon(raiser.runtime, null, { lineId, type: "HELP", priority: "LOW" });
    await stop(first, "SIGKILL");
    // Both levels fall due (2 s and 3 s after the raise) while no instance runs.
    const fellDue = andon.raisedAt.getTime() + 3_500;
    while (Date.now() < fellDue) await sleep(100);
    const whileDown = await historyOf(andon.id);
    expect(whileDown.escalation.history.map((h) => h.action)).toEqual(["STARTED"]);
    expect(whileDown.notified).toEqual([]);

    const second = await startInstance("andon-b");
    await eventually(async () => (await historyOf(andon.id)).escalation.status === "EXHAUSTED");
    // Let the restarted instance scan a few more times before counting.
    await sleep(500);
    await stop(second, "SIGTERM");
    const after = await historyOf(andon.id);
    expect(after.escalation.history.map((h) => [h.action, h.level])).toEqual([
      ["STARTED", 0],
      ["FIRED", 1],
      ["FIRED", 2],
      ["EXHAUSTED", 2],
    ]);
    expect(after.notified).toEqual(["pmanager", "smanager"]);
  });

  it("takes over an escalation whose claimant died mid-fire once its lease expires, and refuses the claimant's late commit", async () => {
    const manual = new ManualClock(new Date());
    clock.current = manual;
    const andon = await raiseAndon(raiser.runtime, null, { lineId, type: "HELP", priority: "LOW" });
    const prismaA = createPrismaClient({ databaseUrl: plant.db.url, poolMax: 2 });
    const prismaB = createPrismaClient({ databaseUrl: plant.db.url, poolMax: 2 });
    extraClients.push(prismaA, prismaB);
    const a = schedulerOn(prismaA, "instance-a", manual, 10);
    const b = schedulerOn(prismaB, "instance-b", manual, 10);

    manual.advance(2_000);
    const claimed = (await a.claimDue()).filter((row) => row.andonId === andon.id);
    expect(claimed).toHaveLength(1);
    // A "dies" holding the claim: B sees nothing to fire until the lease runs out.
    expect(await b.runDue()).toBe(0);
    manual.advance(ESCALATION_SCHEDULER_DEFAULTS.leaseMs);
    expect(await b.runDue()).toBeGreaterThanOrEqual(1);
    const takenOver = await historyOf(andon.id);

    // A wakes up and tries to finish its fire: its dispatch is deduplicated, its commit refused.
    expect(await a.fire(claimed[0]!)).toBe(false);
    const after = await historyOf(andon.id);
    expect(after.escalation.history.map((h) => h.id)).toEqual(takenOver.escalation.history.map((h) => h.id));
    expect(after.notified).toEqual(takenOver.notified);
    expect(after.escalation.history.filter((h) => h.action === "FIRED" && h.level === 1)).toHaveLength(1);
  });

  it("fires every level of every escalation exactly once with two instances scanning at the same time", async () => {
    const manual = new ManualClock(new Date());
    clock.current = manual;
    const count = 100;
    const andonIds: string[] = [];
    for (let i = 0; i < count; i++) {
      andonIds.push((await raiseAndon(raiser.runtime, null, { lineId, type: "HELP", priority: "LOW" })).id);
    }
    const prismaA = createPrismaClient({ databaseUrl: plant.db.url, poolMax: 4 });
    const prismaB = createPrismaClient({ databaseUrl: plant.db.url, poolMax: 4 });
    extraClients.push(prismaA, prismaB);
    const a = schedulerOn(prismaA, "instance-a", manual, 5);
    const b = schedulerOn(prismaB, "instance-b", manual, 5);
    const fired = { a: 0, b: 0 };
    for (const step of [2_000, 1_000, 1_000]) {
      manual.advance(step);
      const [byA, byB] = await Promise.all([a.runDue(), b.runDue()]);
      fired.a += byA;
      fired.b += byB;
    }
    expect(fired.a + fired.b).toBe(2 * count);
    expect(fired.a).toBeGreaterThan(0);
    expect(fired.b).toBeGreaterThan(0);
    const escalations = await plant.db.prisma.escalation.findMany({
      where: { andonId: { in: andonIds } },
      include: { history: true },
    });
    for (const escalation of escalations) {
      expect(escalation.status).toBe("EXHAUSTED");
      expect(
        escalation.history
          .filter((h) => h.action === "FIRED")
          .map((h) => h.level)
          .sort(),
      ).toEqual([1, 2]);
    }
    const notifications = await plant.db.prisma.notification.groupBy({
      by: ["escalationId", "userId"],
      where: { escalationId: { in: escalations.map((e) => e.id) }, channel: "IN_APP" },
      _count: true,
    });
    expect(notifications).toHaveLength(2 * count);
    expect(notifications.every((n) => n._count === 1)).toBe(true);
  });
});
