// The builder's schema used directly with graphql-js, as a subgraph's unit tests would: one graphql
// module for Pothos, Apollo and our code (the vitest alias), and the permission scopes at work.
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@ms5/db";
import { GraphQLSchema, graphql } from "graphql";
import { describe, expect, it } from "vitest";
import { ANONYMOUS_IDENTITY, identityFromAccessToken } from "../auth/request-identity.ts";
import { createLogger } from "../logger.ts";
import type { RedisClient } from "../redis-client.ts";
import { createSubgraphContext } from "./subgraph-context.ts";
import { buildTestSubgraph } from "./subgraph-test-fixtures.ts";

const logger = createLogger({ service: "test-subgraph", level: "silent" });

function contextFor(identity: Parameters<typeof createSubgraphContext>[0]["identity"]) {
  // Neither is touched by the fields used here.
  const unused = {} as PrismaClient & RedisClient;
  return createSubgraphContext({ identity, prisma: unused, redis: unused, logger, correlationId: randomUUID() });
}

const engineer = identityFromAccessToken({
  kind: "user",
  userId: randomUUID(),
  name: "Daniel Okafor",
  roles: ["ENGINEER"],
  tokenId: randomUUID(),
  issuedAt: new Date(),
  expiresAt: new Date(),
});

describe("the subgraph builder", () => {
  const { schema } = buildTestSubgraph("unused");

  it("builds its schema with the same graphql module the code imports (one realm under vitest)", () => {
    expect(schema).toBeInstanceOf(GraphQLSchema);
  });

  it("answers a signed-in caller and refuses an anonymous one with UNAUTHENTICATED", async () => {
    const signedIn = await graphql({ schema, source: "{ whoAmI }", contextValue: contextFor(engineer) });
    expect(signedIn).toEqual({ data: { whoAmI: "Daniel Okafor" } });
    const anonymous = await graphql({ schema, source: "{ whoAmI }", contextValue: contextFor(ANONYMOUS_IDENTITY) });
    expect(anonymous.errors?.[0]?.extensions).toMatchObject({ code: "UNAUTHENTICATED" });
  });
});
