// The andon subgraph against the contract every subgraph passes (kit's describeSubgraphContract), on
// a real port against real PostgreSQL and Redis with the demo plant seeded; and its committed rules
// file, which the gateway's API-schema test reads, kept in step with the schema.
import { readFile } from "node:fs/promises";
import { createLogger } from "@ms5/kit";
import { issueAccessToken } from "@ms5/kit/auth";
import { FIELD_RULES_FILE_NAME, printFieldRules } from "@ms5/kit/subgraph";
import { describeSubgraphContract } from "@ms5/kit/subgraph/contract-suite";
import { testRedisPrefix } from "@ms5/kit/testing";
import { describe, expect, inject, it } from "vitest";
import { ANDON_SUBGRAPH_DIRECTORY, createAndonSubgraph } from "./andon-subgraph.ts";
import { schema } from "./schema/index.ts";
import { openAndonTestPlant, TEST_GATEWAY_SECRET } from "./testing/andon-test-plant.ts";

describeSubgraphContract("andon", async () => {
  const run = inject("testRun");
  const plant = await openAndonTestPlant(run, new Date());
  const admin = await plant.db.prisma.user.findUniqueOrThrow({ where: { username: "admin" } });
  const viewer = await plant.db.prisma.user.findUniqueOrThrow({ where: { username: "viewer" } });
  const subgraph = await createAndonSubgraph({
    prisma: plant.db.prisma,
    redis: plant.redis,
    logger: createLogger({ service: "andon-contract-test", level: "silent" }),
    verificationKeys: plant.keys,
    gatewaySecret: TEST_GATEWAY_SECRET,
    port: 0,
    production: false,
    keyPrefix: `${testRedisPrefix(run.runId)}andon-contract:`,
    photoDirectory: plant.photoDirectory,
    faults: false,
    scheduler: false,
  });
  return {
    url: subgraph.server.url,
    schema,
    gatewaySecret: TEST_GATEWAY_SECRET,
    tokens: {
      admin: (await issueAccessToken(plant.keys, { kind: "user", userId: admin.id, name: "Admin", roles: ["ADMIN"] }))
        .token,
      withoutPermissions: (
        await issueAccessToken(plant.keys, { kind: "user", userId: viewer.id, name: "Nobody", roles: [] })
      ).token,
    },
    async close() {
      await subgraph.close();
      await plant.close();
    },
  };
});

describe("the andon subgraph's rules file", () => {
  it(`is committed beside its SDL (${FIELD_RULES_FILE_NAME}) and says what the schema declares`, async () => {
    const committed = await readFile(`${ANDON_SUBGRAPH_DIRECTORY}/${FIELD_RULES_FILE_NAME}`, "utf8").catch(() => "");
    // Stale when the schema changed without `pnpm --filter @ms5/andon print-sdl`.
    expect(printFieldRules(schema)).toBe(committed);
  });
});
