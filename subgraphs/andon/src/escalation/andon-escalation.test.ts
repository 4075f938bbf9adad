// The escalation story end to end on a real subgraph, PostgreSQL and Redis with the demo
// plant: a PLC fault on the bridge's stream opens one andon with the catalog's priority, nobody
// acknowledges, level 1, a reminder and level 2 reach their recipients at the rule's times (a
// ManualClock drives the timers), acknowledging stops that escalation, resolving stops the next, and
// the history shows every step.
import { createLogger, ManualClock } from "@ms5/kit";
import { testRedisPrefix } from "@ms5/kit/testing";
import { eventually } from "@ms5/test-support";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { AndonSubgraph } from "../andon-subgraph.ts";
import {
  type AndonTestPlant,
  callSubgraph,
  openAndonTestPlant,
  publishFault,
  startAndonTestSubgraph,
} from "../testing/andon-test-plant.ts";

const logger = createLogger({ service: "andon-escalation-test", level: "silent" });
const t0 = new Date(Date.UTC(2026, 10, 27, 8, 0, 0));
const seconds = (s: number) => new Date(t0.getTime() + s * 1000);

describe("an andon raised by a PLC fault and left unanswered", () => {
  const run = inject("testRun");
  const keyPrefix = `${testRedisPrefix(run.runId)}andon-escalation:`;
  const clock = new ManualClock(t0);
  let plant: AndonTestPlant;
  let subgraph: AndonSubgraph;
  let andonId: string;

  beforeAll(async () => {
    plant = await openAndonTestPlant(run, t0);
    subgraph = await startAndonTestSubgraph(plant, {
      logger,
      keyPrefix,
      clock,
      instanceId: "escalation-test",
      faults: { settings: { blockMs: 100 } },
      scheduler: false,
    });
  });
  afterAll(async () => {
    await subgraph?.close();
    await plant?.close();
  });

  const notificationsOf = (escalationId: string) =>
    plant.db.prisma.notification.findMany({
      where: { escalationId, channel: "IN_APP" },
      include: { user: { select: { username: true } } },
      orderBy: { createdAt: "asc" },
    });

  it("opens one andon with the fault catalog's type and priority, and a repeat of the fault updates it", async () => {
    const bagger = await plant.db.prisma.equipment.findUniqueOrThrow({ where: { code: "BAGGER-1" } });
    const catalog = await plant.db.prisma.faultCatalogEntry.findUniqueOrThrow({
      where: { equipmentId_faultCode: { equipmentId: bagger.id, faultCode: "BG-002" } },
    });
    await publishFault(plant.redis, keyPrefix, {
      line: "bagging-1",
      equipment: "BAGGER-1",
      bitIndex: 2,
      faultCode: "BG-002",
      at: t0,
      seq: 1,
    });
    const andon = await eventually(() =>
      plant.db.prisma.andonEvent.findFirst({ where: { equipmentId: bagger.id, faultCode: "BG-002" } }),
    );
    andonId = andon.id;
    expect(andon).toMatchObject({
      type: catalog.andonType,
      priority: catalog.andonPriority,
      source: "PLC",
      status: "OPEN",
      raisedAt: t0,
    });
    expect(andon.priority).toBe("HIGH");

    await publishFault(plant.redis, keyPrefix, {
      line: "bagging-1",
      equipment: "BAGGER-1",
      bitIndex: 2,
      faultCode: "BG-002",
      at: seconds(20),
      seq: 2,
    });
    await eventually(
      async () => (await plant.db.prisma.andonEvent.findUniqueOrThrow({ where: { id: andonId } })).repeatCount === 1,
    );
    expect(await plant.db.prisma.andonEvent.count({ where: { faultCode: "BG-002" } })).toBe(1);
  });

  it("notifies nobody before the first level's delay", async () => {
    clock.set(seconds(179));
    expect(await subgraph.scheduler.runDue()).toBe(0);
    const escalation = await plant.db.prisma.escalation.findUniqueOrThrow({
      where: { andonId_kind: { andonId, kind: "ACKNOWLEDGE" } },
    });
    expect(escalation).toMatchObject({ status: "ACTIVE", currentLevel: 0, nextDueAt: seconds(180) });
    expect(await notificationsOf(escalation.id)).toEqual([]);
  });

  it("notifies level 1 (shift managers) at 180 s, reminds them at 480 s, and notifies level 2 (production managers) at 600 s", async () => {
    const escalation = await plant.db.prisma.escalation.findUniqueOrThrow({
      where: { andonId_kind: { andonId, kind: "ACKNOWLEDGE" } },
    });
    clock.set(seconds(180));
    expect(await subgraph.scheduler.runDue()).toBe(1);
    expect((await notificationsOf(escalation.id)).map((n) => n.user.username)).toEqual(["smanager"]);
    // Firing is idempotent per due time: nothing more is due at the same instant.
    expect(await subgraph.scheduler.runDue()).toBe(0);

    clock.set(seconds(479));
    expect(await subgraph.scheduler.runDue()).toBe(0);
    clock.set(seconds(480));
    expect(await subgraph.scheduler.runDue()).toBe(1);
    const afterReminder = await notificationsOf(escalation.id);
    expect(afterReminder.map((n) => n.user.username)).toEqual(["smanager", "smanager"]);
    expect(afterReminder[1]?.title).toMatch(/^Reminder: /);

    clock.set(seconds(600));
    expect(await subgraph.scheduler.runDue()).toBe(1);
    const notified = await notificationsOf(escalation.id);
    expect(notified.map((n) => n.user.username)).toEqual(["smanager", "smanager", "pmanager"]);
    expect(notified.every((n) => n.andonId === andonId)).toBe(true);
  });

  it("stops the acknowledge escalation when a technician acknowledges, and starts the resolve escalation", async () => {
    clock.set(seconds(700));
    const response = await callSubgraph<{ acknowledgeAndon: { __typename: string; data?: { status: string } } }>(
      subgraph.server.url,
      await plant.tokenOf("technician"),
      `mutation ($id: ID!) { acknowledgeAndon(andonId: $id, note: "on my way") {
        __typename ... on MutationAcknowledgeAndonSuccess { data { status acknowledgedAt } } } }`,
      { id: andonId },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.acknowledgeAndon).toMatchObject({ data: { status: "ACKNOWLEDGED" } });
    const escalations = await plant.db.prisma.escalation.findMany({ where: { andonId }, orderBy: { kind: "asc" } });
    expect(escalations.map((e) => [e.kind, e.status, e.nextDueAt])).toEqual([
      ["ACKNOWLEDGE", "STOPPED", null],
      ["RESOLVE", "ACTIVE", seconds(700 + 1800)],
    ]);
    // The acknowledge escalation's next reminder (at 900 s) never fires.
    clock.set(seconds(2000));
    expect(await subgraph.scheduler.runDue()).toBe(0);
  });

  it("stops the resolve escalation when the andon is resolved, then closes it", async () => {
    clock.set(seconds(2100));
    const token = await plant.tokenOf("technician");
    const resolved = await callSubgraph<{ resolveAndon: { __typename: string } }>(
      subgraph.server.url,
      token,
      `mutation ($id: ID!) { resolveAndon(andonId: $id, rootCause: "Drive overheated: fan clogged", resolutionNote: "cleaned fan") { __typename } }`,
      { id: andonId },
    );
    expect(resolved.data?.resolveAndon.__typename).toBe("MutationResolveAndonSuccess");
    clock.set(seconds(2200));
    const closed = await callSubgraph<{ closeAndon: { __typename: string } }>(
      subgraph.server.url,
      token,
      `mutation ($id: ID!) { closeAndon(andonId: $id) { __typename } }`,
      { id: andonId },
    );
    expect(closed.data?.closeAndon.__typename).toBe("MutationCloseAndonSuccess");
    clock.set(seconds(100_000));
    expect(await subgraph.scheduler.runDue()).toBe(0);
    const andon = await plant.db.prisma.andonEvent.findUniqueOrThrow({ where: { id: andonId } });
    expect(andon).toMatchObject({
      status: "CLOSED",
      rootCause: "Drive overheated: fan clogged",
      resolvedAt: seconds(2100),
      closedAt: seconds(2200),
    });
  });

  it("shows every step in the andon's and its escalations' history, through the API", async () => {
    const response = await callSubgraph<{
      andonEvent: {
        history: { fromStatus: string | null; toStatus: string; at: string }[];
        escalations: { kind: string; status: string; history: { action: string; level: number; firedAt: string }[] }[];
      };
    }>(
      subgraph.server.url,
      await plant.tokenOf("viewer"),
      `query ($id: ID!) { andonEvent(id: $id) {
        history { fromStatus toStatus at }
        escalations { kind status history { action level firedAt } } } }`,
      { id: andonId },
    );
    expect(response.errors).toBeUndefined();
    const andon = response.data!.andonEvent;
    expect(andon.history.map((h) => [h.fromStatus, h.toStatus, h.at])).toEqual([
      [null, "OPEN", seconds(0).toISOString()],
      ["OPEN", "OPEN", seconds(20).toISOString()],
      ["OPEN", "ACKNOWLEDGED", seconds(700).toISOString()],
      ["ACKNOWLEDGED", "RESOLVED", seconds(2100).toISOString()],
      ["RESOLVED", "CLOSED", seconds(2200).toISOString()],
    ]);
    const byKind = Object.fromEntries(andon.escalations.map((e) => [e.kind, e]));
    expect(byKind.ACKNOWLEDGE?.history.map((h) => [h.action, h.level, h.firedAt])).toEqual([
      ["STARTED", 0, seconds(0).toISOString()],
      ["FIRED", 1, seconds(180).toISOString()],
      ["REMINDER", 1, seconds(480).toISOString()],
      ["FIRED", 2, seconds(600).toISOString()],
      ["STOPPED", 2, seconds(700).toISOString()],
    ]);
    expect(byKind.RESOLVE?.history.map((h) => [h.action, h.level, h.firedAt])).toEqual([
      ["STARTED", 0, seconds(700).toISOString()],
      ["STOPPED", 0, seconds(2100).toISOString()],
    ]);
  });
});
