// Prices an operation by the worst-case size of its result before anything runs: every object costs
// 1, and a list field multiplies its selection's cost by its bound. The bounds are the owning
// subgraphs' `@listSize` declarations (Federation demand control, composed into the supergraph):
// a paged field by its slicing argument (`first`), an unpaged one by its `assumedSize`.
import type { ApolloServerPlugin } from "@apollo/server";
import type { ErrorCode } from "@ms5/schema";
import {
  type ArgumentNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLOutputType,
  type GraphQLSchema,
  getNamedType,
  isAbstractType,
  isCompositeType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  parse,
  type SelectionSetNode,
  type ValidationRule,
  type ValueNode,
  valueFromASTUntyped,
} from "graphql";

/** A list field's bound as its subgraph declared it with `@listSize`. */
export interface ListSize {
  /** The size of the list when no slicing argument is given (the field's default page or real cap). */
  assumedSize?: number;
  /** Arguments whose value is the list's size (`first`). */
  slicingArguments?: readonly string[];
  /** For a connection: its child fields the size applies to (`edges`), instead of the field itself. */
  sizedFields?: readonly string[];
}

/** `@listSize` of every field that declares one, by schema coordinate ("Query.downtimeEvents"). */
export type ListBounds = ReadonlyMap<string, ListSize>;

export interface ListPricingLimits {
  /** The most an operation may cost. */
  maxCost: number;
  /** The largest value a slicing argument (`first`) may have. */
  maxPageSize: number;
  /** What a list field without a declared bound is priced at. */
  undeclaredListSize: number;
}

/**
 * Reads every `@listSize` from a supergraph SDL. Composition imports it from the cost spec, under
 * its own name or prefixed (`@cost__listSize`) when another directive took the name.
 */
export function listBoundsOf(supergraphSdl: string): ListBounds {
  const bounds = new Map<string, ListSize>();
  for (const definition of parse(supergraphSdl).definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION
    ) {
      continue;
    }
    for (const field of definition.fields ?? []) {
      const directive = field.directives?.find((d) => d.name.value === "listSize" || d.name.value === "cost__listSize");
      if (!directive) continue;
      const argument = (name: string) => {
        const node = directive.arguments?.find((a) => a.name.value === name);
        return node ? valueFromASTUntyped(node.value) : undefined;
      };
      const assumedSize = argument("assumedSize");
      const slicingArguments = argument("slicingArguments");
      const sizedFields = argument("sizedFields");
      bounds.set(`${definition.name.value}.${field.name.value}`, {
        ...(typeof assumedSize === "number" ? { assumedSize } : {}),
        ...(Array.isArray(slicingArguments) ? { slicingArguments: slicingArguments.map(String) } : {}),
        ...(Array.isArray(sizedFields) ? { sizedFields: sizedFields.map(String) } : {}),
      });
    }
  }
  return bounds;
}

function refusal(code: ErrorCode, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: 400 } } });
}

/**
 * Variables as the caller sent them, or `unknown` when pricing without them (validation of a
 * document on its own): a slicing argument taken from an unknown variable is priced at the
 * variable's default, else at the largest page.
 */
export type PricingVariables = Readonly<Record<string, unknown>> | "unknown";

interface PricingInput {
  schema: GraphQLSchema;
  operation: OperationDefinitionNode;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  variables: PricingVariables;
  bounds: ListBounds;
  limits: ListPricingLimits;
  /** Told the name of each variable the price depends on (a slicing argument's value). */
  readVariables?: Set<string>;
}

/**
 * The worst-case cost of one operation. Throws BAD_USER_INPUT for a slicing argument outside
 * [0, maxPageSize]. Inline fragments and spreads on different types are all added up: an
 * overestimate for unions, never an underestimate.
 */
export function operationCostOf(input: PricingInput): number {
  const { schema, operation, fragments, variables, bounds, limits } = input;

  function sliceOf(field: string, argument: ArgumentNode): number | undefined {
    let value: unknown;
    if (argument.value.kind === Kind.VARIABLE) {
      const name = argument.value.name.value;
      if (variables === "unknown") {
        const declared = operation.variableDefinitions?.find((v) => v.variable.name.value === name);
        value = declared?.defaultValue ? valueFromASTUntyped(declared.defaultValue) : limits.maxPageSize;
      } else {
        value = variables[name];
        input.readVariables?.add(name);
      }
    } else {
      value = valueFromASTUntyped(argument.value as ValueNode);
    }
    if (value === null || value === undefined) return undefined;
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > limits.maxPageSize) {
      throw refusal(
        "BAD_USER_INPUT",
        `${field}(${argument.name.value}:) must be a whole number from 0 to ${limits.maxPageSize}; page through larger lists.`,
      );
    }
    return value;
  }

  /** The size a list-bearing field's declaration gives, or undefined when nothing was declared. */
  function declaredSizeOf(coordinate: string, args: readonly ArgumentNode[]): number | undefined {
    const listSize = bounds.get(coordinate);
    if (!listSize) return undefined;
    for (const name of listSize.slicingArguments ?? []) {
      const argument = args.find((a) => a.name.value === name);
      const size = argument && sliceOf(coordinate, argument);
      if (size !== undefined) return size;
    }
    return listSize.assumedSize ?? limits.undeclaredListSize;
  }

  /** How many times a list type repeats what it holds; 1 for a non-list. */
  function multiplierOf(type: GraphQLOutputType, size: number): number {
    let multiplier = 1;
    let current: GraphQLOutputType = type;
    for (;;) {
      if (isNonNullType(current)) current = current.ofType;
      else if (isListType(current)) {
        multiplier *= size;
        current = current.ofType;
      } else return multiplier;
    }
  }

  function selectionCost(
    parentTypeName: string,
    selectionSet: SelectionSetNode,
    sizedBy: { fields: readonly string[]; size: number } | undefined,
    spreading: ReadonlySet<string>,
  ): number {
    const parent = schema.getType(parentTypeName);
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const typeName = selection.typeCondition?.name.value ?? parentTypeName;
        cost += selectionCost(typeName, selection.selectionSet, sizedBy, spreading);
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        // A cycle or an unknown fragment is refused by graphql's own rules; it adds nothing here.
        if (!fragment || spreading.has(name)) continue;
        cost += selectionCost(
          fragment.typeCondition.name.value,
          fragment.selectionSet,
          sizedBy,
          new Set([...spreading, name]),
        );
      } else {
        const name = selection.name.value;
        if (name.startsWith("__") || !parent || !(isObjectType(parent) || isAbstractType(parent))) continue;
        const fieldTypes = isObjectType(parent) ? [parent] : schema.getPossibleTypes(parent);
        // An interface field is priced on the implementation that declares the largest bound.
        let fieldCost = 0;
        for (const owner of isObjectType(parent) ? fieldTypes : [parent, ...fieldTypes]) {
          const field = "getFields" in owner ? owner.getFields()[name] : undefined;
          if (!field) continue;
          const coordinate = `${owner.name}.${name}`;
          const args = selection.arguments ?? [];
          const declared = declaredSizeOf(coordinate, args);
          const listSize = bounds.get(coordinate);
          const inherited = sizedBy?.fields.includes(name) ? sizedBy.size : undefined;
          const ownSize = listSize?.sizedFields ? undefined : declared;
          const size = inherited ?? ownSize ?? limits.undeclaredListSize;
          const named = getNamedType(field.type);
          const childSizedBy =
            listSize?.sizedFields && declared !== undefined
              ? { fields: listSize.sizedFields, size: declared }
              : undefined;
          const inner =
            isCompositeType(named) && selection.selectionSet
              ? 1 + selectionCost(named.name, selection.selectionSet, childSizedBy, spreading)
              : 0;
          fieldCost = Math.max(fieldCost, multiplierOf(field.type, size) * inner);
        }
        cost += fieldCost;
      }
    }
    return cost;
  }

  const root =
    operation.operation === "query"
      ? schema.getQueryType()
      : operation.operation === "mutation"
        ? schema.getMutationType()
        : schema.getSubscriptionType();
  if (!root) return 0;
  return selectionCost(root.name, operation.selectionSet, undefined, new Set());
}

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return fragments;
}

function tooComplex(cost: number, limits: ListPricingLimits): GraphQLError {
  return refusal(
    "QUERY_TOO_COMPLEX",
    `Query cost of ${cost} exceeds the limit of ${limits.maxCost}: each list counts as many times as it may hold items. Ask for smaller pages.`,
  );
}

/**
 * Prices the operation `operationName` (the only one when omitted) of `document` and throws the
 * refusal when its cost is over the limit or a slicing argument is out of range.
 */
export function assertOperationAffordable(options: {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variables: PricingVariables;
  bounds: ListBounds;
  limits: ListPricingLimits;
  readVariables?: Set<string>;
}): number {
  const operations = options.document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  const fragments = fragmentsOf(options.document);
  let highest = 0;
  for (const operation of operations) {
    if (options.operationName && operation.name?.value !== options.operationName) continue;
    const cost = operationCostOf({ ...options, operation, fragments });
    if (cost > options.limits.maxCost) throw tooComplex(cost, options.limits);
    highest = Math.max(highest, cost);
  }
  return highest;
}

/**
 * The pricing as a validation rule, for documents checked without their variables (graphql-ws
 * subscriptions, the persisted-documents check): every operation of the document is priced, with
 * variables unknown.
 */
export function listPricingRule(bounds: ListBounds, limits: ListPricingLimits): ValidationRule {
  return (context) => ({
    Document: {
      enter(document) {
        try {
          assertOperationAffordable({ schema: context.getSchema(), document, variables: "unknown", bounds, limits });
        } catch (error) {
          if (!(error instanceof GraphQLError)) throw error;
          context.reportError(error);
        }
        return false;
      },
    },
  });
}

/**
 * The pricing on Apollo Server's HTTP path, where the variables are known: run once the operation is
 * resolved and before it is planned, so a refused operation never reaches a subgraph.
 */
export function listPricingPlugin<Context extends object>(
  bounds: ListBounds,
  limits: ListPricingLimits,
): ApolloServerPlugin<Context> {
  // Apollo hands the same DocumentNode to every request with the same query text, so an operation
  // that was priced under the limit is not walked again for the same values of the variables its
  // price reads (usually none, or only `first`).
  const affordable = new WeakMap<DocumentNode, Map<string, { reads: readonly string[]; priced: Set<string> }>>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request }) {
          const variables = request.variables ?? {};
          const operation = request.operationName ?? "";
          let operations = affordable.get(document);
          const known = operations?.get(operation);
          const keyOf = (reads: readonly string[]) => JSON.stringify(reads.map((name) => variables[name] ?? null));
          if (known?.priced.has(keyOf(known.reads))) return;
          const reads = new Set<string>();
          assertOperationAffordable({
            schema,
            document,
            operationName: request.operationName,
            variables,
            bounds,
            limits,
            readVariables: reads,
          });
          if (!operations) {
            operations = new Map();
            affordable.set(document, operations);
          }
          const entry = known ?? { reads: [...reads].sort(), priced: new Set<string>() };
          // A handful of page sizes per operation is what clients send; past that, price afresh.
          if (entry.priced.size < MAX_PRICES_KEPT_PER_OPERATION) entry.priced.add(keyOf(entry.reads));
          operations.set(operation, entry);
        },
      };
    },
  };
}

/** Distinct variable values whose affordable price is remembered per operation. */
const MAX_PRICES_KEPT_PER_OPERATION = 32;
