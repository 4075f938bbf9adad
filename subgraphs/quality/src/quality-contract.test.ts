// The quality subgraph against the contract every subgraph passes (kit's describeSubgraphContract):
// every guarded root field refuses an anonymous caller and one without permissions, on a real port
// against real PostgreSQL and Redis with the demo plant seeded; and its committed rules file.
import { readFile } from "node:fs/promises";
import { issueAccessToken } from "@ms5/kit/auth";
import { FIELD_RULES_FILE_NAME, printFieldRules } from "@ms5/kit/subgraph";
import { describeSubgraphContract } from "@ms5/kit/subgraph/contract-suite";
import { testRedisPrefix } from "@ms5/kit/testing";
import { describe, expect, inject, it } from "vitest";
import { QUALITY_SUBGRAPH_DIRECTORY } from "./quality-subgraph.ts";
import { schema } from "./schema/index.ts";
import { openQualityTestPlant, startQualityTestSubgraph, TEST_GATEWAY_SECRET } from "./testing/quality-test-plant.ts";

describeSubgraphContract("quality", async () => {
  const run = inject("testRun");
  const plant = await openQualityTestPlant(run, new Date());
  const admin = await plant.db.prisma.user.findUniqueOrThrow({ where: { username: "admin" } });
  const viewer = await plant.db.prisma.user.findUniqueOrThrow({ where: { username: "viewer" } });
  const subgraph = await startQualityTestSubgraph(plant, {
    keyPrefix: `${testRedisPrefix(run.runId)}quality-contract:`,
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
    entities: { Line: { id: await plant.lineIdOf("bagging-1") }, Equipment: { id: await plant.equipmentIdOf("CW-1") } },
    async close() {
      await subgraph.close();
      await plant.close();
    },
  };
});

describe("the quality subgraph's rules file", () => {
  it(`is committed beside its SDL (${FIELD_RULES_FILE_NAME}) and says what the schema declares`, async () => {
    const committed = await readFile(`${QUALITY_SUBGRAPH_DIRECTORY}/${FIELD_RULES_FILE_NAME}`, "utf8").catch(() => "");
    expect(printFieldRules(schema)).toBe(committed);
  });
});
