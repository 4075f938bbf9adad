// Who may share an upstream subscription, read from the scopes subgraphs declare (@plantWide,
// @perViewer) and compose into the supergraph; fragments cannot hide a field; undeclared fails closed.
import { composeServices } from "@apollo/composition";
import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { SubscriptionPlanner } from "./subscription-planner.ts";
import { dependsOnViewer, liveFeedScopesOf, type SubscriptionSharing } from "./subscription-sharing.ts";

const HEADER = `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@composeDirective"])
  @link(url: "https://ms5.floor/live-feed/v1.0", import: ["@plantWide", "@perViewer"])
  @composeDirective(name: "@plantWide")
  @composeDirective(name: "@perViewer")
directive @plantWide on FIELD_DEFINITION
directive @perViewer(when: String) on FIELD_DEFINITION
`;

function supergraph(): string {
  const composed = composeServices([
    {
      name: "plant",
      url: "http://plant.invalid/graphql",
      typeDefs: parse(`${HEADER}
        type Line @key(fields: "id") { id: ID! name: String! }
        type Job @key(fields: "id") { id: ID! title: String! }
        type Query { lines: [Line!]! }
        type Subscription {
          lineChanged(id: ID): Line! @plantWide
          jobUpdated(assignedToMe: Boolean = false): Job! @perViewer(when: "assignedToMe")
          undeclaredFeed: Line!
        }`),
    },
    {
      name: "andon",
      url: "http://andon.invalid/graphql",
      typeDefs: parse(`${HEADER}
        type Line @key(fields: "id") { id: ID! openAndonCount: Int! myShare: Int! @perViewer }
        type Notification { id: ID! }
        type Query { openAndonTotal: Int! }
        type Subscription { myNotifications: Notification! @perViewer }`),
    },
  ]);
  if (composed.errors) throw new Error(composed.errors.map((error) => error.message).join("\n"));
  return composed.supergraphSdl;
}

describe("subscription sharing", () => {
  const sdl = supergraph();
  const planner = new SubscriptionPlanner(sdl, 100);
  const sharingOf = (query: string): SubscriptionSharing => {
    const outcome = planner.planOf(query, undefined);
    if ("errors" in outcome) throw new Error(outcome.errors.map((error) => error.message).join("\n"));
    return outcome.plan.sharing;
  };

  it("reads the declared scopes from the composed supergraph", () => {
    const scopes = liveFeedScopesOf(sdl);
    expect(scopes.get("Subscription.lineChanged")).toEqual({ plantWide: true });
    expect(scopes.get("Subscription.myNotifications")).toEqual({ plantWide: false, perViewer: {} });
    expect(scopes.get("Subscription.jobUpdated")).toEqual({ plantWide: false, perViewer: { when: "assignedToMe" } });
    expect(scopes.get("Line.myShare")).toEqual({ plantWide: false, perViewer: {} });
    expect(scopes.has("Subscription.undeclaredFeed")).toBe(false);
  });

  it("shares a plant-wide feed among connections with the same permissions", () => {
    expect(sharingOf("subscription { lineChanged { id name openAndonCount } }")).toEqual({ kind: "permissions" });
  });

  it("keeps a per-viewer feed to its caller", () => {
    expect(sharingOf("subscription { myNotifications { id } }")).toEqual({ kind: "viewer" });
  });

  it("sees a per-viewer root field behind an inline fragment and a named fragment", () => {
    expect(sharingOf("subscription { ... on Subscription { myNotifications { id } } }")).toEqual({ kind: "viewer" });
    expect(sharingOf("subscription { ...Mine } fragment Mine on Subscription { myNotifications { id } }")).toEqual({
      kind: "viewer",
    });
    expect(
      sharingOf(
        "subscription { ...Outer } fragment Outer on Subscription { ... { ...Inner } } fragment Inner on Subscription { myNotifications { id } }",
      ),
    ).toEqual({ kind: "viewer" });
  });

  it("sees a per-viewer field below the root, through a fragment", () => {
    expect(sharingOf("subscription { lineChanged { ...Share } } fragment Share on Line { myShare }")).toEqual({
      kind: "viewer",
    });
  });

  it("does not share a root field whose scope no subgraph declared, even behind a fragment", () => {
    expect(sharingOf("subscription { ... on Subscription { undeclaredFeed { id } } }")).toEqual({
      kind: "connection",
      undeclared: ["Subscription.undeclaredFeed"],
    });
  });

  it("depends on the caller only when the declared argument is true, literal or variable, defaults applied", () => {
    const literal = sharingOf("subscription { jobUpdated(assignedToMe: true) { id } }");
    expect(dependsOnViewer(literal, {})).toBe(true);
    const off = sharingOf("subscription { jobUpdated(assignedToMe: false) { id } }");
    expect(dependsOnViewer(off, {})).toBe(false);
    const omitted = sharingOf("subscription { jobUpdated { id } }");
    expect(dependsOnViewer(omitted, {})).toBe(false);
    const variable = sharingOf("subscription ($mine: Boolean) { jobUpdated(assignedToMe: $mine) { id } }");
    expect(dependsOnViewer(variable, { mine: true })).toBe(true);
    expect(dependsOnViewer(variable, { mine: false })).toBe(false);
    // A null the schema's default does not replace is not `false`: it counts as the caller's.
    expect(dependsOnViewer(variable, { mine: null })).toBe(true);
  });

  it("treats every root field as undeclared when the supergraph does not link the live-feed spec", () => {
    const bare = composeServices([
      {
        name: "plant",
        url: "http://plant.invalid/graphql",
        typeDefs: parse(`extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])
          type Line @key(fields: "id") { id: ID! }
          type Query { lines: [Line!]! }
          type Subscription { lineChanged: Line! }`),
      },
    ]);
    if (bare.errors) throw new Error("composition failed");
    const outcome = new SubscriptionPlanner(bare.supergraphSdl, 10).planOf(
      "subscription { lineChanged { id } }",
      undefined,
    );
    expect("plan" in outcome && outcome.plan.sharing.kind).toBe("connection");
  });
});
