// Who may share one upstream subscription: read from the @plantWide / @perViewer directives the
// owning subgraphs compose into the supergraph (kit/src/subgraph/live-feed-scope.ts), over every
// field an operation selects, fragments (inline and named) included at the root and below. A root
// field whose scope its subgraph did not declare is not shared at all: it fails closed.
import { LIVE_FEED_SPEC_URL, PER_VIEWER_DIRECTIVE_NAME, PLANT_WIDE_DIRECTIVE_NAME } from "@ms5/kit/subgraph";
import {
  type ConstDirectiveNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  getArgumentValues,
  getNamedType,
  isAbstractType,
  isInterfaceType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  parse,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";

/** A field's result depends on the caller only when its Boolean `argument` is true. */
export interface ViewerCondition {
  field: GraphQLField<unknown, unknown>;
  node: FieldNode;
  argument: string;
}

/**
 * How widely subscribers of one operation may share its upstream subscription:
 * - `connection`: a root field has no declared scope, so only subscriptions of one connection share;
 * - `permissions`: every field is plant-wide, so connections with the same permissions share;
 * - `viewer`: a field depends on the caller, so only connections of the same caller share;
 * - `viewer-when`: as `viewer` when any condition's argument is true, else as `permissions`.
 */
export type SubscriptionSharing =
  | { kind: "connection"; undeclared: string[] }
  | { kind: "permissions" }
  | { kind: "viewer" }
  | { kind: "viewer-when"; conditions: ViewerCondition[] };

interface FieldScope {
  plantWide: boolean;
  /** Present when the field is @perViewer; `when` names the Boolean argument it depends on. */
  perViewer?: { when?: string };
}

function stringValue(node: ValueNode | undefined): string | undefined {
  return node?.kind === Kind.STRING ? node.value : undefined;
}

/** The local names the supergraph gives the live-feed directives (its @link may rename them). */
function liveFeedDirectiveNames(schemaDirectives: readonly ConstDirectiveNode[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const directive of schemaDirectives) {
    if (directive.name.value !== "link") continue;
    const url = stringValue(directive.arguments?.find((argument) => argument.name.value === "url")?.value);
    if (!url || url.split("/").slice(0, -1).join("/") !== LIVE_FEED_SPEC_URL.split("/").slice(0, -1).join("/")) {
      continue;
    }
    const imports = directive.arguments?.find((argument) => argument.name.value === "import")?.value;
    if (imports?.kind !== Kind.LIST) continue;
    for (const entry of imports.values) {
      if (entry.kind === Kind.STRING) names.set(entry.value.replace(/^@/, ""), entry.value.replace(/^@/, ""));
      if (entry.kind === Kind.OBJECT) {
        const name = stringValue(entry.fields.find((field) => field.name.value === "name")?.value);
        const as = stringValue(entry.fields.find((field) => field.name.value === "as")?.value);
        if (name) names.set(name.replace(/^@/, ""), (as ?? name).replace(/^@/, ""));
      }
    }
  }
  return names;
}

/** The declared scope of every field that has one, by coordinate ("Subscription.myNotifications"). */
export function liveFeedScopesOf(supergraphSdl: string): ReadonlyMap<string, FieldScope> {
  const document = parse(supergraphSdl);
  const schemaDirectives = document.definitions.flatMap((definition) =>
    definition.kind === Kind.SCHEMA_DEFINITION || definition.kind === Kind.SCHEMA_EXTENSION
      ? [...(definition.directives ?? [])]
      : [],
  );
  const names = liveFeedDirectiveNames(schemaDirectives);
  const plantWide = names.get(PLANT_WIDE_DIRECTIVE_NAME);
  const perViewer = names.get(PER_VIEWER_DIRECTIVE_NAME);
  const scopes = new Map<string, FieldScope>();
  for (const definition of document.definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      definition.kind !== Kind.INTERFACE_TYPE_EXTENSION
    ) {
      continue;
    }
    for (const field of definition.fields ?? []) {
      const scope: FieldScope = { plantWide: false };
      for (const directive of field.directives ?? []) {
        if (directive.name.value === plantWide) scope.plantWide = true;
        if (directive.name.value === perViewer) {
          const when = stringValue(directive.arguments?.find((argument) => argument.name.value === "when")?.value);
          scope.perViewer = when === undefined ? {} : { when };
        }
      }
      if (scope.plantWide || scope.perViewer) scopes.set(`${definition.name.value}.${field.name.value}`, scope);
    }
  }
  return scopes;
}

/** Reads the sharing of operations against the API schema and the supergraph's declarations. */
export class SubscriptionSharingRules {
  private readonly scopes: ReadonlyMap<string, FieldScope>;

  constructor(
    supergraphSdl: string,
    private readonly apiSchema: GraphQLSchema,
  ) {
    this.scopes = liveFeedScopesOf(supergraphSdl);
  }

  /** The sharing of a validated subscription operation. */
  sharingOf(
    operation: OperationDefinitionNode,
    fragments: Readonly<Record<string, FragmentDefinitionNode>>,
  ): SubscriptionSharing {
    const subscriptionType = this.apiSchema.getSubscriptionType();
    if (!subscriptionType) return { kind: "connection", undeclared: [] };
    const undeclared: string[] = [];
    const conditions: ViewerCondition[] = [];
    let viewer = false;
    const visitedFragments = new Set<string>();

    const visit = (selectionSet: SelectionSetNode, parent: GraphQLNamedType, isRoot: boolean) => {
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.INLINE_FRAGMENT) {
          const type = selection.typeCondition
            ? (this.apiSchema.getType(selection.typeCondition.name.value) ?? parent)
            : parent;
          visit(selection.selectionSet, type, isRoot);
          continue;
        }
        if (selection.kind === Kind.FRAGMENT_SPREAD) {
          const fragment = fragments[selection.name.value];
          // Validation refuses cycles; the set also keeps a fragment spread twice from being read twice.
          if (!fragment || visitedFragments.has(fragment.name.value)) continue;
          visitedFragments.add(fragment.name.value);
          visit(fragment.selectionSet, this.apiSchema.getType(fragment.typeCondition.name.value) ?? parent, isRoot);
          continue;
        }
        const name = selection.name.value;
        if (name.startsWith("__")) continue;
        if (!(isObjectType(parent) || isInterfaceType(parent))) continue;
        const field = parent.getFields()[name];
        if (!field) continue;
        const declared = this.scopesOfField(parent, name);
        if (isRoot && !declared.some((scope) => scope.plantWide || scope.perViewer)) {
          undeclared.push(`${parent.name}.${name}`);
        }
        for (const scope of declared) {
          if (!scope.perViewer) continue;
          if (scope.perViewer.when === undefined) viewer = true;
          else conditions.push({ field, node: selection, argument: scope.perViewer.when });
        }
        if (selection.selectionSet) visit(selection.selectionSet, getNamedType(field.type), false);
      }
    };
    visit(operation.selectionSet, subscriptionType, true);

    if (undeclared.length > 0) return { kind: "connection", undeclared };
    if (viewer) return { kind: "viewer" };
    if (conditions.length > 0) return { kind: "viewer-when", conditions };
    return { kind: "permissions" };
  }

  /** A field's own declaration and, on an interface, every implementation's (any of them may answer). */
  private scopesOfField(parent: GraphQLNamedType, name: string): FieldScope[] {
    const types = isAbstractType(parent) ? [parent, ...this.apiSchema.getPossibleTypes(parent)] : [parent];
    return types.flatMap((type) => {
      const scope = this.scopes.get(`${type.name}.${name}`);
      return scope ? [scope] : [];
    });
  }
}

/**
 * Whether subscribers must be told apart by caller, with the operation's coerced variables: a
 * condition whose argument cannot be read counts as depending on the caller.
 */
export function dependsOnViewer(sharing: SubscriptionSharing, variableValues: Record<string, unknown>): boolean {
  if (sharing.kind === "viewer") return true;
  if (sharing.kind !== "viewer-when") return false;
  return sharing.conditions.some((condition) => {
    try {
      return getArgumentValues(condition.field, condition.node, variableValues)[condition.argument] !== false;
    } catch {
      return true;
    }
  });
}
