// One subgraph process's server: GraphQL over HTTP (Apollo Server) and graphql-ws on the same port
// and path, /health and /metrics beside them, gateway-only access, and a graceful close.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from "@apollo/server/plugin/disabled";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import type { PrismaClient } from "@ms5/db";
import type { GraphQLSchema } from "graphql";
import type { Registry } from "prom-client";
import type { AccessTokenOptions } from "../auth/access-tokens.ts";
import type { RequestIdentity } from "../auth/request-identity.ts";
import { identifyRequest } from "../auth/request-identity.ts";
import type { VerificationKeys } from "../auth/signing-keys.ts";
import { VerifiedAccessTokens } from "../auth/verified-access-tokens.ts";
import { isProductionEnvironment } from "../config.ts";
import type { Logger } from "../logger.ts";
import {
  createMetricsRegistry,
  createOpsEndpoints,
  databaseAndRedisChecks,
  type HealthCheck,
} from "../ops-endpoints.ts";
import type { RedisClient } from "../redis-client.ts";
import { logUnexpectedErrors, toClientError } from "./api-errors.ts";
import { createGraphQLHttpEndpoint } from "./graphql-http-endpoint.ts";
import { createSubgraphContext, type SubgraphContext } from "./subgraph-context.ts";
import { SUBGRAPH_SERVER_DEFAULTS, type SubgraphServerSettings } from "./subgraph-defaults.ts";
import { createSubgraphMetrics } from "./subgraph-metrics.ts";
import { writeSubgraphSdl } from "./subgraph-sdl.ts";
import { startSubscriptionEndpoint } from "./subscription-endpoint.ts";

/** The one path of both transports. */
export const GRAPHQL_PATH = "/graphql";

export interface StartSubgraphServerOptions<Extras extends object = Record<never, never>> {
  /** The subgraph's name: the `service` of its logs and metrics. */
  name: string;
  /** From `subgraphSchemaOf(builder)`. */
  schema: GraphQLSchema;
  /** 0 picks a free port (tests). */
  port: number;
  prisma: PrismaClient;
  /** Connected by the caller; the server does not close it. */
  redis: RedisClient;
  logger: Logger;
  /** The gateway's public keys (loadVerificationKeys): every caller's token is verified here again. */
  verificationKeys: VerificationKeys;
  /** SUBGRAPH_GATEWAY_SECRET; during a rotation, the new secret first and the old one after it. */
  gatewaySecret: string | readonly string[];
  /** Where to write the printed SDL at start (e.g. subgraphs/<name>/schema.graphql); nothing is written when unset. */
  sdlPath?: string;
  /** Overrides of SUBGRAPH_SERVER_DEFAULTS. */
  settings?: Partial<SubgraphServerSettings>;
  /**
   * Hide internal error messages and stack traces, and refuse introspection.
   * @default isProductionEnvironment(process.env.NODE_ENV): true unless NODE_ENV is development or test
   */
  production?: boolean;
  /** Issuer/audience/clock overrides for verifying access tokens (tests). */
  accessToken?: AccessTokenOptions;
  /** Health checks besides `database` and `redis`. */
  healthChecks?: Record<string, HealthCheck>;
  /** A registry to add the subgraph's series to; a new one with process metrics when omitted. */
  metricsRegistry?: Registry;
  /**
   * The subgraph's own services, merged into every request's context (its builder's Context type
   * declares them): how a resolver reaches the subgraph's runtime, event bus or file store.
   */
  contextExtras?: Extras;
}

export interface SubgraphServer {
  /** http://<host>:<port>/graphql; the same URL with ws:// serves graphql-ws. */
  url: string;
  port: number;
  /**
   * Stops accepting, closes subscriptions with 1001, lets in-flight requests finish (up to the grace
   * period) and closes the listener. Prisma and Redis stay open: they belong to the caller.
   */
  close(): Promise<void>;
}

function secretsOf(gatewaySecret: string | readonly string[]): readonly string[] {
  const secrets = typeof gatewaySecret === "string" ? [gatewaySecret] : gatewaySecret;
  if (secrets.length === 0 || secrets.some((secret) => secret.length < 32)) {
    throw new Error("the gateway secret must be at least 32 characters (SUBGRAPH_GATEWAY_SECRET)");
  }
  return secrets;
}

export async function startSubgraphServer<Extras extends object = Record<never, never>>(
  options: StartSubgraphServerOptions<Extras>,
): Promise<SubgraphServer> {
  const settings: SubgraphServerSettings = { ...SUBGRAPH_SERVER_DEFAULTS, ...options.settings };
  const production = options.production ?? isProductionEnvironment(process.env.NODE_ENV);
  const gatewaySecrets = secretsOf(options.gatewaySecret);
  const logger = options.logger;
  const registry = options.metricsRegistry ?? createMetricsRegistry(options.name);
  const metrics = createSubgraphMetrics(registry);

  if (options.sdlPath && (await writeSubgraphSdl(options.schema, options.sdlPath))) {
    logger.info({ file: options.sdlPath }, "wrote the subgraph SDL");
  }

  // Every request of a caller carries the same token until it is refreshed: verified once, not each time.
  const verifiedAccessTokens = new VerifiedAccessTokens(options.verificationKeys, options.accessToken);
  const identify = (authorization: string | undefined): Promise<RequestIdentity> =>
    identifyRequest(authorization, {
      verificationKeys: options.verificationKeys,
      prisma: options.prisma,
      accessToken: options.accessToken,
      verifiedAccessTokens,
    });
  const createContext = (identity: RequestIdentity, correlationId: string): SubgraphContext =>
    createSubgraphContext(
      { identity, correlationId, prisma: options.prisma, redis: options.redis, logger },
      options.contextExtras,
    );

  const ops = createOpsEndpoints({
    service: options.name,
    registry,
    checks: { ...databaseAndRedisChecks(options), ...options.healthChecks },
  });

  const httpServer = createServer({
    requestTimeout: settings.requestTimeoutMs,
    headersTimeout: settings.headersTimeoutMs,
    keepAliveTimeout: settings.keepAliveTimeoutMs,
  });

  const errorLogging: ApolloServerPlugin<SubgraphContext> = {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          logUnexpectedErrors(errors, contextValue.logger);
        },
      };
    },
  };
  const apollo = new ApolloServer<SubgraphContext>({
    schema: options.schema,
    introspection: !production,
    includeStacktraceInErrorResponses: !production,
    hideSchemaDetailsFromClientErrors: production,
    // One operation per request: a batch would multiply the cost of one signed request.
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    persistedQueries: false,
    status400ForVariableCoercionErrors: true,
    // The caller owns the process's signals and calls close().
    stopOnTerminationSignals: false,
    logger: logger.child({ component: "apollo-server" }),
    formatError: (formatted) => toClientError(formatted, { hideInternalDetail: production }),
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      // Federated traces would show resolver timings to whoever asks; the gateway does not report them.
      ApolloServerPluginInlineTraceDisabled(),
      // Cache hints would be worked out field by field on every request, for the gateway alone to
      // read, and it ignores them (signed-subgraph-data-source.ts).
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: settings.shutdownGracePeriodMs }),
      errorLogging,
    ],
  });
  await apollo.start();

  const handleGraphQLRequest = createGraphQLHttpEndpoint({
    apollo,
    settings,
    gatewaySecrets,
    identify,
    createContext,
    metrics,
    logger,
  });
  httpServer.on("request", (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === GRAPHQL_PATH) {
      void handleGraphQLRequest(req, res);
      return;
    }
    ops.handle(req, res).then(
      (handled) => {
        if (handled) return;
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: "not found" }));
      },
      (error: unknown) => {
        logger.error({ err: error }, "ops endpoint failed");
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: "internal error" }));
      },
    );
  });

  const subscriptions = startSubscriptionEndpoint({
    httpServer,
    path: GRAPHQL_PATH,
    schema: options.schema,
    settings,
    gatewaySecrets,
    identify,
    createContext,
    hideInternalDetail: production,
    metrics,
    logger,
  });

  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once("error", reject);
      httpServer.listen(options.port, settings.host, () => {
        httpServer.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    await subscriptions.close(0);
    await apollo.stop().catch(() => {});
    throw error;
  }
  const port = (httpServer.address() as AddressInfo).port;
  const host = settings.host.includes(":") ? `[${settings.host}]` : settings.host;
  const url = `http://${host}:${port}${GRAPHQL_PATH}`;
  logger.info({ url }, "subgraph listening");

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    close() {
      closing ??= (async () => {
        // Subscriptions first: Apollo's drain treats upgraded sockets as idle and would cut them.
        await subscriptions.close(settings.shutdownGracePeriodMs);
        await apollo.stop();
        logger.info("subgraph closed");
      })();
      return closing;
    },
  };
}
