// End to end over two running instances of the andon subgraph: an escalation level fired on
// instance A reaches the recipient's myNotifications subscription held by instance B (through
// Redis) and their mailbox on a real SMTP server; firing the same level again sends nothing twice.
import { createLogger, createRedisClient, ManualClock, type RedisClient } from "@ms5/kit";
import { type CollectedSubscription, subscribeAsGateway } from "@ms5/kit/subgraph/testing";
import { testRedisPrefix } from "@ms5/kit/testing";
import { eventually } from "@ms5/test-support";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { AndonSubgraph } from "../andon-subgraph.ts";
import {
  type AndonTestPlant,
  callSubgraph,
  openAndonTestPlant,
  startAndonTestSubgraph,
  TEST_GATEWAY_SECRET,
} from "../testing/andon-test-plant.ts";
import { createSmtpEmailSender, type EmailSender } from "./email-sender.ts";
import { notificationChannelOf } from "./notification-defaults.ts";
import { startTestSmtpServer, type TestSmtpServer } from "./notification-test-support.ts";

const logger = createLogger({ service: "andon-notification-test", level: "silent" });
const t0 = new Date(Date.UTC(2026, 10, 27, 10, 0, 0));

describe("notification delivery across instances", () => {
  const run = inject("testRun");
  const keyPrefix = `${testRedisPrefix(run.runId)}andon-notify:`;
  const clock = new ManualClock(t0);
  let plant: AndonTestPlant;
  let redisB: RedisClient;
  let smtp: TestSmtpServer;
  let email: EmailSender;
  let instanceA: AndonSubgraph;
  let instanceB: AndonSubgraph;
  const subscriptions: CollectedSubscription[] = [];

  beforeAll(async () => {
    plant = await openAndonTestPlant(run, t0);
    redisB = createRedisClient({ url: run.redisUrl });
    await redisB.connect();
    smtp = await startTestSmtpServer();
    email = createSmtpEmailSender({ host: "127.0.0.1", port: smtp.port, from: "andon@plant.test", timeoutMs: 5_000 });
    const common = { logger, keyPrefix, clock, faults: false, scheduler: false, alerts: false } as const;
    instanceA = await startAndonTestSubgraph(plant, { ...common, redis: plant.redis, instanceId: "notify-a", email });
    instanceB = await startAndonTestSubgraph(plant, { ...common, redis: redisB, instanceId: "notify-b", email: null });
  });
  afterAll(async () => {
    for (const { client } of subscriptions) await client.dispose();
    await instanceB?.close();
    await instanceA?.close();
    email?.close();
    await smtp?.close();
    redisB?.destroy();
    await plant?.close();
  });

  function subscribeOnB(token: string, query: string) {
    const subscription = subscribeAsGateway({
      url: instanceB.server.url,
      token,
      gatewaySecret: TEST_GATEWAY_SECRET,
      query,
    });
    subscriptions.push(subscription);
    return subscription;
  }

  it("a fired level reaches the shift manager's subscription on the other instance and their mailbox, once", async () => {
    const managerId = await plant.userIdOf("smanager");
    const manager = await plant.db.prisma.user.findUniqueOrThrow({ where: { id: managerId } });
    const inbox = subscribeOnB(
      await plant.tokenOf("smanager"),
      `subscription { myNotifications { title channel status andonId } }`,
    );
    // The operator subscribes too and must not see the manager's notification.
    const bystander = subscribeOnB(await plant.tokenOf("operator"), `subscription { myNotifications { id } }`);
    await eventually(async () => {
      const counts = (await plant.redis.pubSubNumSub([
        notificationChannelOf(managerId, keyPrefix),
        notificationChannelOf(await plant.userIdOf("operator"), keyPrefix),
      ])) as Record<string, number>;
      return Object.values(counts).every((count) => count > 0);
    });

    const lineId = await plant.lineIdOf("bagging-1");
    const raised = await callSubgraph<{ raiseAndon: { data: { id: string } } }>(
      instanceA.server.url,
      await plant.tokenOf("operator"),
      `mutation ($input: RaiseAndonInput!) { raiseAndon(input: $input) { ... on MutationRaiseAndonSuccess { data { id } } } }`,
      { input: { lineId, type: "SAFETY", priority: "CRITICAL" } },
    );
    const andonId = raised.data!.raiseAndon.data.id;
    // Nobody acknowledges: the critical rule's level 1 (shift managers, technicians; in-app and e-mail) falls due.
    clock.set(new Date(t0.getTime() + 61_000));
    await instanceA.scheduler.runDue();

    await eventually(async () => inbox.events.length > 0);
    expect(inbox.events[0]).toEqual({
      myNotifications: { title: expect.any(String), channel: "IN_APP", status: "SENT", andonId },
    });
    await eventually(async () => smtp.received.some((mail) => mail.to.includes(manager.email!)));
    const mails = smtp.received.filter((mail) => mail.to.includes(manager.email!));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe((inbox.events[0]!.myNotifications as { title: string }).title);

    // Running the scheduler again fires nothing new for that level: no second e-mail, no second row.
    await instanceA.scheduler.runDue();
    const rows = await plant.db.prisma.notification.findMany({ where: { userId: managerId, andonId } });
    expect(rows.map((row) => row.channel).sort()).toEqual(["EMAIL", "IN_APP"]);
    expect(smtp.received.filter((mail) => mail.to.includes(manager.email!))).toHaveLength(1);
    expect(bystander.events).toEqual([]);
    expect(inbox.errors.concat(bystander.errors)).toEqual([]);
  });
});
