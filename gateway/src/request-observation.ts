// What each /graphql request turned out to be (operation type, error codes, whether it executed),
// gathered by an Apollo plugin and recorded into the gateway's request metrics.
import type { ApolloServerPlugin } from "@apollo/server";
import type { Logger } from "@ms5/kit";
import { logUnexpectedErrors } from "@ms5/kit/subgraph";
import type { GatewayMetrics, OperationType, RequestOutcome } from "./gateway-metrics.ts";
import type { GatewayRequestContext } from "./signed-subgraph-data-source.ts";

/** What one /graphql request turned out to be, for the metrics. */
export interface RequestObservation {
  operationType?: OperationType;
  /** `extensions.code` of every error sent. */
  codes: string[];
  /** Whether execution started: a response with a `data` entry (GraphQL's request errors have none). */
  executed?: boolean;
}

export interface GatewayExecutionContext extends GatewayRequestContext {
  observation: RequestObservation;
}

/** Fills the request's observation from Apollo's request life cycle, and logs unexpected errors. */
export function observingPlugin(logger: Logger): ApolloServerPlugin<GatewayExecutionContext> {
  return {
    async requestDidStart({ contextValue }) {
      return {
        async didResolveOperation({ operation }) {
          if (operation) contextValue.observation.operationType = operation.operation;
        },
        async didEncounterErrors({ errors }) {
          logUnexpectedErrors(errors, logger);
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== "single") return;
          contextValue.observation.executed = "data" in response.body.singleResult;
          for (const error of response.body.singleResult.errors ?? []) {
            contextValue.observation.codes.push(String(error.extensions?.code ?? "INTERNAL_SERVER_ERROR"));
          }
        },
      };
    },
  };
}

export function recordGraphQLRequest(metrics: GatewayMetrics, observation: RequestObservation, startedAt: number) {
  const operationType = observation.operationType ?? "unknown";
  const outcome: RequestOutcome =
    observation.codes.length === 0 ? "success" : observation.executed ? "error" : "refused";
  metrics.requests.inc({ transport: "http", operation_type: operationType, outcome });
  for (const code of observation.codes) metrics.errors.inc({ transport: "http", code });
  metrics.requestDuration.observe({ operation_type: operationType, outcome }, (performance.now() - startedAt) / 1000);
}
