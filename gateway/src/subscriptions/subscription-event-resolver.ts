// Resolves one upstream event into the client's result: the event is served as the primary fetch's
// response and executeQueryPlan runs the rest of the plan (entity fetches to other subgraphs, signed
// as the gateway, with the subscribers' Authorization).
import { executeQueryPlan, type GraphQLDataSource, type ServiceMap } from "@apollo/gateway";
import type { Logger } from "@ms5/kit";
import type { GraphQLFormattedError } from "graphql";
import { postSignedToSubgraph } from "../signed-subgraph-data-source.ts";
import { SUBSCRIPTION_EVENT_SERVICE, type SubscriptionPlan, type SubscriptionPlanner } from "./subscription-planner.ts";

export type GatewayGraphQLResponse = Awaited<ReturnType<GraphQLDataSource["process"]>>;
type GatewayGraphQLRequestContext = Parameters<typeof executeQueryPlan>[2];

/** What a subscriber receives as a graphql-ws `next` payload. */
export interface SubscriptionPayload {
  data?: Record<string, unknown> | null;
  errors?: GraphQLFormattedError[];
  extensions?: Record<string, unknown>;
}

/** The per-request context the subgraph data sources read. */
interface EventRequestContext {
  authorization: string | undefined;
}

export interface SubscriptionEventResolverOptions {
  planner: SubscriptionPlanner;
  subgraphs: readonly { name: string; url: string }[];
  gatewaySecret: string;
  entityFetchTimeoutMs: number;
  logger: Logger;
}

/** A subgraph reached by signed HTTP POSTs, as executeQueryPlan's data source. */
function signedSubgraphDataSource(url: string, gatewaySecret: string, timeoutMs: number): GraphQLDataSource {
  return {
    async process({ request, context }): Promise<GatewayGraphQLResponse> {
      const { authorization } = context as Partial<EventRequestContext>;
      const response = await postSignedToSubgraph({ url, gatewaySecret, request, authorization, timeoutMs });
      try {
        return JSON.parse(response.body) as GatewayGraphQLResponse;
      } catch {
        throw new Error(`subgraph ${url} answered ${response.status} with a body that is not JSON`);
      }
    },
  };
}

/** Only the message, path and code leave the gateway: no subgraph names or stack traces. */
function toClientError(error: {
  message: string;
  path?: readonly (string | number)[] | undefined;
  extensions?: Record<string, unknown>;
}): GraphQLFormattedError {
  const code = typeof error.extensions?.code === "string" ? error.extensions.code : "INTERNAL_SERVER_ERROR";
  return {
    message: error.message,
    ...(error.path ? { path: [...error.path] } : {}),
    extensions: { code },
  };
}

export class SubscriptionEventResolver {
  private readonly services: ServiceMap;

  constructor(private readonly options: SubscriptionEventResolverOptions) {
    this.services = Object.fromEntries(
      options.subgraphs.map((subgraph) => [
        subgraph.name,
        signedSubgraphDataSource(subgraph.url, options.gatewaySecret, options.entityFetchTimeoutMs),
      ]),
    );
  }

  /** The client's result of one upstream event. */
  async resolve(
    plan: SubscriptionPlan,
    event: GatewayGraphQLResponse,
    variables: Record<string, unknown>,
    authorization: string | undefined,
  ): Promise<SubscriptionPayload> {
    const serviceMap: ServiceMap = {
      ...this.services,
      [SUBSCRIPTION_EVENT_SERVICE]: { process: async () => event },
    };
    const context: EventRequestContext = { authorization };
    // executeQueryPlan reads only these members of the request context.
    const requestContext = {
      request: { query: undefined, variables, operationName: plan.operationContext.operation.name?.value },
      context,
      logger: this.options.logger,
      metrics: {},
      cache: undefined,
      overallCachePolicy: undefined,
    } as unknown as GatewayGraphQLRequestContext;
    const result = await executeQueryPlan(
      plan.perEventPlan,
      serviceMap,
      requestContext,
      plan.operationContext,
      this.options.planner.supergraphSchema,
      this.options.planner.apiSchema,
    );
    const payload: SubscriptionPayload = { data: (result.data as Record<string, unknown> | null | undefined) ?? null };
    if (result.errors && result.errors.length > 0) {
      payload.errors = result.errors.map((error) => toClientError(error));
    }
    return payload;
  }
}
