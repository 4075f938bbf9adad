// jobUpdated across two instances of the production subgraph on real ports, PostgreSQL and Redis:
// job transitions made through instance A reach subscribers of instance B, a refused transition
// publishes nothing, and callers without job:read are refused.
import { randomUUID } from "node:crypto";
import { seedPlant } from "@ms5/db/seed";
import { createTestDatabase, type TestDatabase } from "@ms5/db/test-database";
import { createLogger, createRedisClient, type RedisClient } from "@ms5/kit";
import { createSigningKeyRing, generateSigningKey, issueAccessToken, type SigningKeyRing } from "@ms5/kit/auth";
import { GATEWAY_WEBSOCKET_INIT_BODY, signGatewayRequest } from "@ms5/kit/subgraph";
import { testRedisPrefix } from "@ms5/kit/testing";
import type { Role } from "@ms5/schema";
import { type CollectedSubscription, collectSubscription, waitUntil } from "@ms5/test-support";
import { type Client, createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { signBaggerChecklist } from "../jobs/job-test-plant.ts";
import { liveEventChannel } from "../live-events/index.ts";
import { createProductionSubgraph, type ProductionSubgraph } from "../production-subgraph.ts";
import type { Loose } from "../testing/graphql-test-plant.ts";
import { signedGraphQLCaller } from "../testing/production-test-plant.ts";

const GATEWAY_SECRET = "job-updated-test-gateway-secret-0123456789abcdef";
const logger = createLogger({ service: "job-updated-test", level: "silent" });

type Collected = CollectedSubscription<Loose>;

describe("jobUpdated", () => {
  const { runId, databaseServerUrl, templateDatabase, redisUrl } = inject("testRun");
  const keyPrefix = `${testRedisPrefix(runId)}job-updated:`;
  let db: TestDatabase;
  let redisA: RedisClient;
  let redisB: RedisClient;
  let keys: SigningKeyRing;
  let instanceA: ProductionSubgraph;
  let instanceB: ProductionSubgraph;
  let lineId: string;
  let baggerId: string;
  const users: Record<string, string> = {};
  const tokens: Record<string, string> = {};
  const clients: Client[] = [];
  const callA = signedGraphQLCaller<{ data?: Record<string, Loose>; errors?: unknown[] }>(
    () => instanceA.server.url,
    GATEWAY_SECRET,
  );

  function subscribe(token: string | undefined, query: string, variables: Record<string, unknown>): Collected {
    const authorization = token ? `Bearer ${token}` : undefined;
    const client = createClient({
      url: instanceB.server.url.replace(/^http/, "ws"),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: {
        ...(authorization ? { authorization } : {}),
        ...signGatewayRequest({ secret: GATEWAY_SECRET, body: GATEWAY_WEBSOCKET_INIT_BODY, authorization }),
      },
    });
    clients.push(client);
    return collectSubscription<Loose>(client, query, variables);
  }

  async function subscriberConnections(): Promise<number> {
    const channel = liveEventChannel(lineId, keyPrefix);
    return (await redisA.pubSubNumSub(channel))[channel] ?? 0;
  }

  beforeAll(async () => {
    db = await createTestDatabase({ serverUrl: databaseServerUrl, runId, templateDatabase });
    await seedPlant(db.prisma, { fastHashing: true });
    redisA = createRedisClient({ url: redisUrl });
    redisB = createRedisClient({ url: redisUrl });
    await Promise.all([redisA.connect(), redisB.connect()]);
    keys = await createSigningKeyRing([await generateSigningKey()]);
    const roles: Record<string, Role> = { smanager: "SHIFT_MANAGER", operator: "OPERATOR", operator2: "OPERATOR" };
    for (const [username, role] of Object.entries(roles)) {
      const user = await db.prisma.user.findUniqueOrThrow({ where: { username } });
      users[username] = user.id;
      tokens[username] = (
        await issueAccessToken(keys, { kind: "user", userId: user.id, name: username, roles: [role] })
      ).token;
    }
    const bagger = await db.prisma.equipment.findUniqueOrThrow({ where: { code: "BAGGER-1" } });
    baggerId = bagger.id;
    lineId = bagger.lineId;
    const common = {
      prisma: db.prisma,
      logger,
      verificationKeys: keys,
      gatewaySecret: GATEWAY_SECRET,
      port: 0,
      production: false,
      telemetry: false as const,
      liveEvents: { keyPrefix },
    };
    instanceA = await createProductionSubgraph({ ...common, redis: redisA });
    instanceB = await createProductionSubgraph({ ...common, redis: redisB });
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await instanceA?.close();
    await instanceB?.close();
    redisA?.destroy();
    redisB?.destroy();
    await db?.drop();
  });

  async function assign(assignee: string, title: string): Promise<string> {
    const result = await callA(
      tokens.smanager!,
      `mutation($input: AssignJobInput!) { assignJob(input: $input) { ... on MutationAssignJobSuccess { data { id } } } }`,
      { input: { title, lineId, equipmentId: baggerId, assigneeId: users[assignee] } },
    );
    return result.data!.assignJob.data.id;
  }

  it("every transition made on instance A reaches jobUpdated subscribers on instance B; assignedToMe keeps the caller's", async () => {
    const selection = `{ id title status assigneeId }`;
    const all = subscribe(tokens.smanager, `subscription($l: ID!) { jobUpdated(lineId: $l) ${selection} }`, {
      l: lineId,
    });
    const mine = subscribe(
      tokens.operator,
      `subscription($l: ID!) { jobUpdated(lineId: $l, assignedToMe: true) ${selection} }`,
      {
        l: lineId,
      },
    );
    await waitUntil(async () => (await subscriberConnections()) === 1);
    // Each subscription is in place once it has heard a probe job assigned to the operator.
    await waitUntil(async () => {
      if (all.events.length > 0 && mine.events.length > 0) return true;
      await assign("operator", "probe");
      return false;
    });
    const other = await assign("operator2", "Someone else's");
    const jobId = await assign("operator", "Run 25 kg");
    await callA(tokens.operator!, `mutation($id: ID!) { acceptJob(jobId: $id) { __typename } }`, { id: jobId });
    // Refused (no signed checklist yet): nothing is published for it.
    const refused = await callA(tokens.operator!, `mutation($id: ID!) { startJob(jobId: $id) { __typename } }`, {
      id: jobId,
    });
    expect(refused.data!.startJob.__typename).toBe("ChecklistRequired");
    await signBaggerChecklist(
      {
        db,
        prisma: db.prisma,
        operator: { userId: users.operator! },
        operator2: { userId: users.operator2! },
        manager: { userId: users.smanager! },
        bagger: { id: baggerId, lineId },
        baggerTemplate: await db.prisma.checklistTemplate.findFirstOrThrow({
          where: { equipmentId: baggerId, kind: "PRE_START", active: true },
          include: { items: { orderBy: { position: "asc" } } },
        }),
      },
      jobId,
    );
    await callA(tokens.operator!, `mutation($id: ID!) { startJob(jobId: $id) { __typename } }`, { id: jobId });
    await callA(
      tokens.operator!,
      `mutation($id: ID!) { completeJob(jobId: $id, actualGoodQuantity: 90) { __typename } }`,
      {
        id: jobId,
      },
    );

    const statuses = (collected: Collected) =>
      collected.events
        .map((data) => [data.jobUpdated.id, data.jobUpdated.status])
        .filter(([id]) => id === jobId || id === other);
    await waitUntil(() => statuses(all).length === 5 && statuses(mine).length === 4);
    expect(all.errors).toEqual([]);
    expect(statuses(all)).toEqual([
      [other, "ASSIGNED"],
      [jobId, "ASSIGNED"],
      [jobId, "ACCEPTED"],
      [jobId, "IN_PROGRESS"],
      [jobId, "COMPLETED"],
    ]);
    // Published in that order on one connection, so the operator's subscription skipped the other's job.
    expect(statuses(mine)).toEqual(statuses(all).slice(1));
    all.dispose();
    mine.dispose();
    await waitUntil(async () => (await subscriberConnections()) === 0);
  });

  it("refuses jobUpdated to a service that may only read the plant, to anyone anonymous, and for an unknown line", async () => {
    const plantReader = (
      await issueAccessToken(keys, {
        kind: "service",
        serviceAccountId: randomUUID(),
        name: "reader",
        scopes: ["plant:read"],
      })
    ).token;
    const query = `subscription($l: ID!) { jobUpdated(lineId: $l) { id } }`;
    const forbidden = subscribe(plantReader, query, { l: lineId });
    const anonymous = subscribe(undefined, query, { l: lineId });
    const unknown = subscribe(tokens.operator, query, { l: randomUUID() });
    await waitUntil(() => forbidden.done && anonymous.done && unknown.done);
    const outcome = (collected: Collected) => JSON.stringify([collected.errors, collected.payloads]);
    expect(outcome(forbidden)).toContain('"code":"FORBIDDEN"');
    expect(outcome(anonymous)).toContain('"code":"UNAUTHENTICATED"');
    expect(outcome(unknown)).toContain('"code":"NOT_FOUND"');
    expect(await subscriberConnections()).toBe(0);
  });
});
