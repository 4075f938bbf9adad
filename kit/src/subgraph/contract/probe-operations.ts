// Operations the contract suite generates from a schema alone: the smallest valid call of a root
// field (dummy arguments of the right types, a selection of scalars) and entity representations
// for each @key type, so the suite needs no knowledge of a subgraph's domain.
import { randomUUID } from "node:crypto";
import {
  type GraphQLArgument,
  type GraphQLInputType,
  type GraphQLOutputType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  Kind,
  parse,
} from "graphql";
import { printSubgraphSdl } from "../subgraph-sdl.ts";

export interface GeneratedOperation {
  query: string;
  variables: Record<string, unknown>;
}

/** A value of `type` that passes coercion: well-formed, but naming nothing that exists. */
export function dummyInputValue(type: GraphQLInputType): unknown {
  const nullable = getNullableType(type);
  if (isListType(nullable)) return [dummyInputValue(nullable.ofType)];
  if (isEnumType(nullable)) return nullable.getValues()[0]?.name;
  if (isInputObjectType(nullable)) {
    const value: Record<string, unknown> = {};
    for (const field of Object.values(nullable.getFields())) {
      if (isNonNullType(field.type) && field.defaultValue === undefined)
        value[field.name] = dummyInputValue(field.type);
    }
    return value;
  }
  switch (nullable.name) {
    case "ID":
      return randomUUID();
    case "Int":
    case "Float":
      return 1;
    case "Boolean":
      return false;
    case "DateTime":
      return new Date().toISOString();
    default:
      return "contract-test";
  }
}

function isRequired(argument: GraphQLArgument): boolean {
  return isNonNullType(argument.type) && argument.defaultValue === undefined;
}

/** `{ __typename scalar... }` for a composite type; nothing for a leaf. */
export function scalarSelectionOf(type: GraphQLOutputType): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return "";
  if (!isObjectType(named)) return "{ __typename }";
  const scalars = Object.values(named.getFields())
    .filter((field) => isLeafType(getNamedType(field.type)) && !field.args.some(isRequired))
    .map((field) => field.name);
  return `{ ${["__typename", ...scalars].join(" ")} }`;
}

/** The smallest valid operation calling `coordinate` ("Query.lines"): required arguments only, as variables. */
export function refusalProbeOf(schema: GraphQLSchema, coordinate: string): GeneratedOperation {
  const [typeName = "", fieldName = ""] = coordinate.split(".");
  const rootType = schema.getType(typeName);
  if (!isObjectType(rootType)) throw new Error(`${typeName} is not an object type`);
  const field = rootType.getFields()[fieldName];
  if (!field) throw new Error(`${coordinate} does not exist`);
  const operationType = typeName === schema.getMutationType()?.name ? "mutation" : "query";
  const required = field.args.filter(isRequired);
  const variables = Object.fromEntries(required.map((argument) => [argument.name, dummyInputValue(argument.type)]));
  const declarations = required.map((argument) => `$${argument.name}: ${String(argument.type)}`).join(", ");
  const argumentsText = required.map((argument) => `${argument.name}: $${argument.name}`).join(", ");
  const query = `${operationType} ContractProbe${declarations ? `(${declarations})` : ""} { ${fieldName}${
    argumentsText ? `(${argumentsText})` : ""
  } ${scalarSelectionOf(field.type)} }`;
  return { query, variables };
}

/** Each resolvable @key of the subgraph's printed SDL: the type and its key's fields (simple keys only). */
export function entityKeysOf(schema: GraphQLSchema): { typeName: string; fields: string[] }[] {
  const keys: { typeName: string; fields: string[] }[] = [];
  for (const definition of parse(printSubgraphSdl(schema)).definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const key = definition.directives?.find((directive) => {
      if (directive.name.value !== "key") return false;
      const resolvable = directive.arguments?.find((argument) => argument.name.value === "resolvable");
      return !(resolvable?.value.kind === Kind.BOOLEAN && !resolvable.value.value);
    });
    const fieldsArgument = key?.arguments?.find((argument) => argument.name.value === "fields");
    if (fieldsArgument?.value.kind !== Kind.STRING || fieldsArgument.value.value.includes("{")) continue;
    keys.push({ typeName: definition.name.value, fields: fieldsArgument.value.value.trim().split(/\s+/) });
  }
  return keys;
}

/** A representation of `typeName` with dummy values for its key fields. */
export function entityRepresentation(
  schema: GraphQLSchema,
  typeName: string,
  keyFields: readonly string[],
): Record<string, unknown> {
  const type = schema.getType(typeName);
  const representation: Record<string, unknown> = { __typename: typeName };
  if (!isObjectType(type)) return representation;
  for (const name of keyFields) {
    const field = type.getFields()[name];
    const named = field ? getNamedType(field.type) : undefined;
    representation[name] = named && isScalarType(named) ? dummyInputValue(named) : randomUUID();
  }
  return representation;
}
