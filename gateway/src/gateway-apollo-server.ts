// Apollo Gateway over the static supergraph, with every subgraph call signed, inside an Apollo Server
// configured for the edge: no batching, no APQ, CSRF prevention, the operation limits, errors
// formatted (internal detail hidden in production) and each request observed for the metrics.
import type { Server } from "node:http";
import { ApolloGateway } from "@apollo/gateway";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from "@apollo/server/plugin/disabled";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import type { Logger } from "@ms5/kit";
import type { GatewaySettings } from "./gateway-defaults.ts";
import { formatGatewayError } from "./gateway-errors.ts";
import { listBoundsOf } from "./list-pricing.ts";
import { operationLimitProtection } from "./operation-limits.ts";
import { type GatewayExecutionContext, observingPlugin } from "./request-observation.ts";
import { SignedSubgraphDataSource } from "./signed-subgraph-data-source.ts";

export interface GatewayApolloServerOptions {
  supergraphSdl: string;
  subgraphUrls?: Readonly<Record<string, string>>;
  gatewaySecret: string;
  settings: GatewaySettings;
  production: boolean;
  logger: Logger;
  /** Drained by Apollo on stop. */
  httpServer: Server;
}

/** The started Apollo Server, and the operation-limit protection it applies (graphql-ws applies it too). */
export async function startGatewayApolloServer(options: GatewayApolloServerOptions) {
  const { settings, production, logger, httpServer } = options;
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name, url }) =>
      new SignedSubgraphDataSource({
        name,
        url: options.subgraphUrls?.[name] ?? url ?? "",
        gatewaySecret: options.gatewaySecret,
        timeoutMs: settings.subgraphTimeoutMs,
      }),
    logger: logger.child({ component: "apollo-gateway" }),
  });
  const protection = operationLimitProtection(settings.limits, {
    production,
    listBounds: listBoundsOf(options.supergraphSdl),
  });
  const apollo = new ApolloServer<GatewayExecutionContext>({
    gateway,
    introspection: !production,
    includeStacktraceInErrorResponses: !production,
    hideSchemaDetailsFromClientErrors: production,
    // One operation per request: a batch would multiply the cost of one request past every limit.
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    // APQ registers any query it is sent (a cache, not an allowlist); trusted documents come separately.
    persistedQueries: false,
    stopOnTerminationSignals: false,
    validationRules: protection.validationRules,
    logger: logger.child({ component: "apollo-server" }),
    formatError: (formatted, error) => formatGatewayError(formatted, error, { hideInternalDetail: production }),
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      // Answers are per caller and never cached (no-store below): Apollo's cache policy, worked out
      // per request from hints nobody sets, would only ever say so.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: settings.shutdownGracePeriodMs }),
      ...(protection.plugins as ApolloServerPlugin<GatewayExecutionContext>[]),
      observingPlugin(logger),
    ],
  });
  await apollo.start();
  return { apollo, protection };
}
