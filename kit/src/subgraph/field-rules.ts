// The declared access rule of each field of a built subgraph schema, read from what the builder
// already holds (Pothos keeps every field's and type's options in `extensions.pothosOptions`), so
// tests can prove that no field is left without a rule and the gateway can check the composed API.
import { type GraphQLField, type GraphQLNamedType, type GraphQLSchema, isInterfaceType, isObjectType } from "graphql";

/**
 * A field's rule:
 * - `permission`: scope-auth requires one of `permissions` (from schema/src/permissions.ts);
 * - `authenticated`: any signed-in caller or service account;
 * - `scopes`: another scope-auth combination (`$all`, mixed scopes), kept as declared;
 * - `dynamic`: scope-auth decides with a function at run time;
 * - `public`: declared open on purpose (`extensions: PUBLIC_FIELD`);
 * - `parent`: no rule of its own, the type-level `authScopes` of `type` apply (its `rule`);
 * - `federation`: `_service` and `_entities`, which only the gateway's signature opens.
 */
export type FieldRule =
  | { kind: "permission"; permissions: string[] }
  | { kind: "authenticated" }
  | { kind: "scopes"; scopes: unknown }
  | { kind: "dynamic" }
  | { kind: "public" }
  | { kind: "parent"; type: string; rule: FieldRule }
  | { kind: "federation" };

/** The extension key a field declares `"public"` with. */
export const FIELD_RULE_EXTENSION = "ms5Rule";

/**
 * Marks a field open to everyone, anonymous callers included, as a reviewed decision:
 * `t.field({ ..., extensions: PUBLIC_FIELD })`. Without it (or authScopes) the field has no rule.
 */
export const PUBLIC_FIELD: Readonly<Record<string, unknown>> = Object.freeze({ [FIELD_RULE_EXTENSION]: "public" });

/** The federation machinery every subgraph gets: guarded by the gateway signature, not by scopes. */
const FEDERATION_FIELDS = new Set(["_service", "_entities"]);

/** Root operation types whose fields must all carry a rule. */
export const ROOT_TYPE_NAMES = ["Query", "Mutation", "Subscription"] as const;

interface PothosOptionsHolder {
  extensions?: Readonly<Record<string, unknown>> | null;
}

function pothosOptionsOf(element: PothosOptionsHolder): Record<string, unknown> | undefined {
  return element.extensions?.pothosOptions as Record<string, unknown> | undefined;
}

function permissionsIn(scopes: Record<string, unknown>): string[] | undefined {
  const permissions: string[] = [];
  for (const [scope, value] of Object.entries(scopes)) {
    if (scope === "permission" && typeof value === "string") permissions.push(value);
    else if (scope === "$any" && typeof value === "object" && value !== null) {
      const inner = permissionsIn(value as Record<string, unknown>);
      if (!inner) return undefined;
      permissions.push(...inner);
    } else return undefined;
  }
  return permissions.length > 0 ? permissions : undefined;
}

/** The rule an `authScopes` option declares; undefined when there is none. */
export function ruleOfScopes(scopes: unknown): FieldRule | undefined {
  if (scopes === undefined || scopes === null) return undefined;
  if (typeof scopes === "function") return { kind: "dynamic" };
  if (typeof scopes !== "object") return undefined;
  const record = scopes as Record<string, unknown>;
  if (Object.keys(record).length === 0) return undefined;
  const permissions = permissionsIn(record);
  if (permissions) return { kind: "permission", permissions: [...new Set(permissions)] };
  if (Object.keys(record).length === 1 && record.authenticated === true) return { kind: "authenticated" };
  return { kind: "scopes", scopes: record };
}

function typeRule(type: GraphQLNamedType): FieldRule | undefined {
  return ruleOfScopes(pothosOptionsOf(type)?.authScopes);
}

/**
 * The declared rule of `field` of `parent`, or undefined when it has none: its own `authScopes`
 * (or `grantScopes` as a function), an explicit PUBLIC_FIELD, else its type's `authScopes`.
 */
export function fieldRuleOf(
  parent: GraphQLNamedType,
  field: Pick<GraphQLField<unknown, unknown>, "name" | "extensions">,
): FieldRule | undefined {
  if (FEDERATION_FIELDS.has(field.name)) return { kind: "federation" };
  if (field.extensions?.[FIELD_RULE_EXTENSION] === "public") return { kind: "public" };
  const own = ruleOfScopes(pothosOptionsOf(field)?.authScopes);
  if (own) return own;
  const inherited = typeRule(parent);
  if (inherited && pothosOptionsOf(field)?.skipTypeScopes !== true) {
    return { kind: "parent", type: parent.name, rule: inherited };
  }
  return undefined;
}

/** Every field of the schema's root types with its rule ("Query.lines" → rule or null when missing). */
export function rootFieldRules(schema: GraphQLSchema): Record<string, FieldRule | null> {
  const rules: Record<string, FieldRule | null> = {};
  for (const type of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (!type) continue;
    for (const field of Object.values(type.getFields())) {
      rules[`${type.name}.${field.name}`] = fieldRuleOf(type, field) ?? null;
    }
  }
  return rules;
}

/** The root fields without a declared rule, as "Type.field" coordinates. */
export function rootFieldsWithoutRule(schema: GraphQLSchema): string[] {
  return Object.entries(rootFieldRules(schema))
    .filter(([, rule]) => rule === null)
    .map(([coordinate]) => coordinate);
}

/**
 * Every object and interface field of the schema with its rule (or null), for reports: nested fields
 * are reached only through a guarded root field, so a missing rule there is not a hole on its own.
 */
export function allFieldRules(schema: GraphQLSchema): Record<string, FieldRule | null> {
  const rules: Record<string, FieldRule | null> = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith("__") || !(isObjectType(type) || isInterfaceType(type))) continue;
    for (const field of Object.values(type.getFields())) {
      rules[`${type.name}.${field.name}`] = fieldRuleOf(type, field) ?? null;
    }
  }
  return rules;
}

/** JSON as the repository's formatter (biome) prints it: objects one key a line, short arrays inline. */
function printJson(value: unknown, indent: string): string {
  if (Array.isArray(value)) {
    const items = value.map((item) => printJson(item, indent));
    return items.some((item) => item.includes("\n")) ? JSON.stringify(value) : `[${items.join(", ")}]`;
  }
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 0) return "{}";
    const inner = `${indent}  `;
    const lines = entries.map(([key, item]) => `${inner}${JSON.stringify(key)}: ${printJson(item, inner)}`);
    return `{\n${lines.join(",\n")}\n${indent}}`;
  }
  return JSON.stringify(value ?? null);
}

/** The printed rules file beside a subgraph's SDL: root-field coordinate → rule, sorted. */
export function printFieldRules(schema: GraphQLSchema): string {
  const rules = rootFieldRules(schema);
  const coordinates = Object.keys(rules).sort();
  return `${printJson(Object.fromEntries(coordinates.map((coordinate) => [coordinate, rules[coordinate]])), "")}\n`;
}
