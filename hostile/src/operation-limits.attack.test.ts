// Attacks on what one operation may ask for: aliases, unpaged lists, slow subgraphs.
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
});
