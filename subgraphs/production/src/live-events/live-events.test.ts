// Live subscriptions across two instances of the production subgraph against real PostgreSQL and
// Redis: only instance A consumes telemetry, subscribers on instance B still hear about it, OEE is
// throttled, and callers without the permission are refused.
import { randomUUID } from "node:crypto";
import { seedPlant } from "@ms5/db/seed";
import { createTestDatabase, type TestDatabase } from "@ms5/db/test-database";
import { createLogger, createRedisClient, type RedisClient } from "@ms5/kit";
import { createSigningKeyRing, generateSigningKey, issueAccessToken, type SigningKeyRing } from "@ms5/kit/auth";
import { GATEWAY_WEBSOCKET_INIT_BODY, signGatewayRequest } from "@ms5/kit/subgraph";
import { testRedisPrefix } from "@ms5/kit/testing";
import { STREAM_SCHEMA_VERSION, streamKey } from "@ms5/schema";
import { type CollectedSubscription, collectSubscription, waitUntil } from "@ms5/test-support";
import { type Client, createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { createProductionSubgraph, type ProductionSubgraph } from "../production-subgraph.ts";
import { plcStateFields, signedGraphQLCaller } from "../testing/production-test-plant.ts";
import { liveEventChannel } from "./live-event.ts";

const GATEWAY_SECRET = "production-test-gateway-secret-0123456789abcdef";
const logger = createLogger({ service: "live-events-test", level: "silent" });

describe("live subscriptions of the production subgraph", () => {
  const { runId, databaseServerUrl, templateDatabase, redisUrl } = inject("testRun");
  const keyPrefix = `${testRedisPrefix(runId)}live-events:`;
  const telemetryStream = streamKey("bagging-1", "telemetry", keyPrefix);
  let db: TestDatabase;
  let redisA: RedisClient;
  let redisB: RedisClient;
  let keys: SigningKeyRing;
  let instanceA: ProductionSubgraph;
  let instanceB: ProductionSubgraph;
  let viewer: string;
  let lineId: string;
  let channel: string;
  const clients: Client[] = [];

  function clientOf(instance: ProductionSubgraph, token: string | undefined): Client {
    const authorization = token ? `Bearer ${token}` : undefined;
    const client = createClient({
      url: instance.server.url.replace(/^http/, "ws"),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: {
        ...(authorization ? { authorization } : {}),
        ...signGatewayRequest({ secret: GATEWAY_SECRET, body: GATEWAY_WEBSOCKET_INIT_BODY, authorization }),
      },
    });
    clients.push(client);
    return client;
  }

  async function subscribers(): Promise<number> {
    return (await redisA.pubSubNumSub(channel))[channel] ?? 0;
  }

  let seq = 0;
  async function telemetry(fields: Record<string, string>, at = Date.now()) {
    seq++;
    await redisA.xAdd(telemetryStream, "*", {
      v: String(STREAM_SCHEMA_VERSION),
      plc: "PLC-BAG1",
      seq: String(seq),
      equipment: "BAGGER-1",
      line: "bagging-1",
      ts: String(at),
      ...fields,
    });
  }

  beforeAll(async () => {
    db = await createTestDatabase({ serverUrl: databaseServerUrl, runId, templateDatabase });
    await seedPlant(db.prisma, { fastHashing: true, now: new Date(Date.now() - 3_600_000) });
    redisA = createRedisClient({ url: redisUrl });
    redisB = createRedisClient({ url: redisUrl });
    await Promise.all([redisA.connect(), redisB.connect()]);
    keys = await createSigningKeyRing([await generateSigningKey()]);
    const user = await db.prisma.user.findUniqueOrThrow({ where: { username: "viewer" } });
    viewer = (await issueAccessToken(keys, { kind: "user", userId: user.id, name: "Viewer One", roles: ["VIEWER"] }))
      .token;
    lineId = (await db.prisma.line.findUniqueOrThrow({ where: { code: "bagging-1" } })).id;
    channel = liveEventChannel(lineId, keyPrefix);
    const common = {
      prisma: db.prisma,
      logger,
      verificationKeys: keys,
      gatewaySecret: GATEWAY_SECRET,
      port: 0,
      production: false,
    };
    instanceA = await createProductionSubgraph({
      ...common,
      redis: redisA,
      telemetry: { consumerName: `test-${randomUUID()}`, keyPrefix, settings: { blockMs: 100 } },
    });
    instanceB = await createProductionSubgraph({
      ...common,
      redis: redisB,
      telemetry: false,
      liveEvents: { keyPrefix },
    });
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await instanceA?.close();
    await instanceB?.close();
    redisA?.destroy();
    redisB?.destroy();
    await db?.drop();
  });

  it("tells a subscriber on instance B of a stop that instance A's consumer applied, through one Redis subscription", async () => {
    const client = clientOf(instanceB, viewer);
    const started = collectSubscription(
      client,
      `subscription ($line: ID!) { downtimeStarted(lineId: $line) { category firstOutFaultCode suggestedReason { code } equipment { code } } }`,
      { line: lineId },
    );
    const lineStatus = collectSubscription(
      client,
      `subscription ($line: ID!) { lineStatusChanged(lineId: $line) { code liveState { state } } }`,
      { line: lineId },
    );
    await waitUntil(async () => (await subscribers()) === 1);

    const now = Date.now();
    await telemetry(plcStateFields("RUNNING", { stateCode: "1" }), now - 2_000);
    await telemetry(
      plcStateFields("DOWN", { stateCode: "3", firstOutFaultCode: "BG-004", firstOutFaultBit: "4" }),
      now - 1_000,
    );
    await waitUntil(
      () => started.payloads.length > 0 && lineStatus.payloads.some((e) => JSON.stringify(e).includes("DOWN")),
    );
    expect(started.payloads[0]).toEqual({
      data: {
        downtimeStarted: {
          category: "UNPLANNED",
          firstOutFaultCode: "BG-004",
          suggestedReason: { code: "UNPL-MECH-JAW" },
          equipment: { code: "BAGGER-1" },
        },
      },
    });
    expect(lineStatus.payloads.at(-1)).toEqual({
      data: { lineStatusChanged: { code: "bagging-1", liveState: { state: "DOWN" } } },
    });
    // Both subscriptions delivered, so both are live: still one Redis subscriber of B on the line's channel.
    expect(await subscribers()).toBe(1);
    started.dispose();
    lineStatus.dispose();
    // The last subscriber gone, B unsubscribes the channel.
    await waitUntil(async () => (await subscribers()) === 0);
  });

  it("sends oeeUpdated a few times, not once per count, however fast the counts come", async () => {
    const oee = collectSubscription(
      clientOf(instanceB, viewer),
      `subscription ($line: ID!) { oeeUpdated(lineId: $line) { scope bucket lineId totalCount } }`,
      { line: lineId },
    );
    try {
      await waitUntil(async () => (await subscribers()) === 1);
      await telemetry(plcStateFields("RUNNING", { stateCode: "1" }));
      for (let i = 0; i < 10; i++) await telemetry({ type: "counts", goodDelta: "5", rejectDelta: "1" });
      type OeeUpdate = { scope: string; bucket: string; lineId: string; totalCount: number };
      // Updates that carry counts are this test's: one still due from the previous test carries none.
      const countUpdates = () =>
        oee.payloads
          .map((payload) => payload.data?.oeeUpdated as OeeUpdate | undefined)
          .filter((update) => (update?.totalCount ?? 0) > 0);
      const latest = () => countUpdates().at(-1);
      // However slowly the counts are applied, an update after the last one carries all ten.
      await waitUntil(() => latest()?.totalCount === 60, { timeoutMs: 15_000 });
      expect(oee.errors).toEqual([]);
      expect(latest()).toMatchObject({ scope: "LINE", bucket: "HOUR", lineId });
      // Eleven changes asked for an update; a throttled line gets one a second while they come (a
      // few), not one each. The spacing itself is proven on a hand-moved clock (per-key-throttle.test.ts).
      expect(countUpdates().length).toBeLessThanOrEqual(5);
    } finally {
      oee.dispose();
      // The next test counts subscribers of the same channel.
      await waitUntil(async () => (await subscribers()) === 0);
    }
  });

  it("tells downtimeUpdated subscribers on instance B when a supervisor on instance A splits a past stop", async () => {
    const bagger = await db.prisma.equipment.findFirstOrThrow({ where: { code: "BAGGER-1" } });
    const reason = await db.prisma.reasonCode.findFirstOrThrow({ where: { code: "UNPL-MECH-JAW" } });
    const startedAt = new Date(Date.now() - 50 * 60_000);
    const past = await db.prisma.downtimeEvent.create({
      data: {
        lineId,
        equipmentId: bagger.id,
        startedAt,
        endedAt: new Date(startedAt.getTime() + 10 * 60_000),
        reasonCodeId: reason.id,
      },
    });
    const updated = collectSubscription(
      clientOf(instanceB, viewer),
      `subscription ($line: ID!) { downtimeUpdated(lineId: $line) { id supersededAt } }`,
      { line: lineId },
    );
    await waitUntil(async () => (await subscribers()) === 1);
    const engineer = await db.prisma.user.findUniqueOrThrow({ where: { username: "engineer" } });
    const token = (
      await issueAccessToken(keys, { kind: "user", userId: engineer.id, name: "Eng", roles: ["ENGINEER"] })
    ).token;
    const call = signedGraphQLCaller<{
      data?: { splitDowntimeEvent: { __typename: string; data?: { first: { id: string }; second: { id: string } } } };
    }>(() => instanceA.server.url, GATEWAY_SECRET);
    const split = await call(
      token,
      `mutation ($id: ID!, $at: DateTime!) { splitDowntimeEvent(downtimeEventId: $id, at: $at, note: "Two faults") {
        __typename ... on MutationSplitDowntimeEventSuccess { data { first { id } second { id } } } } }`,
      { id: past.id, at: new Date(startedAt.getTime() + 4 * 60_000).toISOString() },
    );
    const parts = split.data?.splitDowntimeEvent.data;
    expect(parts, JSON.stringify(split)).toBeDefined();
    await waitUntil(() => updated.payloads.length >= 3);
    const received = updated.payloads.map(
      (payload) => (payload.data?.downtimeUpdated as { id: string; supersededAt: string | null }) ?? null,
    );
    expect(received.map((event) => event?.id).sort()).toEqual([past.id, parts!.first.id, parts!.second.id].sort());
    expect(received.find((event) => event?.id === past.id)?.supersededAt).not.toBeNull();
    updated.dispose();
    await waitUntil(async () => (await subscribers()) === 0);
  });

  it("refuses lineStatusChanged to a service whose token grants only plant:read, and to anyone anonymous", async () => {
    const plantReader = (
      await issueAccessToken(keys, {
        kind: "service",
        serviceAccountId: randomUUID(),
        name: "plant reader",
        scopes: ["plant:read"],
      })
    ).token;
    const query = `subscription ($line: ID!) { lineStatusChanged(lineId: $line) { id } }`;
    const forbidden = collectSubscription(clientOf(instanceB, plantReader), query, { line: lineId });
    const anonymous = collectSubscription(clientOf(instanceB, undefined), query, { line: lineId });
    await waitUntil(() => forbidden.done && anonymous.done);
    // Refused when the subscription starts: an error result or an error message, never data.
    const outcome = (collected: CollectedSubscription) => JSON.stringify([collected.errors, collected.payloads]);
    expect(outcome(forbidden)).toContain('"code":"FORBIDDEN"');
    expect(outcome(anonymous)).toContain('"code":"UNAUTHENTICATED"');
    for (const payload of [...forbidden.payloads, ...anonymous.payloads]) expect(payload.data ?? null).toBeNull();
    expect(await subscribers()).toBe(0);
  });
});
