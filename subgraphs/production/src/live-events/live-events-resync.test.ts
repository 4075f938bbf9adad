// A line's live subscriptions across a Redis restart, on a redis-server of the test's own, real
// PostgreSQL and graphql-ws: a line and equipment state changed while the subscriber connection was
// down reach the subscribers once it is back, with no new event published after it.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createLogger, createRedisClient, type RedisClient, startRedisServer } from "@ms5/kit";
import { createSigningKeyRing, generateSigningKey, issueAccessToken } from "@ms5/kit/auth";
import { GATEWAY_WEBSOCKET_INIT_BODY, signGatewayRequest } from "@ms5/kit/subgraph";
import { freePort, testRedisPrefix } from "@ms5/kit/testing";
import { type Client, createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { createProductionSubgraph, type ProductionSubgraph } from "../production-subgraph.ts";
import { openSeededTestPlant, type SeededTestPlant } from "../testing/production-test-plant.ts";
import { liveEventChannel } from "./live-event.ts";

const GATEWAY_SECRET = "production-test-gateway-secret-0123456789abcdef";
const logger = createLogger({ service: "live-events-resync-test", level: "silent" });

async function waitUntil(condition: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("the condition never held");
}

describe("a line's live subscriptions across a Redis restart", () => {
  const run = inject("testRun");
  const keyPrefix = `${testRedisPrefix(run.runId)}live-resync:`;
  let plant: SeededTestPlant;
  let redisDirectory: string;
  let redisPort: number;
  let redisServer: Awaited<ReturnType<typeof startRedisServer>> | undefined;
  let redis: RedisClient;
  let subgraph: ProductionSubgraph;
  let token: string;
  const clients: Client[] = [];

  const startOwnRedis = async () => {
    redisServer = await startRedisServer({
      port: redisPort,
      dataDir: redisDirectory,
      readyTimeoutMs: 10_000,
      stopGraceMs: 2_000,
    });
  };

  beforeAll(async () => {
    plant = await openSeededTestPlant(run, new Date(Date.now() - 3_600_000));
    redisDirectory = await mkdtemp(path.join(tmpdir(), "live-resync-"));
    redisPort = await freePort();
    await startOwnRedis();
    redis = createRedisClient({ url: `redis://127.0.0.1:${redisPort}`, logger });
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
    for (const client of clients) await client.dispose();
    await subgraph?.close();
    redis?.destroy();
    await redisServer?.stop();
    if (redisDirectory) await rm(redisDirectory, { recursive: true, force: true });
    plant?.redis.destroy();
    await plant?.db.drop();
  });

  function subscribe(query: string, variables: Record<string, unknown>) {
    const authorization = `Bearer ${token}`;
    const client = createClient({
      url: subgraph.server.url.replace(/^http/, "ws"),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: {
        authorization,
        ...signGatewayRequest({ secret: GATEWAY_SECRET, body: GATEWAY_WEBSOCKET_INIT_BODY, authorization }),
      },
    });
    clients.push(client);
    const collected = { events: [] as Record<string, unknown>[], errors: [] as unknown[] };
    client.subscribe(
      { query, variables },
      {
        next: (payload) => {
          if (payload.errors) collected.errors.push(...payload.errors);
          if (payload.data) collected.events.push(payload.data);
        },
        error: (error) => collected.errors.push(error),
        complete: () => {},
      },
    );
    return collected;
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

    await startOwnRedis();
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
