import { randomUUID } from "node:crypto";
import {
  ConfigError,
  createMetricsRegistry,
  createOpsEndpoints,
  createRedisClient,
  type RedisClient,
  startOpsServer,
} from "@ms5/kit";
import { freePort, testRedisPrefix } from "@ms5/kit/testing";
import { deadLetterStreamKey, streamKey } from "@ms5/schema";
import { Gauge } from "prom-client";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { ProductionContextExtras } from "../builder.ts";
import { type GraphQLTestPlant, openGraphQLTestPlant } from "../testing/graphql-test-plant.ts";
import { parseServiceHealthUrls, SystemSurveyor, serviceHealthSourcesOf } from "./system-survey.ts";

const SYSTEM_HEALTH = `{
  systemHealth {
    checkedAt status
    services { name status uptimeSeconds responseMs error subscriptions webSocketConnections
      checks { name ok warning error } warnings }
    streams { stream length groups { group consumers lag pending } }
    deadLetters { stream entries }
    database { sizeBytes version }
    redis { usedMemoryBytes connectedClients version }
    versions { application node }
  }
}`;

describe("the system overview (systemHealth)", () => {
  const { runId, redisUrl } = inject("testRun");
  const keyPrefix = `${testRedisPrefix(runId)}system-${randomUUID().slice(0, 8)}:`;
  let plant: GraphQLTestPlant;
  let redis: RedisClient;
  const servers: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    redis = createRedisClient({ url: redisUrl });
    await redis.connect();

    // A gateway-like service that is well, with two subscriptions open on one WebSocket.
    const gatewayRegistry = createMetricsRegistry("gateway");
    new Gauge({ name: "gateway_subscriptions", help: "open", registers: [gatewayRegistry] }).set(2);
    new Gauge({ name: "gateway_websocket_connections", help: "open", registers: [gatewayRegistry] }).set(1);
    const gateway = await startOpsServer(
      createOpsEndpoints({
        service: "gateway",
        registry: gatewayRegistry,
        checks: { redis: async () => ({ ok: true }) },
      }),
      0,
    );
    // A bridge that is up with one PLC it cannot reach.
    const bridge = await startOpsServer(
      createOpsEndpoints({
        service: "plc-bridge",
        registry: createMetricsRegistry("plc-bridge"),
        checks: {
          redis: async () => ({ ok: true }),
          "plc PLC-BAG1": async () => ({ ok: false, detail: "connection refused" }),
        },
      }),
      0,
    );
    servers.push(gateway, bridge);
    const nobody = await freePort();

    // The production group is 3 entries behind on one line's telemetry, with one read and not acknowledged.
    const telemetry = streamKey("bagging-1", "telemetry", keyPrefix);
    await redis.xGroupCreate(telemetry, "production", "0", { MKSTREAM: true });
    for (let n = 0; n < 4; n++) await redis.xAdd(telemetry, "*", { type: "counts", n: String(n) });
    await redis.xReadGroup("production", "production-1", { key: telemetry, id: ">" }, { COUNT: 1 });
    await redis.xAdd(deadLetterStreamKey("andon", keyPrefix), "*", { error: "kept failing" });
    await redis.xAdd(deadLetterStreamKey("andon", keyPrefix), "*", { error: "kept failing" });

    const contextExtras: ProductionContextExtras = {};
    plant = await openGraphQLTestPlant({ redis, contextExtras });
    contextExtras.systemSurveyor = new SystemSurveyor({
      prisma: plant.prisma,
      redis,
      keyPrefix,
      services: [
        { name: "gateway", healthUrl: `http://127.0.0.1:${gateway.port}/health` },
        { name: "plc-bridge", healthUrl: `http://127.0.0.1:${bridge.port}/health` },
        { name: "reporting-subgraph", healthUrl: `http://127.0.0.1:${nobody}/health` },
      ],
      applicationVersion: "9.9.9-test",
    });
  });

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
    await plant?.db.drop();
    redis?.destroy();
  });

  it("shows each service's own report, the stream lag per group, dead letters, sizes and versions to an administrator", async () => {
    const result = await plant.run(plant.as("admin", ["ADMIN"]), SYSTEM_HEALTH);
    expect(result.errors).toBeUndefined();
    const health = result.data!.systemHealth;
    // One service gives no report at all: the system is as bad as its worst service.
    expect(health.status).toBe("UNREACHABLE");
    const byName = Object.fromEntries(health.services.map((s: { name: string }) => [s.name, s]));
    expect(byName.gateway).toMatchObject({
      status: "OK",
      subscriptions: 2,
      webSocketConnections: 1,
      error: null,
      checks: [{ name: "redis", ok: true, warning: null, error: null }],
    });
    expect(byName.gateway.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(byName["plc-bridge"]).toMatchObject({ status: "DEGRADED", subscriptions: null });
    expect(byName["plc-bridge"].checks).toContainEqual({ name: "plc PLC-BAG1", ok: false, warning: null, error: null });
    expect(byName["reporting-subgraph"]).toMatchObject({ status: "UNREACHABLE", uptimeSeconds: null, checks: [] });
    expect(byName["reporting-subgraph"].error).toEqual(expect.any(String));

    expect(health.streams).toEqual([
      {
        stream: streamKey("bagging-1", "telemetry", keyPrefix),
        length: 4,
        groups: [{ group: "production", consumers: 1, lag: 3, pending: 1 }],
      },
    ]);
    expect(health.deadLetters).toEqual([{ stream: deadLetterStreamKey("andon", keyPrefix), entries: 2 }]);
    expect(health.database.sizeBytes).toBeGreaterThan(1_000_000);
    expect(health.database.version).toMatch(/^\d+/);
    expect(health.redis.usedMemoryBytes).toBeGreaterThan(0);
    expect(health.redis.connectedClients).toBeGreaterThan(0);
    expect(health.redis.version).toMatch(/^\d+\.\d+/);
    expect(health.versions).toEqual({ application: "9.9.9-test", node: process.version });
  });

  it("is read by engineers too, and refused to an operator with FORBIDDEN and no data", async () => {
    const engineer = await plant.run(plant.as("engineer", ["ENGINEER"]), "{ systemHealth { status } }");
    expect(engineer.errors).toBeUndefined();
    const operator = await plant.run(plant.as("operator", ["OPERATOR"]), "{ systemHealth { status } }");
    expect(operator.data?.systemHealth).toBeNull();
    expect(operator.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
  });

  it("reads SERVICE_HEALTH_URLS as name=url pairs, and refuses anything else as a configuration error", () => {
    expect(
      parseServiceHealthUrls("gateway=http://127.0.0.1:4000/health, plc-bridge=http://127.0.0.1:4100/health"),
    ).toEqual([
      { name: "gateway", healthUrl: "http://127.0.0.1:4000/health" },
      { name: "plc-bridge", healthUrl: "http://127.0.0.1:4100/health" },
    ]);
    expect(() => parseServiceHealthUrls("gateway")).toThrow(ConfigError);
    expect(() => parseServiceHealthUrls("=http://127.0.0.1:4000/health")).toThrow(ConfigError);
    expect(() => parseServiceHealthUrls("gateway=not a url")).toThrow(/SERVICE_HEALTH_URLS/);
  });

  it("asks every service of `pnpm start` at the ports their own variables give them when SERVICE_HEALTH_URLS is unset", () => {
    const sources = serviceHealthSourcesOf({ GATEWAY_PORT: "5000", ANDON_SUBGRAPH_PORT: "5003" });
    expect(sources).toEqual([
      { name: "gateway", healthUrl: "http://127.0.0.1:5000/health" },
      { name: "production-subgraph", healthUrl: "http://127.0.0.1:4001/health" },
      { name: "quality-subgraph", healthUrl: "http://127.0.0.1:4002/health" },
      { name: "andon-subgraph", healthUrl: "http://127.0.0.1:5003/health" },
      { name: "reporting-subgraph", healthUrl: "http://127.0.0.1:4004/health" },
      { name: "plc-bridge", healthUrl: "http://127.0.0.1:4100/health" },
    ]);
  });
});
