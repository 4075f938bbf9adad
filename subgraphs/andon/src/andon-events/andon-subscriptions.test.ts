// Live andon subscriptions across two instances of the andon subgraph against real PostgreSQL and
// Redis: a change committed on instance A reaches subscribers of instance B (andonRaised,
// andonUpdated, escalationUpdated), a line filter keeps other lines' andons out, and a caller
// without andon:read is refused when subscribing.
import { createLogger, createRedisClient, ManualClock, type RedisClient } from "@ms5/kit";
import { issueAccessToken } from "@ms5/kit/auth";
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

const logger = createLogger({ service: "andon-subscriptions-test", level: "silent" });
const t0 = new Date(Date.UTC(2026, 10, 27, 10, 0, 0));

describe("live andon subscriptions across instances", () => {
  const run = inject("testRun");
  const keyPrefix = `${testRedisPrefix(run.runId)}andon-live:`;
  const clock = new ManualClock(t0);
  let plant: AndonTestPlant;
  let redisB: RedisClient;
  let instanceA: AndonSubgraph;
  let instanceB: AndonSubgraph;
  let lineId: string;
  let otherLineId: string;
  const subscriptions: CollectedSubscription[] = [];

  function subscribe(token: string, query: string, variables: Record<string, unknown> = {}): CollectedSubscription {
    const subscription = subscribeAsGateway({
      url: instanceB.server.url,
      token,
      gatewaySecret: TEST_GATEWAY_SECRET,
      query,
      variables,
    });
    subscriptions.push(subscription);
    return subscription;
  }

  /** Until instance B's bus listens for all of them (and has subscribed to Redis), a publish would miss some. */
  async function subscribed(count: number): Promise<void> {
    await eventually(async () => instanceB.events.listenerCount === count);
    await eventually(async () => {
      const counts = (await plant.redis.pubSubNumSub(`${keyPrefix}andon:events`)) as Record<string, number>;
      return (Object.values(counts)[0] ?? 0) > 0;
    });
  }

  beforeAll(async () => {
    plant = await openAndonTestPlant(run, t0);
    redisB = createRedisClient({ url: run.redisUrl });
    await redisB.connect();
    const common = { logger, keyPrefix, clock, faults: false, scheduler: false } as const;
    instanceA = await startAndonTestSubgraph(plant, { ...common, redis: plant.redis, instanceId: "live-a" });
    instanceB = await startAndonTestSubgraph(plant, { ...common, redis: redisB, instanceId: "live-b" });
    lineId = await plant.lineIdOf("bagging-1");
    otherLineId = await plant.lineIdOf("loading-1");
  });
  afterAll(async () => {
    for (const { client } of subscriptions) await client.dispose();
    await instanceB?.close();
    await instanceA?.close();
    redisB?.destroy();
    await plant?.close();
  });

  it("tells subscribers of instance B about andons raised, acknowledged and escalated on instance A, of their line only", async () => {
    const viewer = await plant.tokenOf("viewer");
    const raised = subscribe(
      viewer,
      `subscription ($lineId: ID) { andonRaised(lineId: $lineId) { id priority status } }`,
      {
        lineId,
      },
    );
    const updated = subscribe(viewer, `subscription { andonUpdated { id status } }`);
    const escalations = subscribe(viewer, `subscription { escalationUpdated { andonId kind status currentLevel } }`);
    await subscribed(3);

    const operator = await plant.tokenOf("operator");
    const raise = (line: string) =>
      callSubgraph<{ raiseAndon: { data: { id: string } } }>(
        instanceA.server.url,
        operator,
        `mutation ($input: RaiseAndonInput!) { raiseAndon(input: $input) { ... on MutationRaiseAndonSuccess { data { id } } } }`,
        { input: { lineId: line, type: "MATERIAL", priority: "HIGH" } },
      );
    const other = await raise(otherLineId);
    const mine = await raise(lineId);
    const andonId = mine.data!.raiseAndon.data.id;
    await eventually(async () => raised.events.length === 1 && escalations.events.length === 2);
    expect(raised.events).toEqual([{ andonRaised: { id: andonId, priority: "HIGH", status: "OPEN" } }]);
    expect(raised.events).not.toContainEqual({
      andonRaised: expect.objectContaining({ id: other.data!.raiseAndon.data.id }),
    });

    clock.set(new Date(t0.getTime() + 180_000));
    expect(await instanceA.scheduler.runDue()).toBe(2);
    await eventually(async () => escalations.events.length === 4);
    expect(escalations.events.slice(2)).toContainEqual({
      escalationUpdated: { andonId, kind: "ACKNOWLEDGE", status: "ACTIVE", currentLevel: 1 },
    });

    await callSubgraph(
      instanceA.server.url,
      await plant.tokenOf("technician"),
      `mutation ($id: ID!) { acknowledgeAndon(andonId: $id) { __typename } }`,
      { id: andonId },
    );
    await eventually(async () => updated.events.some((e) => (e.andonUpdated as { id: string }).id === andonId));
    expect(updated.events).toContainEqual({ andonUpdated: { id: andonId, status: "ACKNOWLEDGED" } });
    expect(raised.errors.concat(updated.errors, escalations.errors)).toEqual([]);
  });

  it("refuses a subscriber without andon:read with FORBIDDEN", async () => {
    const nobody = await plant.db.prisma.user.findUniqueOrThrow({ where: { username: "viewer" } });
    const token = (await issueAccessToken(plant.keys, { kind: "user", userId: nobody.id, name: "Nobody", roles: [] }))
      .token;
    const refused = subscribe(token, `subscription { andonRaised { id } }`);
    await eventually(async () => refused.errors.length > 0);
    expect(JSON.stringify(refused.errors)).toContain("FORBIDDEN");
  });
});
