// Every document the app can send must pass the gateway's operation limits (depth, aliases, tokens,
// directives, cost) against the public schema: the cost limit prices a list by the size asked for,
// and a screen whose query is refused shows nothing at all.
import { readFileSync } from "node:fs";
import path from "node:path";
// The gateway's own limits and Armor rules, as its package exports them.
import { listBoundsOf, OPERATION_LIMIT_DEFAULTS, operationLimitProtection } from "@ms5/gateway/operation-limits";
import { buildSchema, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { REPOSITORY_ROOT, WEB_ROOT } from "./plant-stack.ts";

const schema = buildSchema(readFileSync(path.join(REPOSITORY_ROOT, "schema/api.graphql"), "utf8"));
const documents = JSON.parse(
  readFileSync(path.join(WEB_ROOT, "lib/graphql/generated/persisted-documents.json"), "utf8"),
) as Record<string, string>;
// With the subgraphs' list bounds, and variables unknown: a `first` from a variable is priced at the largest page.
const { documentRules } = operationLimitProtection(OPERATION_LIMIT_DEFAULTS, {
  production: true,
  listBounds: listBoundsOf(readFileSync(path.join(REPOSITORY_ROOT, "schema/supergraph.graphql"), "utf8")),
});

describe("the app's GraphQL documents", () => {
  const entries = Object.values(documents).map((text) => {
    const document = parse(text);
    const operation = document.definitions.find((definition) => definition.kind === "OperationDefinition");
    return { name: operation && "name" in operation ? (operation.name?.value ?? "anonymous") : "anonymous", document };
  });

  it("are in the persisted-document manifest, one per operation", () => {
    expect(entries.length).toBeGreaterThan(20);
    expect(new Set(entries.map((entry) => entry.name)).size).toBe(entries.length);
  });

  it.each(entries.map((entry) => [entry.name, entry.document] as const))(
    "%s is valid against the public schema and within the gateway's limits",
    (_name, document) => {
      expect(validate(schema, document).map((error) => error.message)).toEqual([]);
      expect(validate(schema, document, documentRules as never).map((error) => error.message)).toEqual([]);
    },
  );
});
