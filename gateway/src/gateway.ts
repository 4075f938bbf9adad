// The gateway as a pure factory: Apollo Gateway over a static supergraph, Apollo Server on Node's own
// http server at /graphql, the auth endpoints, /health and /metrics, and the request defences.
// The binary (server.ts) and the tests call the same createGateway.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloGateway } from "@apollo/gateway";
import { ApolloServer, type ApolloServerPlugin, HeaderMap } from "@apollo/server";
import {
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from "@apollo/server/plugin/disabled";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import type { PrismaClient } from "@ms5/db";
import {
  CORRELATION_HEADER,
  createMetricsRegistry,
  createOpsEndpoints,
  databaseAndRedisChecks,
  type HealthCheck,
  type Logger,
  type RedisClient,
  withCorrelationId,
} from "@ms5/kit";
import {
  type AccessTokenOptions,
  type CredentialSettings,
  createLoginRateLimiter,
  type RefreshTokenSettings,
  type SigningKeyRing,
  type SlidingWindowLimit,
} from "@ms5/kit/auth";
import { correlationIdFrom, logUnexpectedErrors, writeHttpGraphQLResponse } from "@ms5/kit/subgraph";
import { createAuthEndpoints } from "./auth-endpoints.ts";
import { type GatewaySettings, gatewaySettingsOf, type OperationLimits } from "./gateway-defaults.ts";
import { formatGatewayError } from "./gateway-errors.ts";
import { HttpRefusal, headerOf, readCappedBody, sendJson } from "./http-json.ts";
import { operationLimitProtection, tokenLimitMessage } from "./operation-limits.ts";
import { type GatewayRequestContext, SignedSubgraphDataSource } from "./signed-subgraph-data-source.ts";

/** The one path of queries, mutations and (graphql-ws, attached by the subscriptions module) subscriptions. */
export const GRAPHQL_PATH = "/graphql";

/** What a subscription transport attached to the gateway's http.Server must let the gateway do. */
export interface AttachedSubscriptions {
  /** Closes every subscription (the gateway calls it first on close). */
  close(): Promise<void>;
}

export interface GatewayConfig {
  /** schema/supergraph.graphql, composed offline (composeSupergraph). */
  supergraphSdl: string;
  /**
   * Where each subgraph really is, by name; a subgraph not listed is called at the URL composition
   * wrote into the supergraph.
   */
  subgraphUrls?: Readonly<Record<string, string>>;
  /** SUBGRAPH_GATEWAY_SECRET: signs every subgraph request. */
  gatewaySecret: string;
  /** Issues access tokens and serves their public keys at /.well-known/jwks.json. */
  signingKeys: SigningKeyRing;
  prisma: PrismaClient;
  /** Connected by the caller; the gateway does not close it. */
  redis: RedisClient;
  logger: Logger;
  /**
   * Hide internal error messages and stack traces, refuse introspection, no field suggestions.
   * @default process.env.NODE_ENV === "production"
   */
  production?: boolean;
  /** Overrides of GATEWAY_DEFAULTS. */
  settings?: Partial<Omit<GatewaySettings, "limits">> & { limits?: Partial<OperationLimits> };
  /** Issuer/audience/lifetime of the access tokens the auth endpoints issue. */
  accessToken?: AccessTokenOptions;
  auth?: {
    /** Prefix of the rate limiter's Redis keys. @default "ms5:" */
    keyPrefix?: string;
    perAccount?: SlidingWindowLimit;
    perAddress?: SlidingWindowLimit;
    credentials?: CredentialSettings;
    refreshTokens?: RefreshTokenSettings;
  };
  /** Health checks besides `database` and `redis`. */
  healthChecks?: Record<string, HealthCheck>;
  /** A registry to add series to; a new one with process metrics when omitted. */
  metricsRegistry?: ReturnType<typeof createMetricsRegistry>;
  /**
   * Attaches the graphql-ws transport to the gateway's http.Server on GRAPHQL_PATH. Meant for
   * `attachFederatedSubscriptions(httpServer, { supergraphSdl, subgraphs, gatewaySecret,
   * verificationKeys, logger })` from ./subscriptions/index.ts.
   */
  attachSubscriptions?: (httpServer: Server) => AttachedSubscriptions | Promise<AttachedSubscriptions>;
}

export interface Gateway {
  /**
   * The http.Server serving every route; created here, not yet listening. The subscriptions module
   * attaches its graphql-ws server to its `upgrade` event on GRAPHQL_PATH.
   */
  httpServer: Server;
  settings: GatewaySettings;
  /** Starts listening (port 0 picks a free port); resolves with the /graphql URL. */
  listen(port: number, host?: string): Promise<{ url: string; port: number }>;
  /** Closes subscriptions, lets in-flight requests finish (up to the grace period), stops listening. */
  close(): Promise<void>;
}

/** Apollo Server's HTTP request from Node's, with the body as parsed JSON or, for other types, the raw text. */
function apolloRequestOf(req: IncomingMessage, raw: Buffer | undefined) {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
  }
  let body: unknown;
  if (raw && raw.length > 0) {
    const text = raw.toString("utf8");
    if (/^application\/(graphql-response\+)?json/i.test(headerOf(req, "content-type") ?? "")) {
      try {
        body = JSON.parse(text);
      } catch {
        throw new HttpRefusal(400, "BAD_USER_INPUT", "The request body is not JSON.");
      }
    } else {
      // Apollo refuses it: as a CSRF "simple request" without the preflight header, or as unparsable.
      body = text;
    }
  }
  const url = new URL(req.url ?? "/", "http://gateway");
  return { method: (req.method ?? "GET").toUpperCase(), headers, search: url.search, body };
}

/**
 * Every subgraph of a supergraph with the URL the gateway calls it at: `overrides[name]` when given,
 * else the URL composition wrote (the subscriptions transport needs the same list).
 */
export function subgraphEndpointsOf(
  supergraphSdl: string,
  overrides: Readonly<Record<string, string>> = {},
): { name: string; url: string }[] {
  const endpoints: { name: string; url: string }[] = [];
  for (const match of supergraphSdl.matchAll(/@join__graph\(name: "([^"]+)", url: "([^"]*)"\)/g)) {
    const name = match[1]!;
    endpoints.push({ name, url: overrides[name] ?? match[2]! });
  }
  return endpoints;
}

/** The operation's document text, wherever the request carries it ("" when it has none). */
function queryOf(request: { body: unknown; search: string }): string {
  const fromBody = (request.body as { query?: unknown } | undefined)?.query;
  if (typeof fromBody === "string") return fromBody;
  return new URLSearchParams(request.search).get("query") ?? "";
}

export async function createGateway(config: GatewayConfig): Promise<Gateway> {
  const settings = gatewaySettingsOf(config.settings);
  const production = config.production ?? process.env.NODE_ENV === "production";
  const logger = config.logger;
  const registry = config.metricsRegistry ?? createMetricsRegistry("gateway");

  const httpServer = createServer({
    requestTimeout: settings.requestTimeoutMs,
    headersTimeout: settings.headersTimeoutMs,
    keepAliveTimeout: settings.keepAliveTimeoutMs,
  });

  const gateway = new ApolloGateway({
    supergraphSdl: config.supergraphSdl,
    buildService: ({ name, url }) =>
      new SignedSubgraphDataSource({
        name,
        url: config.subgraphUrls?.[name] ?? url ?? "",
        gatewaySecret: config.gatewaySecret,
      }),
    logger: logger.child({ component: "apollo-gateway" }),
  });

  const errorLogging: ApolloServerPlugin<GatewayRequestContext> = {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors }) {
          logUnexpectedErrors(errors, logger);
        },
      };
    },
  };
  const protection = operationLimitProtection(settings.limits, { production });
  const apollo = new ApolloServer<GatewayRequestContext>({
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
    formatError: (formatted) => formatGatewayError(formatted, { hideInternalDetail: production }),
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: settings.shutdownGracePeriodMs }),
      ...(protection.plugins as ApolloServerPlugin<GatewayRequestContext>[]),
      errorLogging,
    ],
  });
  await apollo.start();

  const ops = createOpsEndpoints({
    service: "gateway",
    registry,
    checks: { ...databaseAndRedisChecks(config), ...config.healthChecks },
  });

  const auth = createAuthEndpoints({
    prisma: config.prisma,
    signingKeys: config.signingKeys,
    rateLimiter: createLoginRateLimiter({
      redis: config.redis,
      keyPrefix: config.auth?.keyPrefix,
      perAccount: config.auth?.perAccount,
      perAddress: config.auth?.perAddress,
    }),
    logger: logger.child({ component: "auth" }),
    bodyLimitBytes: settings.authBodyLimitBytes,
    accessToken: config.accessToken,
    credentials: config.auth?.credentials,
    refreshTokens: config.auth?.refreshTokens,
  });

  async function handleGraphQL(req: IncomingMessage, res: ServerResponse, correlationId: string) {
    if (req.method !== "POST" && req.method !== "GET") {
      throw new HttpRefusal(405, "BAD_USER_INPUT", "Send GraphQL requests with POST (or GET for queries).", {
        allow: "GET, POST",
      });
    }
    const raw = req.method === "POST" ? await readCappedBody(req, settings.bodyLimitBytes) : undefined;
    const httpGraphQLRequest = apolloRequestOf(req, raw);
    const tooManyTokens = tokenLimitMessage(queryOf(httpGraphQLRequest), settings.limits.maxTokens);
    if (tooManyTokens) {
      const formatted = formatGatewayError({ message: tooManyTokens }, { hideInternalDetail: production });
      sendJson(res, 400, { errors: [formatted] });
      return;
    }
    const authorization = headerOf(req, "authorization");
    const context: GatewayRequestContext = authorization ? { authorization, correlationId } : { correlationId };
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest,
      context: async () => context,
    });
    await writeHttpGraphQLResponse(res, response);
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? "/").split("?")[0];
    const correlationId = correlationIdFrom(headerOf(req, CORRELATION_HEADER));
    res.setHeader(CORRELATION_HEADER, correlationId);
    await withCorrelationId(correlationId, async () => {
      try {
        if (path === GRAPHQL_PATH) return await handleGraphQL(req, res, correlationId);
        if (await auth.handle(req, res)) return;
        if (await ops.handle(req, res)) return;
        sendJson(res, 404, { error: { code: "NOT_FOUND", message: "There is nothing at this path." } });
      } catch (error) {
        if (error instanceof HttpRefusal) {
          // The rest of a refused body may still be on the wire; closing is cheaper than draining it.
          res.shouldKeepAlive = false;
          sendJson(
            res,
            error.status,
            { errors: [{ message: error.message, extensions: { code: error.code } }] },
            error.headers,
          );
          return;
        }
        logger.error({ err: error, path }, "request failed outside execution");
        if (!res.destroyed) {
          sendJson(res, 500, {
            errors: [{ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } }],
          });
        }
      }
    });
  }
  httpServer.on("request", (req, res) => {
    void handle(req, res);
  });

  // TODO(subscriptions): the binary passes `attachFederatedSubscriptions` from ./subscriptions/index.ts
  // as `attachSubscriptions` once that module exports it; until then the gateway serves HTTP only.
  const subscriptions = config.attachSubscriptions ? await config.attachSubscriptions(httpServer) : undefined;

  let closing: Promise<void> | undefined;
  return {
    httpServer,
    settings,
    async listen(port, host = settings.host) {
      await new Promise<void>((resolve, reject) => {
        httpServer.once("error", reject);
        httpServer.listen(port, host, () => {
          httpServer.off("error", reject);
          resolve();
        });
      });
      const address = httpServer.address() as AddressInfo;
      const shownHost = host.includes(":") ? `[${host}]` : host;
      const url = `http://${shownHost}:${address.port}${GRAPHQL_PATH}`;
      logger.info({ url }, "gateway listening");
      return { url, port: address.port };
    },
    close() {
      closing ??= (async () => {
        // Subscriptions first: Apollo's drain treats upgraded sockets as idle and would cut them.
        await subscriptions?.close();
        // Apollo's drain plugin closes the listener; a server that never listened needs no drain.
        if (httpServer.listening) await apollo.stop();
        else await apollo.stop().catch(() => {});
        logger.info("gateway closed");
      })();
      return closing;
    },
  };
}
