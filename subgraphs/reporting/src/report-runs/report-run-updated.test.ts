// reportRunUpdated across two instances against real PostgreSQL and Redis: generateReport on
// instance B wakes the runner of instance A at once (its poll is ten minutes), and a subscriber on B
// sees a run taken by A, its progress and its end; a caller without report:read is refused.
import { createLogger, createRedisClient, type RedisClient } from "@ms5/kit";
import { issueAccessToken } from "@ms5/kit/auth";
import { signGatewayRequest } from "@ms5/kit/subgraph";
import { type CollectedSubscription, subscribeAsGateway } from "@ms5/kit/subgraph/testing";
import { testRedisPrefix } from "@ms5/kit/testing";
import { eventually } from "@ms5/test-support";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createReportingSubgraph, type ReportingSubgraph } from "../reporting-subgraph.ts";
import {
  openReportingTestPlant,
  type ReportingTestPlant,
  TEST_GATEWAY_SECRET,
} from "../testing/reporting-test-plant.ts";
import { reportRunChannel } from "./report-run-events.ts";

const NOW = new Date("2026-12-09T13:00:00Z");
const SUBSCRIBE = `subscription ($id: ID!) { reportRunUpdated(id: $id) { id status progress fileSizeBytes } }`;
const GENERATE = `mutation ($input: GenerateReportInput!) { generateReport(input: $input) { id status } }`;

describe("reportRunUpdated", () => {
  const run = inject("testRun");
  const keyPrefix = `${testRedisPrefix(run.runId)}reporting-live:`;
  let plant: ReportingTestPlant;
  let redisB: RedisClient;
  let instanceB: ReportingSubgraph;
  const subscriptions: CollectedSubscription[] = [];

  beforeAll(async () => {
    // Instance A: the runner, polling only every ten minutes; only a wake-up gets it going sooner.
    plant = await openReportingTestPlant(run, NOW, { rollup: false, runner: { pollMs: 600_000 }, keyPrefix });
    redisB = createRedisClient({ url: run.redisUrl });
    await redisB.connect();
    instanceB = await createReportingSubgraph({
      prisma: plant.db.prisma,
      redis: redisB,
      logger: createLogger({ service: "reporting-live-b", level: "silent" }),
      verificationKeys: plant.keys,
      gatewaySecret: TEST_GATEWAY_SECRET,
      port: 0,
      production: false,
      reportDirectory: plant.reportDirectory,
      rollup: false,
      runner: false,
      scheduler: false,
      keyPrefix,
    });
  }, 120_000);

  afterAll(async () => {
    for (const { client } of subscriptions) await client.dispose();
    await instanceB?.close();
    redisB?.destroy();
    await plant?.close();
  });

  async function callB<Data>(token: string, query: string, variables: Record<string, unknown>): Promise<Data> {
    const body = JSON.stringify({ query, variables });
    const authorization = `Bearer ${token}`;
    const response = await fetch(instanceB.server.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization,
        ...signGatewayRequest({ secret: TEST_GATEWAY_SECRET, body, authorization }),
      },
      body,
    });
    const json = (await response.json()) as { data: Data; errors?: unknown };
    expect(json.errors).toBeUndefined();
    return json.data;
  }

  it("on instance B follows a run through instance A's worker to SUCCEEDED, A woken by generateReport on B", async () => {
    const token = await plant.tokenOf("pmanager");
    const template = await plant.db.prisma.reportTemplate.findUniqueOrThrow({ where: { key: "andon-summary" } });
    const range = { from: "2026-12-08T22:00:00.000Z", to: "2026-12-09T22:00:00.000Z" };
    // Queued without a wake-up: A's runner leaves it for ten minutes, so the subscription is in place first.
    const followed = await plant.db.prisma.reportRun.create({
      data: { templateId: template.id, parameters: { ...range, lineIds: [] } },
    });
    const subscription = subscribeAsGateway({
      url: instanceB.server.url,
      token,
      gatewaySecret: TEST_GATEWAY_SECRET,
      query: SUBSCRIBE,
      variables: { id: followed.id },
    });
    subscriptions.push(subscription);
    await eventually(async () => instanceB.events.listenerCount === 1);
    await eventually(async () => {
      const counts = (await redisB.pubSubNumSub(reportRunChannel(keyPrefix))) as Record<string, number>;
      return Object.values(counts).reduce((sum, n) => sum + n, 0) >= 2;
    });

    const started = Date.now();
    await callB(token, GENERATE, { input: { templateKey: "andon-summary", ...range } });
    type Seen = { status: string; progress: number; fileSizeBytes: number | null };
    const events = () => subscription.events.map((e) => e.reportRunUpdated as Seen);
    await eventually(async () => events().some((e) => e.status === "SUCCEEDED"));
    // Far sooner than A's ten-minute poll: the wake-up crossed instances.
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(subscription.errors).toEqual([]);
    const seen = events();
    expect(seen[0]!.status).toBe("RUNNING");
    expect(seen.some((e) => e.status === "RUNNING" && e.progress > 0.05 && e.progress < 1)).toBe(true);
    expect(seen.at(-1)).toMatchObject({ status: "SUCCEEDED", progress: 1 });
    expect(seen.at(-1)!.fileSizeBytes).toBeGreaterThan(0);
  }, 120_000);

  it("is refused to a caller without report:read with FORBIDDEN", async () => {
    const viewer = await plant.db.prisma.user.findUniqueOrThrow({ where: { username: "viewer" } });
    const nobody = (await issueAccessToken(plant.keys, { kind: "user", userId: viewer.id, name: "Nobody", roles: [] }))
      .token;
    const subscription = subscribeAsGateway({
      url: instanceB.server.url,
      token: nobody,
      gatewaySecret: TEST_GATEWAY_SECRET,
      query: SUBSCRIBE,
      variables: { id: "00000000-0000-4000-8000-000000000000" },
    });
    subscriptions.push(subscription);
    await eventually(async () => subscription.errors.length > 0);
    expect(JSON.stringify(subscription.errors)).toContain("FORBIDDEN");
  });
});
