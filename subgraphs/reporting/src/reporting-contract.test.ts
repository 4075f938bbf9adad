// The reporting subgraph against the contract every subgraph passes (kit's describeSubgraphContract),
// on a real port against real PostgreSQL and Redis with the demo plant seeded; and its committed
// rules file, which the gateway's API-schema test reads, kept in step with the schema.
import { readFile } from "node:fs/promises";
import { issueAccessToken } from "@ms5/kit/auth";
import { FIELD_RULES_FILE_NAME, printFieldRules } from "@ms5/kit/subgraph";
import { describeSubgraphContract } from "@ms5/kit/subgraph/contract-suite";
import { describe, expect, inject, it } from "vitest";
import { REPORTING_SUBGRAPH_DIRECTORY } from "./reporting-subgraph.ts";
import { schema } from "./schema/index.ts";
import { openReportingTestPlant, TEST_GATEWAY_SECRET } from "./testing/reporting-test-plant.ts";

describeSubgraphContract("reporting", async () => {
  const plant = await openReportingTestPlant(inject("testRun"), new Date());
  const admin = await plant.db.prisma.user.findUniqueOrThrow({ where: { username: "admin" } });
  const viewer = await plant.db.prisma.user.findUniqueOrThrow({ where: { username: "viewer" } });
  return {
    url: plant.subgraph.server.url,
    schema,
    gatewaySecret: TEST_GATEWAY_SECRET,
    tokens: {
      admin: (await issueAccessToken(plant.keys, { kind: "user", userId: admin.id, name: "Admin", roles: ["ADMIN"] }))
        .token,
      withoutPermissions: (
        await issueAccessToken(plant.keys, { kind: "user", userId: viewer.id, name: "Nobody", roles: [] })
      ).token,
    },
    close: () => plant.close(),
  };
});

describe("the reporting subgraph's rules file", () => {
  it(`is committed beside its SDL (${FIELD_RULES_FILE_NAME}) and says what the schema declares`, async () => {
    const committed = await readFile(`${REPORTING_SUBGRAPH_DIRECTORY}/${FIELD_RULES_FILE_NAME}`, "utf8").catch(
      () => "",
    );
    // Stale when the schema changed without `pnpm --filter @ms5/reporting print-sdl`.
    expect(printFieldRules(schema)).toBe(committed);
  });
});
