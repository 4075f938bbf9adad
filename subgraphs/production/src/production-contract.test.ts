// The production subgraph against the contract every subgraph passes (kit's describeSubgraphContract),
// on a real port against real PostgreSQL and Redis with the demo plant seeded; and its committed rules
// file, which the gateway's API-schema test reads, kept in step with the schema.
import { readFile } from "node:fs/promises";
import { seedPlant } from "@ms5/db/seed";
import { createTestDatabase, type TestDatabase } from "@ms5/db/test-database";
import { createLogger, createRedisClient, type RedisClient } from "@ms5/kit";
import { createSigningKeyRing, generateSigningKey, issueAccessToken } from "@ms5/kit/auth";
import { FIELD_RULES_FILE_NAME, printFieldRules } from "@ms5/kit/subgraph";
import { describeSubgraphContract } from "@ms5/kit/subgraph/contract-suite";
import { describe, expect, inject, it } from "vitest";
import { createProductionSubgraph, PRODUCTION_SUBGRAPH_DIRECTORY } from "./production-subgraph.ts";
import { schema } from "./schema/index.ts";

const GATEWAY_SECRET = "production-contract-gateway-secret-0123456789abcdef";

describeSubgraphContract("production", async () => {
  const { runId, databaseServerUrl, templateDatabase, redisUrl } = inject("testRun");
  const db: TestDatabase = await createTestDatabase({ serverUrl: databaseServerUrl, runId, templateDatabase });
  await seedPlant(db.prisma, { fastHashing: true });
  const redis: RedisClient = createRedisClient({ url: redisUrl });
  await redis.connect();
  const keys = await createSigningKeyRing([await generateSigningKey()]);
  const admin = await db.prisma.user.findUniqueOrThrow({ where: { username: "admin" } });
  const viewer = await db.prisma.user.findUniqueOrThrow({ where: { username: "viewer" } });
  const line = await db.prisma.line.findFirstOrThrow();
  const equipment = await db.prisma.equipment.findFirstOrThrow();
  const subgraph = await createProductionSubgraph({
    prisma: db.prisma,
    redis,
    logger: createLogger({ service: "production-contract-test", level: "silent" }),
    verificationKeys: keys,
    gatewaySecret: GATEWAY_SECRET,
    port: 0,
    production: false,
    telemetry: false,
  });
  return {
    url: subgraph.server.url,
    schema,
    gatewaySecret: GATEWAY_SECRET,
    tokens: {
      admin: (await issueAccessToken(keys, { kind: "user", userId: admin.id, name: "Admin", roles: ["ADMIN"] })).token,
      withoutPermissions: (await issueAccessToken(keys, { kind: "user", userId: viewer.id, name: "Nobody", roles: [] }))
        .token,
    },
    entities: { Line: { id: line.id }, Equipment: { id: equipment.id } },
    async close() {
      await subgraph.close();
      redis.destroy();
      await db.drop();
    },
  };
});

describe("the production subgraph's rules file", () => {
  it(`is committed beside its SDL (${FIELD_RULES_FILE_NAME}) and says what the schema declares`, async () => {
    const committed = await readFile(`${PRODUCTION_SUBGRAPH_DIRECTORY}/${FIELD_RULES_FILE_NAME}`, "utf8").catch(
      () => "",
    );
    // Stale when the schema changed without `pnpm --filter @ms5/production print-sdl`.
    expect(printFieldRules(schema)).toBe(committed);
  });
});
