// Escalation delivery while Redis is down or hanging, against a redis-server of the test's own
// (stopped, then restarted and frozen mid-test), real PostgreSQL and a real SMTP server: the level's
// e-mails still go out, the level is recorded once, the in-app rows are in the inboxes, and the
// publishes that could not happen are counted instead of holding up the escalation.
import { createLogger, createRedisClient, ManualClock, type RedisClient } from "@ms5/kit";
import { type RestartableRedisServer, startRestartableRedisServer, testRedisPrefix } from "@ms5/kit/testing";
import { eventually } from "@ms5/test-support";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { AndonSubgraph } from "../andon-subgraph.ts";
import { raiseAndon } from "../andons/andon-workflow.ts";
import { type AndonTestPlant, openAndonTestPlant, startAndonTestSubgraph } from "../testing/andon-test-plant.ts";
import { createSmtpEmailSender, type EmailSender } from "./email-sender.ts";
import { startTestSmtpServer, type TestSmtpServer } from "./notification-test-support.ts";

const logger = createLogger({ service: "notification-redis-outage-test", level: "silent" });
const t0 = new Date(Date.UTC(2026, 10, 27, 14, 0, 0));

describe("escalation delivery while Redis is down", () => {
  const run = inject("testRun");
  const keyPrefix = `${testRedisPrefix(run.runId)}redis-outage:`;
  const clock = new ManualClock(t0);
  let plant: AndonTestPlant;
  let redisServer: RestartableRedisServer;
  let redis: RedisClient;
  let smtp: TestSmtpServer;
  let email: EmailSender;
  let subgraph: AndonSubgraph;

  beforeAll(async () => {
    plant = await openAndonTestPlant(run, t0);
    redisServer = await startRestartableRedisServer({ name: "andon-redis-outage" });
    // As the andon process connects: commands wait in the client's offline queue while disconnected.
    redis = createRedisClient({ url: redisServer.url, logger });
    await redis.connect();
    smtp = await startTestSmtpServer();
    email = createSmtpEmailSender({ host: "127.0.0.1", port: smtp.port, from: "andon@plant.test", timeoutMs: 5_000 });
    subgraph = await startAndonTestSubgraph(plant, {
      redis,
      logger,
      keyPrefix,
      clock,
      email,
      faults: false,
      scheduler: false,
      alerts: false,
    });
  });
  afterAll(async () => {
    // Resumed first, in case a test stopped while it was frozen.
    if (redisServer) process.kill(redisServer.pid, "SIGCONT");
    await subgraph?.close();
    redis?.destroy();
    await redisServer?.close();
    email?.close();
    await smtp?.close();
    await plant?.close();
  });

  const recipientsOfLevel1 = () =>
    plant.db.prisma.user.findMany({
      where: { roles: { hasSome: ["SHIFT_MANAGER", "MAINTENANCE_TECHNICIAN"] }, active: true },
    });

  it("still e-mails a level's recipients and records the level once when Redis stops before it falls due", async () => {
    const lineId = await plant.lineIdOf("bagging-1");
    const andon = await raiseAndon(subgraph.runtime, null, { lineId, type: "SAFETY", priority: "CRITICAL" });
    const escalation = await plant.acknowledgeEscalationOf(andon.id);

    await redisServer.stop();
    // The Critical rule's level 1 (shift managers and technicians, in-app and e-mail) falls due.
    clock.set(new Date(t0.getTime() + 60_000));
    expect(await subgraph.scheduler.runDue()).toBe(1);

    const recipients = await recipientsOfLevel1();
    expect(recipients.length).toBeGreaterThan(0);
    const mailed = smtp.received.flatMap((mail) => mail.to).sort();
    expect(mailed).toEqual(recipients.map((user) => user.email!).sort());
    expect(smtp.received.every((mail) => mail.subject.includes("escalation level 1"))).toBe(true);

    const inApp = await plant.db.prisma.notification.findMany({
      where: { escalationId: escalation.id, channel: "IN_APP" },
    });
    expect(inApp.map((row) => row.userId).sort()).toEqual(recipients.map((user) => user.id).sort());
    expect(inApp.every((row) => row.status === "SENT")).toBe(true);

    // Nothing fires twice: the level is recorded once, and a second scan sends nothing more.
    expect(await subgraph.scheduler.runDue()).toBe(0);
    const history = await plant.db.prisma.escalationHistory.findMany({ where: { escalationId: escalation.id } });
    expect(history.filter((h) => h.action === "FIRED").map((h) => h.level)).toEqual([1]);
    expect(smtp.received.flatMap((mail) => mail.to)).toHaveLength(recipients.length);

    // Each in-app publish that could not happen is counted, and so is the escalation's live event.
    const failures = async () => {
      const text = await (await fetch(new URL("/metrics", subgraph.server.url))).text();
      const count = (feed: string) =>
        Number(
          text.match(new RegExp(`andon_live_publish_failures_total\\{[^}]*feed="${feed}"[^}]*\\} (\\d+)`))?.[1] ?? 0,
        );
      return { notifications: count("notifications"), andonEvents: count("andon-events") };
    };
    await eventually(async () => {
      const counted = await failures();
      return counted.notifications >= recipients.length && counted.andonEvents >= 1;
    });
    // Ended here, so the next test's clock jump fires nothing of it.
    await plant.db.prisma.escalation.update({
      where: { id: escalation.id },
      data: { status: "STOPPED", nextDueAt: null },
    });
  });

  it("still e-mails a level's recipients, once, while Redis accepts the connection but never answers", async () => {
    await redisServer.start();
    await eventually(async () => redis.isReady);
    const lineId = await plant.lineIdOf("bagging-2");
    clock.set(new Date(t0.getTime() + 3_600_000));
    const andon = await raiseAndon(subgraph.runtime, null, { lineId, type: "SAFETY", priority: "CRITICAL" });
    const escalation = await plant.acknowledgeEscalationOf(andon.id);
    const mailedBefore = smtp.received.length;

    // Frozen: the socket stays open, so the client still thinks it is connected, and no reply comes.
    process.kill(redisServer.pid, "SIGSTOP");
    clock.set(new Date(t0.getTime() + 3_660_000));
    expect(await subgraph.scheduler.runDue()).toBe(1);

    const recipients = await recipientsOfLevel1();
    const mailed = smtp.received.slice(mailedBefore).flatMap((mail) => mail.to);
    expect(mailed.sort()).toEqual(recipients.map((user) => user.email!).sort());
    const history = await plant.db.prisma.escalationHistory.findMany({ where: { escalationId: escalation.id } });
    expect(history.filter((h) => h.action === "FIRED").map((h) => h.level)).toEqual([1]);
    const inApp = await plant.db.prisma.notification.count({
      where: { escalationId: escalation.id, channel: "IN_APP" },
    });
    expect(inApp).toBe(recipients.length);
    process.kill(redisServer.pid, "SIGCONT");
  });
});
