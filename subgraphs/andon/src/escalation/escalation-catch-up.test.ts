// Escalations after the scheduler was down for eight hours, on a real subgraph and PostgreSQL with
// the demo plant's High rule (level 1 at 3 min, level 2 at 10 min, reminders every 5 min) and a
// ManualClock: one catch-up notice instead of a burst of the 96 reminders it missed, the next
// reminder 5 minutes after the restart, and every level fired exactly once.
import { createLogger, ManualClock } from "@ms5/kit";
import { testRedisPrefix } from "@ms5/kit/testing";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { AndonSubgraph } from "../andon-subgraph.ts";
import { raiseAndon } from "../andons/andon-workflow.ts";
import { type AndonTestPlant, openAndonTestPlant, startAndonTestSubgraph } from "../testing/andon-test-plant.ts";

const logger = createLogger({ service: "escalation-catch-up-test", level: "silent" });
const t0 = new Date(Date.UTC(2026, 10, 27, 6, 0, 0));
const MINUTE = 60_000;
const EIGHT_HOURS = 8 * 60 * MINUTE;

describe("escalation reminders after the scheduler was down", () => {
  const run = inject("testRun");
  const keyPrefix = `${testRedisPrefix(run.runId)}escalation-catch-up:`;
  const clock = new ManualClock(t0);
  let plant: AndonTestPlant;
  let subgraph: AndonSubgraph;
  let lineId: string;

  beforeAll(async () => {
    plant = await openAndonTestPlant(run, t0);
    subgraph = await startAndonTestSubgraph(plant, {
      logger,
      keyPrefix,
      clock,
      faults: false,
      scheduler: false,
      alerts: false,
    });
    lineId = await plant.lineIdOf("bagging-1");
  });
  afterAll(async () => {
    await subgraph?.close();
    await plant?.close();
  });

  /** A HIGH andon raised now; its acknowledge escalation follows the demo plant's High rule. */
  async function raiseHighAndon() {
    const andon = await raiseAndon(subgraph.runtime, null, { lineId, type: "MATERIAL", priority: "HIGH" });
    return plant.acknowledgeEscalationOf(andon.id);
  }

  async function stepsOf(escalationId: string) {
    const escalation = await plant.db.prisma.escalation.findUniqueOrThrow({
      where: { id: escalationId },
      include: { history: { orderBy: { id: "asc" } } },
    });
    return {
      nextDueAt: escalation.nextDueAt,
      steps: escalation.history.map((h) => [h.action, h.level, h.firedAt.getTime() - t0.getTime()] as const),
    };
  }

  async function at(msAfterT0: number): Promise<number> {
    clock.set(new Date(t0.getTime() + msAfterT0));
    return subgraph.scheduler.runDue();
  }

  /** Ends a test's escalation, so the next test's clock jumps fire nothing of it. */
  async function retire(escalationId: string) {
    await plant.db.prisma.escalation.update({
      where: { id: escalationId },
      data: { status: "STOPPED", nextDueAt: null },
    });
  }

  it("sends one catch-up reminder, not the 96 it missed, and reminds again 5 minutes after the restart", async () => {
    clock.set(t0);
    const escalation = await raiseHighAndon();
    expect(await at(3 * MINUTE)).toBe(1); // level 1
    expect(await at(8 * MINUTE)).toBe(1); // reminder of level 1
    expect(await at(10 * MINUTE)).toBe(1); // level 2
    // The scheduler is down from here for eight hours: 96 reminders of level 2 fall due unsent.
    const restart = 10 * MINUTE + EIGHT_HOURS;
    expect(await at(restart)).toBe(1);
    expect(await at(restart)).toBe(0);
    const caughtUp = await stepsOf(escalation.id);
    expect(caughtUp.steps).toEqual([
      ["STARTED", 0, 0],
      ["FIRED", 1, 3 * MINUTE],
      ["REMINDER", 1, 8 * MINUTE],
      ["FIRED", 2, 10 * MINUTE],
      ["REMINDER", 2, restart],
    ]);
    expect(caughtUp.nextDueAt).toEqual(new Date(t0.getTime() + restart + 5 * MINUTE));

    expect(await at(restart + 5 * MINUTE - 1)).toBe(0);
    expect(await at(restart + 5 * MINUTE)).toBe(1);
    expect(await at(restart + 10 * MINUTE)).toBe(1);
    const after = await stepsOf(escalation.id);
    expect(after.steps.slice(5)).toEqual([
      ["REMINDER", 2, restart + 5 * MINUTE],
      ["REMINDER", 2, restart + 10 * MINUTE],
    ]);
    const notified = await plant.db.prisma.notification.count({
      where: { escalationId: escalation.id, channel: "IN_APP" },
    });
    // Level 1 and its reminder to the shift manager, level 2 and three reminders to the production manager.
    expect(notified).toBe(6);
    await retire(escalation.id);
  });

  it("fires a level that fell due while the scheduler was down once, as the catch-up, with no stale reminder before it", async () => {
    const start = 24 * 60 * MINUTE;
    clock.set(new Date(t0.getTime() + start));
    const escalation = await raiseHighAndon();
    expect(await at(start + 3 * MINUTE)).toBe(1); // level 1
    // Down from here: level 1's reminders and level 2 all fall due unsent.
    const restart = start + 3 * MINUTE + EIGHT_HOURS;
    expect(await at(restart)).toBe(1);
    expect(await at(restart)).toBe(0);
    const caughtUp = await stepsOf(escalation.id);
    expect(caughtUp.steps).toEqual([
      ["STARTED", 0, start],
      ["FIRED", 1, start + 3 * MINUTE],
      ["FIRED", 2, restart],
    ]);
    expect(caughtUp.nextDueAt).toEqual(new Date(t0.getTime() + restart + 5 * MINUTE));
    expect(await at(restart + 5 * MINUTE)).toBe(1);
    const after = await stepsOf(escalation.id);
    expect(after.steps.filter(([action]) => action === "FIRED").map(([, level]) => level)).toEqual([1, 2]);
    expect(after.steps.at(-1)).toEqual(["REMINDER", 2, restart + 5 * MINUTE]);
    await retire(escalation.id);
  });

  it("fires every level that fell due while the scheduler was down exactly once, in order, when no level had fired yet", async () => {
    const start = 48 * 60 * MINUTE;
    clock.set(new Date(t0.getTime() + start));
    const escalation = await raiseHighAndon();
    const restart = start + EIGHT_HOURS;
    expect(await at(restart)).toBe(2);
    const caughtUp = await stepsOf(escalation.id);
    expect(caughtUp.steps).toEqual([
      ["STARTED", 0, start],
      ["FIRED", 1, restart],
      ["FIRED", 2, restart],
    ]);
    expect(caughtUp.nextDueAt).toEqual(new Date(t0.getTime() + restart + 5 * MINUTE));
    await retire(escalation.id);
  });
});
