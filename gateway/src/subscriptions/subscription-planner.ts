// Turns a client's subscription document into a federated plan, once per (document text, operation
// name): the primary fetch to run as an upstream subscription and the rest to run per event.

import { operationFromDocument, type Schema, Supergraph } from "@apollo/federation-internals";
import { buildOperationContext } from "@apollo/gateway";
import { type FetchNode, type PlanNode, type QueryPlan, QueryPlanner } from "@apollo/query-planner";
import {
  type DocumentNode,
  GraphQLError,
  type GraphQLSchema,
  getOperationAST,
  parse,
  specifiedRules,
  type ValidationRule,
  validate,
} from "graphql";
import { isOperationLimitRefusal, tokenLimitRefusal } from "../operation-limits.ts";
import { type SubscriptionSharing, SubscriptionSharingRules } from "./subscription-sharing.ts";

type OperationContext = ReturnType<typeof buildOperationContext>;

/** The service name the event-serving data source answers to, so `rest` may still call the owning subgraph. */
export const SUBSCRIPTION_EVENT_SERVICE = "__subscription_event__";

export interface SubscriptionPlan {
  /** The owning subgraph and the operation to subscribe to there. */
  primary: FetchNode;
  /**
   * Primary (served from the event) then the rest, for executeQueryPlan; the primary fetch's
   * serviceName is SUBSCRIPTION_EVENT_SERVICE.
   */
  perEventPlan: QueryPlan;
  /** Whether anything beyond the primary fetch runs per event. */
  hasRest: boolean;
  operationContext: OperationContext;
  /** Who may share the upstream subscription, from the fields' declared scopes (fragments included). */
  sharing: SubscriptionSharing;
}

export type PlanOutcome = { plan: SubscriptionPlan } | { errors: GraphQLError[] };

/** The operation limits the HTTP endpoint applies (Armor's rules and the token count). */
export interface SubscriptionOperationLimits {
  validationRules: readonly ValidationRule[];
  maxTokens: number;
}

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "BAD_USER_INPUT" } });
}

export class SubscriptionPlanner {
  readonly supergraphSchema: GraphQLSchema;
  readonly apiSchema: Schema;
  readonly apiGraphQLSchema: GraphQLSchema;
  private readonly planner: QueryPlanner;
  private readonly cache = new Map<string, PlanOutcome>();
  /** How many plans were built (not served from the cache); tests read it. */
  plansBuilt = 0;

  private readonly validationRules: readonly ValidationRule[];
  private readonly sharingRules: SubscriptionSharingRules;

  constructor(
    supergraphSdl: string,
    private readonly cacheSize: number,
    private readonly limits?: SubscriptionOperationLimits,
  ) {
    this.validationRules = [...specifiedRules, ...(limits?.validationRules ?? [])];
    const supergraph = Supergraph.build(supergraphSdl);
    this.supergraphSchema = supergraph.schema.toGraphQLJSSchema();
    this.apiSchema = supergraph.apiSchema();
    this.apiGraphQLSchema = this.apiSchema.toGraphQLJSSchema();
    this.planner = new QueryPlanner(supergraph);
    this.sharingRules = new SubscriptionSharingRules(supergraphSdl, this.apiGraphQLSchema);
  }

  /** The plan of `query` (cached), or the errors a client should see. */
  planOf(query: string, operationName: string | undefined): PlanOutcome {
    const key = `${operationName ?? ""}\n${query}`;
    const cached = this.cache.get(key);
    if (cached) {
      // Re-inserted to mark it recently used.
      this.cache.delete(key);
      this.cache.set(key, cached);
      return cached;
    }
    const outcome = this.build(query, operationName);
    this.cache.set(key, outcome);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
    return outcome;
  }

  private build(query: string, operationName: string | undefined): PlanOutcome {
    const tooManyTokens = this.limits && tokenLimitRefusal(query, this.limits.maxTokens);
    if (tooManyTokens) return { errors: [tooManyTokens] };
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      return { errors: [error instanceof GraphQLError ? error : badInput(String(error))] };
    }
    const validationErrors = validate(this.apiGraphQLSchema, document, this.validationRules);
    if (validationErrors.length > 0) {
      return {
        errors: validationErrors.map((error) =>
          isOperationLimitRefusal(error)
            ? error
            : new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: "BAD_USER_INPUT" } }),
        ),
      };
    }
    const operationAst = getOperationAST(document, operationName);
    if (!operationAst) return { errors: [badInput("Name the operation to run (operationName).")] };
    if (operationAst.operation !== "subscription") {
      return { errors: [badInput("Only subscriptions run over WebSocket; send queries and mutations over HTTP.")] };
    }
    this.plansBuilt++;
    const operation = operationFromDocument(this.apiSchema, document, { operationName });
    const queryPlan = this.planner.buildQueryPlan(operation);
    const node = queryPlan.node;
    if (node?.kind !== "Subscription") throw new Error(`a subscription was planned as ${node?.kind ?? "nothing"}`);
    const servedPrimary: FetchNode = { ...node.primary, serviceName: SUBSCRIPTION_EVENT_SERVICE };
    const nodes: PlanNode[] = node.rest ? [servedPrimary, node.rest] : [servedPrimary];
    const operationContext = buildOperationContext({
      schema: this.apiGraphQLSchema,
      operationDocument: document,
      operationName,
    });
    return {
      plan: {
        primary: node.primary,
        perEventPlan: { kind: "QueryPlan", node: { kind: "Sequence", nodes } },
        hasRest: node.rest !== undefined,
        operationContext,
        sharing: this.sharingRules.sharingOf(operationContext.operation, operationContext.fragments),
      },
    };
  }
}
