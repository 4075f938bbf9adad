// Attacks on list sizes: aliases of a month of stops, a huge page, nested lists multiplying, each
// refused by the gateway's pricing before any subgraph is called; a realistic page still served.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { codesOf, type HostilePlant, openHostilePlant } from "./hostile-plant.ts";

/** GraphQL requests a subgraph has answered, from its own /metrics. */
async function subgraphRequestsOf(subgraphUrl: string): Promise<number> {
  const text = await (await fetch(`${new URL(subgraphUrl).origin}/metrics`)).text();
  let total = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith("subgraph_http_request_duration_seconds_count")) total += Number(line.split(" ").at(-1));
  }
  return total;
}

const MONTH = { from: "2026-11-01T00:00:00.000Z", to: "2026-12-01T00:00:00.000Z" };
const STOP_FIELDS = "id startedAt endedAt equipment { code } reason { code } suggestedReason { code }";

describe("attacks on list sizes", () => {
  let plant: HostilePlant;
  let token: string;
  let lineId: string;
  let equipmentId: string;

  beforeAll(async () => {
    plant = await openHostilePlant(inject("testRun"));
    token = await plant.tokenOf("pmanager");
    const line = await plant.prisma.line.findFirstOrThrow({
      where: { name: "Bagging Line 1" },
      include: { equipment: true },
    });
    lineId = line.id;
    equipmentId = line.equipment[0]!.id;
  });
  afterAll(async () => {
    await plant?.close();
  });

  /** Requests each subgraph answered while `attack` ran. */
  async function subgraphCallsDuring(attack: () => Promise<void>): Promise<number> {
    const before = await Promise.all(Object.values(plant.subgraphUrls).map(subgraphRequestsOf));
    await attack();
    const after = await Promise.all(Object.values(plant.subgraphUrls).map(subgraphRequestsOf));
    return after.reduce((sum, count, index) => sum + count - before[index]!, 0);
  }

  it("refuses 15 aliases of downtimeEvents over 31 days with QUERY_TOO_COMPLEX before any subgraph is called", async () => {
    const aliases = Array.from(
      { length: 15 },
      (_, i) => `a${i}: downtimeEvents(lineId: $line, from: $from, to: $to) { ${STOP_FIELDS} }`,
    ).join("\n");
    const calls = await subgraphCallsDuring(async () => {
      const answer = await plant.graphql(`query Month($line: ID!, $from: DateTime!, $to: DateTime!) { ${aliases} }`, {
        token,
        variables: { line: lineId, ...MONTH },
      });
      expect(answer.status).toBe(400);
      expect(codesOf(answer)).toEqual(["QUERY_TOO_COMPLEX"]);
      expect(answer.body.data ?? null).toBeNull();
    });
    expect(calls).toBe(0);
  });

  it("refuses first: 100000, in the document or in a variable, with BAD_USER_INPUT before any subgraph is called", async () => {
    const calls = await subgraphCallsDuring(async () => {
      const literal = await plant.graphql(
        `query { downtimeEvents(lineId: "${lineId}", from: "${MONTH.from}", to: "${MONTH.to}", first: 100000) { id } }`,
        { token },
      );
      expect(codesOf(literal)).toEqual(["BAD_USER_INPUT"]);
      const variable = await plant.graphql("query Page($n: Int) { users(first: $n) { edges { node { id } } } }", {
        token: await plant.tokenOf("admin"),
        variables: { n: 100_000 },
      });
      expect(codesOf(variable)).toEqual(["BAD_USER_INPUT"]);
      expect(variable.body.data ?? null).toBeNull();
    });
    expect(calls).toBe(0);
  });

  it("refuses nested lists whose sizes multiply past the limit, before any subgraph is called", async () => {
    // 100 lines × 100 equipment (no declared bound) × their live state.
    const calls = await subgraphCallsDuring(async () => {
      const answer = await plant.graphql(
        "{ lines(first: 100) { edges { node { name equipment { code liveState { state } } } } } }",
        { token },
      );
      expect(codesOf(answer)).toEqual(["QUERY_TOO_COMPLEX"]);
      expect(answer.body.errors?.[0]?.message).toMatch(/Query cost of \d+ exceeds the limit of 10000/);
    });
    expect(calls).toBe(0);
  });

  it("reads 31 days of a line's stops a realistic page at a time, none skipped or repeated", async () => {
    const base = Date.parse("2026-11-10T08:00:00.000Z");
    const made = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        plant.prisma.downtimeEvent.create({
          data: {
            lineId,
            equipmentId,
            startedAt: new Date(base + i * 3_600_000),
            endedAt: new Date(base + i * 3_600_000 + 600_000),
          },
        }),
      ),
    );
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const answer = await plant.graphql<{ downtimeEvents: { id: string }[] }>(
        `query Page($line: ID!, $from: DateTime!, $to: DateTime!, $after: ID) {
          downtimeEvents(lineId: $line, from: $from, to: $to, first: 2, after: $after) { ${STOP_FIELDS} }
        }`,
        { token, variables: { line: lineId, ...MONTH, after } },
      );
      expect(answer.body.errors).toBeUndefined();
      const page = answer.body.data!.downtimeEvents;
      seen.push(...page.map((stop) => stop.id));
      if (page.length < 2) break;
      after = page.at(-1)!.id;
    }
    expect(seen).toEqual(made.sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime()).map((stop) => stop.id));

    // The counter the refusals are checked against does see a served page.
    const calls = await subgraphCallsDuring(async () => {
      const fullPage = await plant.graphql(
        `query { downtimeEvents(lineId: "${lineId}", from: "${MONTH.from}", to: "${MONTH.to}", first: 1000) { ${STOP_FIELDS} } }`,
        { token },
      );
      expect(fullPage.body.errors).toBeUndefined();
      expect(fullPage.body.data?.downtimeEvents).toHaveLength(5);
    });
    expect(calls).toBeGreaterThan(0);
  });
});
