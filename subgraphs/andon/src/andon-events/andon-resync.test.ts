// Live andon and notification subscriptions across a Redis restart, on a redis-server of the test's
// own, real PostgreSQL and graphql-ws: what changed while Redis was away (an andon acknowledged, a
// notification sent) reaches the subscribers once the instance's subscriber connection is back,
// with no new event published after it.
import { createLogger, createRedisClient, ManualClock, type RedisClient } from "@ms5/kit";
import { type CollectedSubscription, subscribeAsGateway } from "@ms5/kit/subgraph/testing";
import { type RestartableRedisServer, startRestartableRedisServer, testRedisPrefix } from "@ms5/kit/testing";
import { eventually } from "@ms5/test-support";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { AndonSubgraph } from "../andon-subgraph.ts";
import { acknowledgeAndon, raiseAndon } from "../andons/andon-workflow.ts";
import { notificationChannelOf } from "../notifications/notification-defaults.ts";
import {
  type AndonTestPlant,
  openAndonTestPlant,
  startAndonTestSubgraph,
  TEST_GATEWAY_SECRET,
} from "../testing/andon-test-plant.ts";
import { andonEventChannel } from "./andon-event-message.ts";

const logger = createLogger({ service: "andon-resync-test", level: "silent" });
const t0 = new Date(Date.UTC(2026, 10, 27, 16, 0, 0));

describe("live andon subscriptions across a Redis restart", () => {
  const run = inject("testRun");
  const keyPrefix = `${testRedisPrefix(run.runId)}andon-resync:`;
  const clock = new ManualClock(t0);
  let plant: AndonTestPlant;
  let redisServer: RestartableRedisServer | undefined;
  let redis: RedisClient;
  let subgraph: AndonSubgraph;
  const subscriptions: CollectedSubscription[] = [];

  beforeAll(async () => {
    plant = await openAndonTestPlant(run, t0);
    redisServer = await startRestartableRedisServer({ name: "andon-resync" });
    redis = createRedisClient({ url: redisServer.url, logger });
    await redis.connect();
    subgraph = await startAndonTestSubgraph(plant, {
      redis,
      logger,
      keyPrefix,
      clock,
      email: null,
      faults: false,
      scheduler: false,
      alerts: false,
    });
  });
  afterAll(async () => {
    for (const { client } of subscriptions) await client.dispose();
    await subgraph?.close();
    redis?.destroy();
    await redisServer?.close();
    await plant?.close();
  });

  function subscribe(token: string, query: string) {
    const subscription = subscribeAsGateway({
      url: subgraph.server.url,
      token,
      gatewaySecret: TEST_GATEWAY_SECRET,
      query,
    });
    subscriptions.push(subscription);
    return subscription;
  }

  it("shows subscribers the andon acknowledged and the notification sent while Redis was down, once it is back", async () => {
    const lineId = await plant.lineIdOf("bagging-1");
    const andon = await raiseAndon(subgraph.runtime, null, { lineId, type: "MATERIAL", priority: "HIGH" });
    const managerId = await plant.userIdOf("smanager");
    const updates = subscribe(await plant.tokenOf("viewer"), `subscription { andonUpdated { id status } }`);
    const inbox = subscribe(await plant.tokenOf("smanager"), `subscription { myNotifications { id title } }`);
    await eventually(async () => subgraph.events.listenerCount === 1 && subgraph.notificationFeed.userCount === 1);
    await eventually(async () => {
      const counts = (await redis.pubSubNumSub([
        andonEventChannel(keyPrefix),
        notificationChannelOf(managerId, keyPrefix),
      ])) as Record<string, number>;
      return Object.values(counts).every((count) => count > 0);
    });

    await redisServer!.stop();
    clock.set(new Date(t0.getTime() + 30_000));
    const technicianId = await plant.userIdOf("technician");
    await acknowledgeAndon(subgraph.runtime, { userId: technicianId }, andon.id);
    await subgraph.runtime.dispatcher.dispatch({
      recipientUserIds: [managerId],
      channels: ["IN_APP"],
      subject: "Sent while Redis was down",
      body: "Read it once Redis is back.",
      andonEventId: andon.id,
      dedupeKey: `resync-test:${andon.id}`,
    });
    // Nothing reached the subscribers: the publishes had nowhere to go.
    expect(updates.events).toEqual([]);
    expect(inbox.events).toEqual([]);

    await redisServer!.start();
    await eventually(async () =>
      updates.events.some((event) => {
        const row = event.andonUpdated as { id: string; status: string };
        return row.id === andon.id && row.status === "ACKNOWLEDGED";
      }),
    );
    await eventually(async () =>
      inbox.events.some((event) => (event.myNotifications as { title: string }).title === "Sent while Redis was down"),
    );
    expect(updates.errors.concat(inbox.errors)).toEqual([]);
  });
});
