// The whole public API against the permission matrix: every Query, Mutation and Subscription field of
// the composed schema/api.graphql must be declared with a rule by the subgraph that resolves it (its
// committed subgraphs/<name>/schema.rules.json, printed with its SDL), found through the supergraph's
// join directives.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { FIELD_RULES_FILE_NAME, type FieldRule } from "@ms5/kit/subgraph";
import {
  type ConstDirectiveNode,
  type DocumentNode,
  type FieldDefinitionNode,
  Kind,
  type ObjectTypeDefinitionNode,
  type ObjectTypeExtensionNode,
  parse,
} from "graphql";
import { describe, expect, it } from "vitest";

const REPOSITORY_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const ROOT_TYPES = ["Query", "Mutation", "Subscription"];

type ObjectNode = ObjectTypeDefinitionNode | ObjectTypeExtensionNode;

function stringArgument(directive: ConstDirectiveNode, name: string): string | undefined {
  const argument = directive.arguments?.find((candidate) => candidate.name.value === name);
  if (!argument) return undefined;
  const value = argument.value;
  return value.kind === Kind.STRING || value.kind === Kind.ENUM ? value.value : undefined;
}

function booleanArgument(directive: ConstDirectiveNode, name: string): boolean {
  const value = directive.arguments?.find((candidate) => candidate.name.value === name)?.value;
  return value?.kind === Kind.BOOLEAN && value.value;
}

function directivesNamed(node: { directives?: readonly ConstDirectiveNode[] }, name: string): ConstDirectiveNode[] {
  return (node.directives ?? []).filter((directive) => directive.name.value === name);
}

function objectTypes(document: DocumentNode): Map<string, ObjectNode[]> {
  const types = new Map<string, ObjectNode[]>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    types.set(definition.name.value, [...(types.get(definition.name.value) ?? []), definition]);
  }
  return types;
}

/** join__Graph enum value (PRODUCTION) → subgraph name (production). */
function subgraphNames(supergraph: DocumentNode): Map<string, string> {
  const names = new Map<string, string>();
  for (const definition of supergraph.definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== "join__Graph") continue;
    for (const value of definition.values ?? []) {
      const [graph] = directivesNamed(value, "join__graph");
      const name = graph && stringArgument(graph, "name");
      if (name) names.set(value.name.value, name);
    }
  }
  return names;
}

/**
 * The subgraphs that resolve `Type.field` of the supergraph: those named by its non-external
 * @join__field directives, or when it has none, every subgraph of the type's @join__type.
 */
function resolvingSubgraphs(typeNodes: readonly ObjectNode[], field: FieldDefinitionNode): string[] {
  const joinFields = directivesNamed(field, "join__field");
  if (joinFields.length > 0) {
    return joinFields
      .filter((directive) => !booleanArgument(directive, "external"))
      .map((directive) => stringArgument(directive, "graph"))
      .filter((graph): graph is string => graph !== undefined);
  }
  return typeNodes
    .flatMap((node) => directivesNamed(node, "join__type"))
    .map((directive) => stringArgument(directive, "graph"))
    .filter((graph): graph is string => graph !== undefined);
}

async function committedRules(subgraph: string): Promise<Record<string, FieldRule | null> | undefined> {
  const file = path.join(REPOSITORY_ROOT, "subgraphs", subgraph, FIELD_RULES_FILE_NAME);
  const text = await readFile(file, "utf8").catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as Record<string, FieldRule | null>);
}

describe("the public API schema (schema/api.graphql)", () => {
  it("has a declared rule for every Query, Mutation and Subscription field, from the subgraph that resolves it", async () => {
    const [apiSdl, supergraphSdl] = await Promise.all([
      readFile(path.join(REPOSITORY_ROOT, "schema/api.graphql"), "utf8"),
      readFile(path.join(REPOSITORY_ROOT, "schema/supergraph.graphql"), "utf8"),
    ]);
    const api = objectTypes(parse(apiSdl));
    const supergraphDocument = parse(supergraphSdl);
    const supergraph = objectTypes(supergraphDocument);
    const graphs = subgraphNames(supergraphDocument);
    const rulesBySubgraph = new Map<string, Record<string, FieldRule | null> | undefined>();
    for (const name of graphs.values()) rulesBySubgraph.set(name, await committedRules(name));

    const checked: string[] = [];
    const problems: string[] = [];
    for (const typeName of ROOT_TYPES) {
      const superNodes = supergraph.get(typeName) ?? [];
      for (const field of (api.get(typeName) ?? []).flatMap((node) => node.fields ?? [])) {
        const coordinate = `${typeName}.${field.name.value}`;
        checked.push(coordinate);
        const superField = superNodes
          .flatMap((node) => node.fields ?? [])
          .find((candidate) => candidate.name.value === field.name.value);
        if (!superField) {
          problems.push(`${coordinate}: not in schema/supergraph.graphql (run \`pnpm compose\`)`);
          continue;
        }
        const owners = resolvingSubgraphs(superNodes, superField).map((graph) => graphs.get(graph) ?? graph);
        if (owners.length === 0) problems.push(`${coordinate}: no subgraph resolves it`);
        for (const owner of owners) {
          const rules = rulesBySubgraph.get(owner);
          if (!rules) problems.push(`${coordinate}: subgraphs/${owner}/${FIELD_RULES_FILE_NAME} is missing`);
          else if (!rules[coordinate]) problems.push(`${coordinate}: ${owner} declares no rule for it`);
        }
      }
    }
    expect(checked.length).toBeGreaterThan(0);
    expect(problems, problems.join("\n")).toEqual([]);
  });
});
