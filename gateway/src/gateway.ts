// The gateway as one factory: createGateway builds and starts Apollo Gateway over a static supergraph,
// Apollo Server on Node's own http server at /graphql, the auth endpoints, /health and /metrics, and
// the request defences (it opens a port and uses the Redis and database it is given, so it is no pure
// function). The binary (server.ts) and the tests call the same createGateway.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloGateway } from "@apollo/gateway";
import { ApolloServer, type ApolloServerPlugin, HeaderMap } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from "@apollo/server/plugin/disabled";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
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
  AuthError,
  type CredentialSettings,
  createLoginRateLimiter,
  identifyRequest,
  type RefreshTokenSettings,
  type RequestIdentity,
  type SigningKeyRing,
  type SlidingWindowLimit,
  VerifiedAccessTokens,
} from "@ms5/kit/auth";
import { correlationIdFrom, logUnexpectedErrors, writeHttpGraphQLResponse } from "@ms5/kit/subgraph";
import type { ErrorCode } from "@ms5/schema";
import type { ValidationRule } from "graphql";
import { createAuthEndpoints } from "./auth-endpoints.ts";
import {
  API_KEY_HEADER,
  type EdgeCredential,
  type EdgeIdentityOptions,
  edgeCredentialOf,
  edgeCredentialOfConnectionParams,
  identifyEdgeCredential,
  isServiceIdentity,
} from "./edge-credentials.ts";
import { type GatewaySettings, gatewaySettingsOf, type OperationLimits } from "./gateway-defaults.ts";
import { formatGatewayError } from "./gateway-errors.ts";
import { gatewayMetricsOf, type OperationType, type RequestOutcome } from "./gateway-metrics.ts";
import { HttpRefusal, headerOf, readCappedBody, sendJson } from "./http-json.ts";
import { listBoundsOf } from "./list-pricing.ts";
import { OPERATION_LIMIT_CODE, operationLimitProtection, tokenLimitRefusal } from "./operation-limits.ts";
import { createReportDownloads, type GraphQLResult } from "./report-downloads.ts";
import { type GatewayRequestContext, SignedSubgraphDataSource } from "./signed-subgraph-data-source.ts";
import {
  resolveTrustedDocument,
  type TrustedDocumentOutcome,
  type TrustedDocumentPolicy,
  type TrustedDocumentRequest,
  type TrustedDocuments,
} from "./trusted-documents.ts";

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

type ApolloHttpRequest = ReturnType<typeof apolloRequestOf>;

/**
 * The GraphQL parameters of a JSON body or of a GET's query string; undefined for what Apollo refuses
 * by itself (a batched array, a CSRF simple request's text, no body).
 */
function graphQLParamsOf(request: ApolloHttpRequest): TrustedDocumentRequest | undefined {
  if (request.method === "GET") {
    const params = new URLSearchParams(request.search);
    let extensions: unknown;
    try {
      extensions = JSON.parse(params.get("extensions") ?? "null") ?? undefined;
    } catch {
      extensions = undefined;
    }
    return { query: params.get("query") ?? undefined, documentId: params.get("documentId") ?? undefined, extensions };
  }
  const body = request.body;
  return body !== null && typeof body === "object" && !Array.isArray(body)
    ? (body as TrustedDocumentRequest)
    : undefined;
}

/** The request with the document to run in place of a document id, for Apollo (which knows no ids). */
function withDocument(
  request: ApolloHttpRequest,
  outcome: Extract<TrustedDocumentOutcome, { kind: "run" }>,
): ApolloHttpRequest {
  if (request.method === "GET") {
    const params = new URLSearchParams(request.search);
    params.set("query", outcome.query);
    params.delete("documentId");
    if (outcome.extensions) params.set("extensions", JSON.stringify(outcome.extensions));
    else params.delete("extensions");
    return { ...request, search: `?${params}` };
  }
  const { documentId: _documentId, extensions: _extensions, ...rest } = request.body as Record<string, unknown>;
  return {
    ...request,
    body: { ...rest, query: outcome.query, ...(outcome.extensions ? { extensions: outcome.extensions } : {}) },
  };
}

/** What one /graphql request turned out to be, for the metrics. */
interface RequestObservation {
  operationType?: OperationType;
  /** `extensions.code` of every error sent. */
  codes: string[];
  /** Whether execution started: a response with a `data` entry (GraphQL's request errors have none). */
  executed?: boolean;
}

interface GatewayExecutionContext extends GatewayRequestContext {
  observation: RequestObservation;
}

/** A refusal of a /graphql request before execution, in the GraphQL response shape. */
class GraphQLRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly reason?: string,
  ) {
    super(message);
  }

  static fromAuthError(error: AuthError): GraphQLRefusal {
    return new GraphQLRefusal(error.code === "FORBIDDEN" ? 403 : 401, error.code, error.message, error.reason);
  }
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

  const gateway = new ApolloGateway({
    supergraphSdl: config.supergraphSdl,
    buildService: ({ name, url }) =>
      new SignedSubgraphDataSource({
        name,
        url: config.subgraphUrls?.[name] ?? url ?? "",
        gatewaySecret: config.gatewaySecret,
        timeoutMs: settings.subgraphTimeoutMs,
      }),
    logger: logger.child({ component: "apollo-gateway" }),
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

  const observing: ApolloServerPlugin<GatewayExecutionContext> = {
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
  const protection = operationLimitProtection(settings.limits, {
    production,
    listBounds: listBoundsOf(config.supergraphSdl),
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
      observing,
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

  /** Whether the caller behind `credential` is a verified service account (may send any document). */
  async function isServiceCaller(credential: EdgeCredential, verifiedApiKey: boolean): Promise<boolean> {
    if (verifiedApiKey) return true;
    if (credential.kind !== "token") return false;
    // Only asked in enforce mode for a document outside the manifest: a person's token is refused
    // either way, so verifying it here costs nothing on the trusted path.
    const { verificationKeys, verifiedAccessTokens } = edgeIdentity;
    return isServiceIdentity(
      await identifyRequest(credential.authorization, { verificationKeys, verifiedAccessTokens }),
    );
  }

  async function handleGraphQL(
    req: IncomingMessage,
    res: ServerResponse,
    correlationId: string,
    observation: RequestObservation,
  ) {
    if (req.method !== "POST" && req.method !== "GET") {
      throw new HttpRefusal(405, "BAD_USER_INPUT", "Send GraphQL requests with POST (or GET for queries).", {
        allow: "GET, POST",
      });
    }
    const raw = req.method === "POST" ? await readCappedBody(req, settings.bodyLimitBytes) : undefined;
    let httpGraphQLRequest = apolloRequestOf(req, raw);

    const credential = edgeCredentialOf(headerOf(req, "authorization"), headerOf(req, API_KEY_HEADER));
    // API keys are verified here so a revoked or expired one is refused before anything is planned.
    let verifiedApiKey = false;
    if (credential.kind === "api-key") {
      await identifyEdgeCredential(credential, edgeIdentity);
      verifiedApiKey = true;
    }

    const params = graphQLParamsOf(httpGraphQLRequest);
    if (params) {
      let outcome = resolveTrustedDocument(trustedDocuments, params, verifiedApiKey);
      if (
        outcome.kind === "refused" &&
        outcome.code === "PERSISTED_QUERY_NOT_FOUND" &&
        trustedDocuments.mode === "enforce" &&
        (await isServiceCaller(credential, verifiedApiKey))
      ) {
        outcome = resolveTrustedDocument(trustedDocuments, params, true);
      }
      if (outcome.kind === "refused") throw new GraphQLRefusal(400, outcome.code, outcome.message);
      httpGraphQLRequest = withDocument(httpGraphQLRequest, outcome);
      const tooManyTokens = tokenLimitRefusal(outcome.query, settings.limits.maxTokens);
      if (tooManyTokens) throw new GraphQLRefusal(400, OPERATION_LIMIT_CODE, tooManyTokens.message);
    }
    const context: GatewayExecutionContext =
      credential.kind === "none"
        ? { correlationId, observation }
        : { authorization: credential.authorization, correlationId, observation };
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest,
      context: async () => context,
    });
    await writeHttpGraphQLResponse(res, response);
  }

  function recordGraphQLRequest(observation: RequestObservation, startedAt: number) {
    const operationType = observation.operationType ?? "unknown";
    const outcome: RequestOutcome =
      observation.codes.length === 0 ? "success" : observation.executed ? "error" : "refused";
    metrics.requests.inc({ transport: "http", operation_type: operationType, outcome });
    for (const code of observation.codes) metrics.errors.inc({ transport: "http", code });
    metrics.requestDuration.observe({ operation_type: operationType, outcome }, (performance.now() - startedAt) / 1000);
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
        if (observation) return await handleGraphQL(req, res, correlationId, observation);
        if (await auth.handle(req, res)) return;
        if (await reportDownloads.handle(req, res)) return;
        if (await ops.handle(req, res)) return;
        sendJson(res, 404, { error: { code: "NOT_FOUND", message: "There is nothing at this path." } });
      } catch (error) {
        const refusal = error instanceof AuthError ? GraphQLRefusal.fromAuthError(error) : error;
        if (refusal instanceof GraphQLRefusal) {
          observation?.codes.push(refusal.code);
          const reason = refusal.reason ? { reason: refusal.reason } : {};
          sendJson(res, refusal.status, {
            errors: [{ message: refusal.message, extensions: { code: refusal.code, ...reason } }],
          });
          return;
        }
        if (error instanceof HttpRefusal) {
          observation?.codes.push(error.code);
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
        observation?.codes.push("INTERNAL_SERVER_ERROR");
        if (!res.destroyed) {
          sendJson(res, 500, {
            errors: [{ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } }],
          });
        }
      } finally {
        if (observation) recordGraphQLRequest(observation, startedAt);
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
