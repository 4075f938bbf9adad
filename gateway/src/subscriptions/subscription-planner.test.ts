// Planning a subscription through federation: the owning subgraph's primary fetch, the rest per
// event, one plan per operation, and refusals a client can act on.
import { composeServices } from "@apollo/composition";
import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { FEDERATED_SUBSCRIPTION_DEFAULTS } from "./subscription-defaults.ts";
import { SUBSCRIPTION_EVENT_SERVICE, SubscriptionPlanner } from "./subscription-planner.ts";
import { upstreamRetryDelayMs } from "./upstream-subscription.ts";

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])';

function supergraph(): string {
  const composed = composeServices([
    {
      name: "plant",
      url: "http://plant.invalid/graphql",
      typeDefs: parse(`${LINK}
        type Line @key(fields: "id") { id: ID! name: String! }
        type Query { lines: [Line!]! }
        type Subscription { lineChanged(id: ID): Line! }`),
    },
    {
      name: "andon",
      url: "http://andon.invalid/graphql",
      typeDefs: parse(`${LINK}
        type Line @key(fields: "id") { id: ID! openAndonCount: Int! }
        type Query { openAndonTotal: Int! }`),
    },
  ]);
  if (composed.errors) throw new Error(composed.errors.map((error) => error.message).join("\n"));
  return composed.supergraphSdl;
}

describe("SubscriptionPlanner", () => {
  const sdl = supergraph();

  it("plans the owning subgraph's subscription as the primary fetch and another subgraph's field as the rest", () => {
    const planner = new SubscriptionPlanner(sdl, 10);
    const outcome = planner.planOf(
      "subscription ($id: ID) { lineChanged(id: $id) { name openAndonCount } }",
      undefined,
    );
    if ("errors" in outcome) throw new Error("expected a plan");
    expect(outcome.plan.primary.serviceName).toBe("plant");
    expect(outcome.plan.primary.operation).toContain("lineChanged(id:$id)");
    expect(outcome.plan.primary.variableUsages).toEqual(["id"]);
    expect(outcome.plan.hasRest).toBe(true);
    // No subgraph declared lineChanged's scope (subscription-sharing.test.ts covers declared ones).
    expect(outcome.plan.sharing).toEqual({ kind: "connection", undeclared: ["Subscription.lineChanged"] });
    const node = outcome.plan.perEventPlan.node;
    expect(node?.kind === "Sequence" && node.nodes[0]?.kind === "Fetch" && node.nodes[0].serviceName).toBe(
      SUBSCRIPTION_EVENT_SERVICE,
    );
  });

  it("has no rest when every field comes from the owning subgraph", () => {
    const outcome = new SubscriptionPlanner(sdl, 10).planOf("subscription { lineChanged { id name } }", undefined);
    expect("plan" in outcome && outcome.plan.hasRest).toBe(false);
  });

  it("builds one plan per operation text and name, and drops the least recently used beyond its size", () => {
    const planner = new SubscriptionPlanner(sdl, 2);
    const a = "subscription A { lineChanged { id } }";
    const b = "subscription B { lineChanged { name } }";
    const c = "subscription C { lineChanged { openAndonCount } }";
    planner.planOf(a, "A");
    planner.planOf(a, "A");
    planner.planOf(b, "B");
    expect(planner.plansBuilt).toBe(2);
    planner.planOf(a, "A");
    planner.planOf(c, "C");
    planner.planOf(a, "A");
    expect(planner.plansBuilt).toBe(3);
    planner.planOf(b, "B");
    expect(planner.plansBuilt).toBe(4);
  });

  it("refuses an invalid document, a query and an unparseable text with BAD_USER_INPUT or a syntax error", () => {
    const planner = new SubscriptionPlanner(sdl, 10);
    const invalid = planner.planOf("subscription { lineChanged { nope } }", undefined);
    expect("errors" in invalid && invalid.errors[0]?.extensions.code).toBe("BAD_USER_INPUT");
    const query = planner.planOf("{ lines { id } }", undefined);
    expect("errors" in query && query.errors[0]?.message).toMatch(/over HTTP/);
    const unparseable = planner.planOf("subscription {", undefined);
    expect("errors" in unparseable && unparseable.errors[0]?.message).toMatch(/Syntax Error/);
  });
});

describe("upstream retry delay", () => {
  it("doubles from the initial delay and never exceeds the cap", () => {
    const settings = {
      ...FEDERATED_SUBSCRIPTION_DEFAULTS,
      upstreamRetryInitialDelayMs: 100,
      upstreamRetryMaxDelayMs: 1_000,
    };
    for (let round = 0; round < 50; round++) {
      expect(upstreamRetryDelayMs(1, settings)).toBeGreaterThanOrEqual(75);
      expect(upstreamRetryDelayMs(1, settings)).toBeLessThanOrEqual(100);
      expect(upstreamRetryDelayMs(3, settings)).toBeGreaterThanOrEqual(300);
      expect(upstreamRetryDelayMs(3, settings)).toBeLessThanOrEqual(400);
      expect(upstreamRetryDelayMs(40, settings)).toBeLessThanOrEqual(1_000);
    }
  });
});
