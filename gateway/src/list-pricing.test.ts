// List pricing: each case priced against the committed supergraph's @listSize bounds, and every
// document of the web app's persisted-documents manifest passing the gateway's rules.
import { readFileSync } from "node:fs";
import path from "node:path";
import { buildSchema, GraphQLError, parse, specifiedRules, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { OPERATION_LIMIT_DEFAULTS } from "./gateway-defaults.ts";
import { assertOperationAffordable, listBoundsOf, listPricingPlugin, type PricingVariables } from "./list-pricing.ts";
import { operationLimitProtection } from "./operation-limits.ts";

const root = path.resolve(import.meta.dirname, "../..");
const supergraphSdl = readFileSync(path.join(root, "schema/supergraph.graphql"), "utf8");
const schema = buildSchema(readFileSync(path.join(root, "schema/api.graphql"), "utf8"));
const bounds = listBoundsOf(supergraphSdl);
const limits = OPERATION_LIMIT_DEFAULTS;

function costOf(query: string, variables: PricingVariables = {}) {
  return assertOperationAffordable({ schema, document: parse(query), variables, bounds, limits });
}

function refusalOf(query: string, variables: PricingVariables = {}): GraphQLError {
  try {
    costOf(query, variables);
  } catch (error) {
    if (error instanceof GraphQLError) return error;
    throw error;
  }
  throw new Error("the operation was not refused");
}

const LINE = '"6f1c0d2e-0000-4000-8000-000000000001"';
const MONTH = 'from: "2026-11-01T00:00:00Z", to: "2026-12-01T00:00:00Z"';
const STOP_FIELDS = "id startedAt endedAt equipment { code } reason { code } suggestedReason { code }";

describe("list bounds from the supergraph", () => {
  it("reads each subgraph's @listSize: paged fields by first, unpaged ones by their real cap", () => {
    expect(bounds.get("Query.downtimeEvents")).toEqual({ assumedSize: 500, slicingArguments: ["first"] });
    expect(bounds.get("Query.lines")).toEqual({ assumedSize: 20, slicingArguments: ["first"], sizedFields: ["edges"] });
    expect(bounds.get("Query.oeeTrend")).toEqual({ assumedSize: 5000 });
    expect(bounds.get("Query.andonEvents")?.assumedSize).toBe(200);
  });
});

describe("pricing an operation", () => {
  it("prices an object at 1 and a scalar at 0", () => {
    expect(costOf(`{ line(id: ${LINE}) { id name site { name } } }`)).toBe(2);
  });

  it("multiplies a paged list by its first argument", () => {
    expect(costOf(`{ downtimeEvents(lineId: ${LINE}, ${MONTH}, first: 100) { ${STOP_FIELDS} } }`)).toBe(100 * 4);
  });

  it("prices a paged list without first at its default page", () => {
    expect(costOf(`{ downtimeEvents(lineId: ${LINE}, ${MONTH}) { id } }`)).toBe(500);
  });

  it("reads first from the variables", () => {
    const query = `query Stops($first: Int) { downtimeEvents(lineId: ${LINE}, ${MONTH}, first: $first) { id } }`;
    expect(costOf(query, { first: 30 })).toBe(30);
    expect(costOf(query, {})).toBe(500);
  });

  it("prices a variable it cannot see at the variable's default, else at the largest page", () => {
    const withDefault = `query Stops($first: Int = 40) { downtimeEvents(lineId: ${LINE}, ${MONTH}, first: $first) { id } }`;
    expect(costOf(withDefault, "unknown")).toBe(40);
    const without = `query Stops($first: Int) { downtimeEvents(lineId: ${LINE}, ${MONTH}, first: $first) { id } }`;
    expect(costOf(without, "unknown")).toBe(1000);
  });

  it("sizes a connection's edges by first, not the connection itself", () => {
    expect(costOf("{ lines(first: 10) { edges { node { name } } pageInfo { hasNextPage } } }")).toBe(1 + 10 * 2 + 1);
  });

  it("multiplies nested lists", () => {
    // 50 edges × (edge + line + 100 undeclared equipment × equipment)
    expect(costOf("{ lines(first: 50) { edges { node { equipment { code } } } } }")).toBe(1 + 50 * (2 + 100));
  });

  it("prices an unpaged list at its declared real bound", () => {
    expect(costOf(`{ oeeTrend(lineId: ${LINE}, bucket: HOUR, ${MONTH}) { oee } }`)).toBe(5000);
  });

  it("prices a list without a declared bound at the conservative default", () => {
    expect(bounds.has("Query.escalationRules")).toBe(false);
    expect(costOf("{ escalationRules { name } }")).toBe(limits.undeclaredListSize);
  });

  it("counts a fragment's lists where it is spread", () => {
    const query = `fragment Stop on DowntimeEvent { equipment { code } }
      { downtimeEvents(lineId: ${LINE}, ${MONTH}, first: 10) { ...Stop } }`;
    expect(costOf(query)).toBe(10 * 2);
  });

  it("refuses 15 aliases of a month of stops with QUERY_TOO_COMPLEX", () => {
    const aliases = Array.from(
      { length: 15 },
      (_, i) => `a${i}: downtimeEvents(lineId: ${LINE}, ${MONTH}) { ${STOP_FIELDS} }`,
    ).join("\n");
    const error = refusalOf(`{ ${aliases} }`);
    expect(error.extensions.code).toBe("QUERY_TOO_COMPLEX");
    expect(error.message).toMatch(/Query cost of 30000 exceeds the limit of 10000/);
  });

  it("refuses 15 aliases of any large list: a year of hourly OEE, a page of 1,000 people", () => {
    const trend = Array.from(
      { length: 15 },
      (_, i) => `a${i}: oeeTrend(lineId: ${LINE}, bucket: HOUR, ${MONTH}) { oee }`,
    );
    expect(refusalOf(`{ ${trend.join("\n")} }`).extensions.code).toBe("QUERY_TOO_COMPLEX");
    const people = Array.from({ length: 15 }, (_, i) => `a${i}: users(first: 1000) { edges { node { name } } }`);
    expect(refusalOf(`{ ${people.join("\n")} }`).extensions.code).toBe("QUERY_TOO_COMPLEX");
  });

  it("refuses nested lists whose product is over the limit", () => {
    const query = "{ lines(first: 100) { edges { node { equipment { code } } } } }";
    expect(refusalOf(query).extensions.code).toBe("QUERY_TOO_COMPLEX");
  });

  it("refuses a first above the largest page with BAD_USER_INPUT, literal or variable", () => {
    expect(refusalOf(`{ downtimeEvents(lineId: ${LINE}, ${MONTH}, first: 100000) { id } }`).extensions.code).toBe(
      "BAD_USER_INPUT",
    );
    const query = `query Stops($n: Int) { downtimeEvents(lineId: ${LINE}, ${MONTH}, first: $n) { id } }`;
    expect(refusalOf(query, { n: 100_000 }).extensions.code).toBe("BAD_USER_INPUT");
    expect(refusalOf(query, { n: -1 }).extensions.code).toBe("BAD_USER_INPUT");
  });

  it("accepts one full page of a month's stops with their equipment and reasons", () => {
    expect(costOf(`{ downtimeEvents(lineId: ${LINE}, ${MONTH}, first: 1000) { ${STOP_FIELDS} } }`)).toBe(4000);
  });
});

describe("the pricing plugin on the HTTP path", () => {
  /** Runs the plugin's didResolveOperation as Apollo would, for one request. */
  async function resolveOperation(
    plugin: ReturnType<typeof listPricingPlugin>,
    document: ReturnType<typeof parse>,
    variables: PricingVariables,
  ): Promise<void> {
    const listener = await plugin.requestDidStart?.({} as never);
    await listener?.didResolveOperation?.({ schema, document, request: { variables } } as never);
  }

  it("prices a document it priced before afresh when the page size it depends on changes", async () => {
    const plugin = listPricingPlugin(bounds, limits);
    const document = parse(
      `query Stops($n: Int) { a: downtimeEvents(lineId: ${LINE}, ${MONTH}, first: $n) { ${STOP_FIELDS} } b: downtimeEvents(lineId: ${LINE}, ${MONTH}, first: $n) { ${STOP_FIELDS} } c: downtimeEvents(lineId: ${LINE}, ${MONTH}, first: $n) { ${STOP_FIELDS} } }`,
    );
    await resolveOperation(plugin, document, { n: 10 });
    await resolveOperation(plugin, document, { n: 10 });

    const refused = await resolveOperation(plugin, document, { n: 1000 }).then(
      () => undefined,
      (error: unknown) => error as GraphQLError,
    );
    expect(refused?.extensions.code).toBe("QUERY_TOO_COMPLEX");
    const outOfRange = await resolveOperation(plugin, document, { n: 5000 }).then(
      () => undefined,
      (error: unknown) => error as GraphQLError,
    );
    expect(outOfRange?.extensions.code).toBe("BAD_USER_INPUT");
    await expect(resolveOperation(plugin, document, { n: 10 })).resolves.toBeUndefined();
  });
});

describe("the web app's persisted documents", () => {
  const manifest = JSON.parse(
    readFileSync(path.join(root, "web/lib/graphql/generated/persisted-documents.json"), "utf8"),
  ) as Record<string, string>;
  const { documentRules } = operationLimitProtection(limits, { production: true, listBounds: bounds });

  it("has documents to check", () => {
    expect(Object.keys(manifest).length).toBeGreaterThan(50);
  });

  it.each(Object.entries(manifest))("passes every gateway rule with its variables unknown: %s", (_id, query) => {
    const errors = validate(schema, parse(query), [...specifiedRules, ...documentRules]);
    expect(errors.map((error) => error.message)).toEqual([]);
  });
});
