// Attacks on what one operation may ask for: aliases, unpaged lists, slow subgraphs.
import { parseGatewayEnvironment } from "@ms5/gateway";
import { isProductionEnvironment } from "@ms5/kit";
import { parseSubgraphEnvironment } from "@ms5/kit/subgraph";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { codesOf, type HostilePlant, openHostilePlant } from "./hostile-plant.ts";

describe("attacks on an operation's size", () => {
  let plant: HostilePlant;

  beforeAll(async () => {
    plant = await openHostilePlant(inject("testRun"));
  });
  afterAll(async () => {
    await plant?.close();
  });

  it("refuses an anonymous request of 500 aliases of __typename with QUERY_TOO_COMPLEX", async () => {
    const aliases = Array.from({ length: 500 }, (_, index) => `a${index}: __typename`).join(" ");
    const answer = await plant.graphql(`{ ${aliases} }`);
    expect(codesOf(answer)).toContain("QUERY_TOO_COMPLEX");
    expect(answer.body.data ?? null).toBeNull();
  });

  it("cannot introspect the schema of a floor started without NODE_ENV: production-safe is the default", async () => {
    const secret = "s".repeat(48);
    expect(parseGatewayEnvironment({ SUBGRAPH_GATEWAY_SECRET: secret }).nodeEnv).toBe("production");
    expect(parseSubgraphEnvironment("andon", { SUBGRAPH_GATEWAY_SECRET: secret }).nodeEnv).toBe("production");
    expect(isProductionEnvironment(undefined)).toBe(true);
    const answer = await plant.graphql("{ __schema { types { name } } }", { token: await plant.tokenOf("admin") });
    expect(codesOf(answer)).toEqual(["BAD_USER_INPUT"]);
    expect(answer.body.data ?? null).toBeNull();
  });

  it("gets no stack trace or internal detail back from a request that fails inside a subgraph", async () => {
    // A malformed id makes the subgraph's database reject the query: an unexpected error.
    const answer = await plant.graphql('{ line(id: "not-a-uuid") { id name } }', {
      token: await plant.tokenOf("operator"),
    });
    const text = JSON.stringify(answer.body);
    expect(text).not.toMatch(/stacktrace|at .*\.ts:\d+|prisma|invalid input syntax/i);
  });
});
