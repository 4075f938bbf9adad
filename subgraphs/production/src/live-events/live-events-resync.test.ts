// A line's live subscriptions across a Redis restart, on a redis-server of the test's own, real
// PostgreSQL and graphql-ws: a line and equipment state changed while the subscriber connection was
// down reach the subscribers once it is back, with no new event published after it.
import { createLogger, createRedisClient, type RedisClient } from "@ms5/kit";
import { createSigningKeyRing, generateSigningKey, issueAccessToken } from "@ms5/kit/auth";
import { type CollectedSubscription, subscribeAsGateway } from "@ms5/kit/subgraph/testing";
import { type RestartableRedisServer, startRestartableRedisServer, testRedisPrefix } from "@ms5/kit/testing";
import { waitUntil } from "@ms5/test-support";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createProductionSubgraph, type ProductionSubgraph } from "../production-subgraph.ts";
import { openSeededTestPlant, type SeededTestPlant } from "../testing/production-test-plant.ts";
import { liveEventChannel } from "./live-event.ts";

const GATEWAY_SECRET = "production-test-gateway-secret-0123456789abcdef";
const logger = createLogger({ service: "live-events-resync-test", level: "silent" });

describe("a line's live subscriptions across a Redis restart", () => {
  const run = inject("testRun");
  const keyPrefix = `${testRedisPrefix(run.runId)}live-resync:`;
  let plant: SeededTestPlant;
  let redisServer: RestartableRedisServer | undefined;
  let redis: RedisClient;
  let subgraph: ProductionSubgraph;
  let token: string;
  const subscriptions: CollectedSubscription[] = [];

  beforeAll(async () => {
    plant = await openSeededTestPlant(run, new Date(Date.now() - 3_600_000));
    redisServer = await startRestartableRedisServer({ name: "live-resync" });
    redis = createRedisClient({ url: redisServer.url, logger });
    await redis.connect();
    const keys = await createSigningKeyRing([await generateSigningKey()]);
    const viewer = await plant.db.prisma.user.findUniqueOrThrow({ where: { username: "viewer" } });
    token = (await issueAccessToken(keys, { kind: "user", userId: viewer.id, name: "Viewer", roles: ["VIEWER"] }))
      .token;
    subgraph = await createProductionSubgraph({
      prisma: plant.db.prisma,
      redis,
      logger,
      verificationKeys: keys,
      gatewaySecret: GATEWAY_SECRET,
      port: 0,
      production: false,
      telemetry: false,
      liveEvents: { keyPrefix },
    });
  });
  afterAll(async () => {
    for (const { client } of subscriptions) await client.dispose();
    await subgraph?.close();
    redis?.destroy();
    await redisServer?.close();
    plant?.redis.destroy();
    await plant?.db.drop();
  });

  function subscribe(query: string, variables: Record<string, unknown>) {
    const subscription = subscribeAsGateway({
      url: subgraph.server.url,
      token,
      gatewaySecret: GATEWAY_SECRET,
      query,
      variables,
    });
    subscriptions.push(subscription);
    return subscription;
  }

  it("shows subscribers the line's and its equipment's state changed while Redis was down, once it is back", async () => {
    const line = await plant.db.prisma.line.findUniqueOrThrow({
      where: { code: "bagging-1" },
      include: { equipment: { where: { code: "BAGGER-1" } } },
    });
    const bagger = line.equipment[0]!;
    const lineStatus = subscribe(
      `subscription ($lineId: ID!) { lineStatusChanged(lineId: $lineId) { id liveState { state } } }`,
      {
        lineId: line.id,
      },
    );
    const equipmentStatus = subscribe(
      `subscription ($lineId: ID!) { equipmentStatusChanged(lineId: $lineId) { code liveState { state } } }`,
      { lineId: line.id },
    );
    const channel = liveEventChannel(line.id, keyPrefix);
    await waitUntil(async () => ((await redis.pubSubNumSub(channel))[channel] ?? 0) > 0);

    await redisServer!.stop();
    // Changed while Redis is away, as a consumer applying the PLC's stop would; its publish is lost.
    const since = new Date();
    await plant.db.prisma.lineLiveState.upsert({
      where: { lineId: line.id },
      create: { lineId: line.id, state: "DOWN", since },
      update: { state: "DOWN", since },
    });
    await plant.db.prisma.equipmentLiveState.upsert({
      where: { equipmentId: bagger.id },
      create: { equipmentId: bagger.id, state: "DOWN", since },
      update: { state: "DOWN", since },
    });
    expect(lineStatus.events).toEqual([]);

    await redisServer!.start();
    await waitUntil(() =>
      lineStatus.events.some((event) => {
        const changed = event.lineStatusChanged as { liveState: { state: string } | null };
        return changed.liveState?.state === "DOWN";
      }),
    );
    await waitUntil(() =>
      equipmentStatus.events.some((event) => {
        const changed = event.equipmentStatusChanged as { code: string; liveState: { state: string } | null };
        return changed.code === "BAGGER-1" && changed.liveState?.state === "DOWN";
      }),
    );
    expect(lineStatus.errors.concat(equipmentStatus.errors)).toEqual([]);
  });
});
