// Reading each field's declared rule back from a built schema: what the contract suite and the
// API-schema test rely on to find a field nobody guarded.
import { getDatamodel } from "@ms5/db/pothos-types";
import { describe, expect, it } from "vitest";
import { PUBLIC_FIELD, printFieldRules, rootFieldRules, rootFieldsWithoutRule } from "./field-rules.ts";
import { createSubgraphBuilder, subgraphSchemaOf } from "./subgraph-builder.ts";

function buildSchema() {
  const builder = createSubgraphBuilder({ prismaDatamodel: getDatamodel(), rootTypes: ["Mutation"] });
  const Shift = builder.objectRef<{ name: string }>("Shift").implement({
    authScopes: { permission: "shift:manage" },
    fields: (t) => ({ name: t.exposeString("name") }),
  });
  builder.queryFields((t) => ({
    guarded: t.string({ authScopes: { permission: "plant:read" }, resolve: () => "x" }),
    eitherOf: t.string({
      authScopes: { $any: { permission: "report:read", $any: { permission: "oee:read" } } },
      resolve: () => "x",
    }),
    signedIn: t.string({ authScopes: { authenticated: true }, resolve: () => "x" }),
    open: t.string({ extensions: PUBLIC_FIELD, resolve: () => "x" }),
    forgotten: t.string({ resolve: () => "x" }),
    shift: t.field({ type: Shift, nullable: true, resolve: () => null }),
  }));
  builder.mutationFields((t) => ({
    decided: t.boolean({ authScopes: () => true, resolve: () => true }),
    alsoForgotten: t.boolean({ resolve: () => true }),
  }));
  return subgraphSchemaOf(builder);
}

describe("field rules", () => {
  const schema = buildSchema();

  it("reads each root field's rule from its authScopes, PUBLIC_FIELD, or federation's own fields", () => {
    const rules = rootFieldRules(schema);
    expect(rules["Query.guarded"]).toEqual({ kind: "permission", permissions: ["plant:read"] });
    expect(rules["Query.eitherOf"]).toEqual({ kind: "permission", permissions: ["report:read", "oee:read"] });
    expect(rules["Query.signedIn"]).toEqual({ kind: "authenticated" });
    expect(rules["Query.open"]).toEqual({ kind: "public" });
    expect(rules["Mutation.decided"]).toEqual({ kind: "dynamic" });
    expect(rules["Query._service"]).toEqual({ kind: "federation" });
  });

  it("names every root field left without a rule, a field returning a guarded type included", () => {
    // Shift's type-level scopes guard Shift's own fields, not the root field that returns one.
    expect(rootFieldsWithoutRule(schema).sort()).toEqual(["Mutation.alsoForgotten", "Query.forgotten", "Query.shift"]);
  });

  it("prints the rules sorted by coordinate, with null for a missing one", () => {
    const printed = JSON.parse(printFieldRules(schema)) as Record<string, unknown>;
    expect(Object.keys(printed)).toEqual(Object.keys(printed).sort());
    expect(printed["Query.forgotten"]).toBeNull();
  });
});
