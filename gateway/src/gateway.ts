// The gateway as one factory: createGateway wires Apollo Server over the static supergraph
// (gateway-apollo-server.ts) on Node's own http server at /graphql, the request adaptation before it
// (graphql-request-adaptation.ts), the refusals (request-refusals.ts), the auth endpoints, report
// downloads, /health and /metrics (it opens a port and uses the Redis and database it is given, so it
// is no pure function). The binary (server.ts) and the tests call the same createGateway.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { PrismaClient } from "@ms5/db";
import {
  CORRELATION_HEADER,
  createMetricsRegistry,
  createOpsEndpoints,
  currentCorrelationId,
  databaseAndRedisChecks,
  type HealthCheck,
  isProductionEnvironment,
  type Logger,
  type RedisClient,
  withCorrelationId,
} from "@ms5/kit";
import {
  type AccessTokenOptions,
  type CredentialSettings,
  createLoginRateLimiter,
  type RefreshTokenSettings,
  type RequestIdentity,
  type SigningKeyRing,
  type SlidingWindowLimit,
  VerifiedAccessTokens,
} from "@ms5/kit/auth";
import { correlationIdFrom, writeHttpGraphQLResponse } from "@ms5/kit/subgraph";
import type { ValidationRule } from "graphql";
import { createAuthEndpoints } from "./auth-endpoints.ts";
import {
  API_KEY_HEADER,
  type EdgeIdentityOptions,
  edgeCredentialOf,
  edgeCredentialOfConnectionParams,
  identifyEdgeCredential,
} from "./edge-credentials.ts";
import { startGatewayApolloServer } from "./gateway-apollo-server.ts";
import { type GatewaySettings, gatewaySettingsOf, type OperationLimits } from "./gateway-defaults.ts";
import { gatewayMetricsOf } from "./gateway-metrics.ts";
import { adaptGraphQLRequest, type GraphQLRequestAdaptation } from "./graphql-request-adaptation.ts";
import { headerOf, sendJson } from "./http-json.ts";
import { createReportDownloads, type GraphQLResult } from "./report-downloads.ts";
import { type GatewayExecutionContext, type RequestObservation, recordGraphQLRequest } from "./request-observation.ts";
import { sendRequestFailure } from "./request-refusals.ts";
import type { TrustedDocumentPolicy, TrustedDocuments } from "./trusted-documents.ts";

/** The one path of queries, mutations and (graphql-ws, attached by the subscriptions module) subscriptions. */
export const GRAPHQL_PATH = "/graphql";

/** What a subscription transport attached to the gateway's http.Server must let the gateway do. */
export interface AttachedSubscriptions {
  /** Closes every subscription (the gateway calls it first on close). */
  close(): Promise<void>;
}

/**
 * The rules the HTTP endpoint applies, handed to the subscription transport so graphql-ws applies
 * the same ones: credentials in every accepted form with API keys verified, trusted documents,
 * operation limits, and the registry to report into.
 */
export interface GatewayEdge {
  /** Who a connection_init payload's credential belongs to; throws AuthError for a bad one. */
  identifyConnectionParams(params: Readonly<Record<string, unknown>>): Promise<{
    identity: RequestIdentity;
    /** The credential as the subgraphs take it (`Bearer ...`), or undefined for none. */
    authorization: string | undefined;
  }>;
  trustedDocuments: TrustedDocumentPolicy;
  /** Armor's depth, alias and directive rules and list pricing (variables unknown: largest page). */
  validationRules: readonly ValidationRule[];
  maxTokens: number;
  metricsRegistry: ReturnType<typeof createMetricsRegistry>;
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
   * @default isProductionEnvironment(process.env.NODE_ENV): true unless NODE_ENV is development or test
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
    /** How long a sign-in waits for the limiter's Redis before a 503. @default AUTH_DEFAULTS.loginLimiterTimeoutMs */
    limiterTimeoutMs?: number;
    credentials?: CredentialSettings;
    refreshTokens?: RefreshTokenSettings;
    /** GATEWAY_PROXY_SECRET: the web server's proof that it is the sign-in proxy (auth-endpoints.ts). */
    proxySecret?: string;
  };
  /**
   * The web app's persisted-documents manifest (readTrustedDocuments); required when
   * `settings.trustedDocuments` is `enforce`.
   */
  trustedDocuments?: TrustedDocuments;
  /** Health checks besides `database` and `redis`. */
  healthChecks?: Record<string, HealthCheck>;
  /** A registry to add series to; a new one with process metrics when omitted. */
  metricsRegistry?: ReturnType<typeof createMetricsRegistry>;
  /**
   * Attaches the graphql-ws transport to the gateway's http.Server on GRAPHQL_PATH. Meant for
   * `attachFederatedSubscriptions(httpServer, { supergraphSdl, subgraphs, gatewaySecret,
   * verificationKeys, logger })` from ./subscriptions/index.ts.
   */
  attachSubscriptions?: (
    httpServer: Server,
    edge: GatewayEdge,
  ) => AttachedSubscriptions | Promise<AttachedSubscriptions>;
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

export async function createGateway(config: GatewayConfig): Promise<Gateway> {
  const settings = gatewaySettingsOf(config.settings);
  const production = config.production ?? isProductionEnvironment(process.env.NODE_ENV);
  const logger = config.logger;
  const registry = config.metricsRegistry ?? createMetricsRegistry("gateway");

  const httpServer = createServer({
    requestTimeout: settings.requestTimeoutMs,
    headersTimeout: settings.headersTimeoutMs,
    keepAliveTimeout: settings.keepAliveTimeoutMs,
  });

  const metrics = gatewayMetricsOf(registry);
  const trustedDocuments: TrustedDocumentPolicy = {
    mode: settings.trustedDocuments,
    documents: config.trustedDocuments,
  };
  if (settings.trustedDocuments === "enforce" && !config.trustedDocuments) {
    throw new Error("trusted documents are enforced but no manifest was given (GATEWAY_TRUSTED_DOCUMENTS_PATH)");
  }
  const edgeIdentity: EdgeIdentityOptions = {
    verificationKeys: config.signingKeys,
    prisma: config.prisma,
    // Thousands of graphql-ws connections of a shift's tablets present the same few tokens.
    verifiedAccessTokens: new VerifiedAccessTokens(config.signingKeys),
  };
  const { apollo, protection } = await startGatewayApolloServer({ ...config, settings, production, httpServer });

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
      timeoutMs: config.auth?.limiterTimeoutMs,
    }),
    logger: logger.child({ component: "auth" }),
    bodyLimitBytes: settings.authBodyLimitBytes,
    accessToken: config.accessToken,
    credentials: config.auth?.credentials,
    refreshTokens: config.auth?.refreshTokens,
    proxySecret: config.auth?.proxySecret,
  });

  const reportDownloads = createReportDownloads({
    prisma: config.prisma,
    signingKeys: config.signingKeys,
    ...(config.accessToken ? { accessToken: config.accessToken } : {}),
    gatewaySecrets: [config.gatewaySecret],
    async execute(authorization, query, variables) {
      const observation: RequestObservation = { codes: [] };
      const correlationId = currentCorrelationId() ?? correlationIdFrom(undefined);
      const response = await apollo.executeOperation(
        { query, variables },
        {
          contextValue: authorization ? { authorization, correlationId, observation } : { correlationId, observation },
        },
      );
      if (response.body.kind !== "single") throw new Error("a download's operation answered incrementally");
      return response.body.singleResult as GraphQLResult;
    },
    async authorizationOf(req) {
      const credential = edgeCredentialOf(headerOf(req, "authorization"), headerOf(req, API_KEY_HEADER));
      if (credential.kind === "api-key") await identifyEdgeCredential(credential, edgeIdentity);
      return credential.kind === "none" ? undefined : credential.authorization;
    },
  });

  const adaptation: GraphQLRequestAdaptation = { settings, trustedDocuments, edgeIdentity };
  async function handleGraphQL(req: IncomingMessage, res: ServerResponse, context: GatewayExecutionContext) {
    const { httpGraphQLRequest, credential } = await adaptGraphQLRequest(req, adaptation);
    if (credential.kind !== "none") context.authorization = credential.authorization;
    const response = await apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest, context: async () => context });
    await writeHttpGraphQLResponse(res, response);
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? "/").split("?")[0];
    const correlationId = correlationIdFrom(headerOf(req, CORRELATION_HEADER));
    res.setHeader(CORRELATION_HEADER, correlationId);
    const observation: RequestObservation | undefined = path === GRAPHQL_PATH ? { codes: [] } : undefined;
    if (observation) res.setHeader("cache-control", "no-store");
    const startedAt = performance.now();
    await withCorrelationId(correlationId, async () => {
      try {
        if (observation) return await handleGraphQL(req, res, { correlationId, observation });
        if (await auth.handle(req, res)) return;
        if (await reportDownloads.handle(req, res)) return;
        if (await ops.handle(req, res)) return;
        sendJson(res, 404, { error: { code: "NOT_FOUND", message: "There is nothing at this path." } });
      } catch (error) {
        const code = sendRequestFailure(res, error, { logger, path });
        observation?.codes.push(code);
      } finally {
        if (observation) recordGraphQLRequest(metrics, observation, startedAt);
      }
    });
  }
  httpServer.on("request", (req, res) => {
    void handle(req, res);
  });

  const edge: GatewayEdge = {
    async identifyConnectionParams(params) {
      const credential = edgeCredentialOfConnectionParams(params);
      return {
        identity: await identifyEdgeCredential(credential, edgeIdentity),
        authorization: credential.kind === "none" ? undefined : credential.authorization,
      };
    },
    trustedDocuments,
    validationRules: protection.documentRules as ValidationRule[],
    maxTokens: settings.limits.maxTokens,
    metricsRegistry: registry,
  };
  const subscriptions = config.attachSubscriptions ? await config.attachSubscriptions(httpServer, edge) : undefined;

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
