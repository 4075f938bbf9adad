// The gateway's graphql-ws endpoint: authenticates connection_init, plans each subscription through
// federation (cached per operation) and feeds it from a shared upstream subscription on the owning
// subgraph, resolving the other subgraphs' fields once per event.
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { createMetricsRegistry, type Logger } from "@ms5/kit";
import {
  ANONYMOUS_IDENTITY,
  AuthError,
  identifyRequest,
  type RequestIdentity,
  type VerificationKeys,
} from "@ms5/kit/auth";
import { type DocumentNode, type ExecutionArgs, GraphQLError, getVariableValues, Kind } from "graphql";
import { CloseCode } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import { type WebSocket, WebSocketServer } from "ws";
import { edgeCredentialOfConnectionParams } from "../edge-credentials.ts";
import type { GatewayEdge } from "../gateway.ts";
import { gatewayMetricsOf, subscriptionMetricsOf } from "../gateway-metrics.ts";
import { resolveTrustedDocument, type TrustedDocumentPolicy } from "../trusted-documents.ts";
import { SharedSubscriptions, type Subscriber } from "./shared-subscriptions.ts";
import { FEDERATED_SUBSCRIPTION_DEFAULTS, type FederatedSubscriptionSettings } from "./subscription-defaults.ts";
import { SubscriptionEventResolver } from "./subscription-event-resolver.ts";
import { type SubscriptionPlan, SubscriptionPlanner } from "./subscription-planner.ts";
import { FrameWriter, serverTextFrame } from "./websocket-frames.ts";

export interface FederatedSubscriptionsOptions {
  /** The composed supergraph (schema/supergraph.graphql). */
  supergraphSdl: string;
  /** Every subgraph of the supergraph and its http(s) URL; graphql-ws is served on the same URL. */
  subgraphs: readonly { name: string; url: string }[];
  /** SUBGRAPH_GATEWAY_SECRET: signs connection_init and entity fetches. */
  gatewaySecret: string;
  /** Keys that verify the access tokens sent in connection_init. */
  verificationKeys: VerificationKeys;
  logger: Logger;
  /** Overrides of FEDERATED_SUBSCRIPTION_DEFAULTS. */
  settings?: Partial<FederatedSubscriptionSettings>;
  /** Verifies API keys too (`Bearer ms5_...`); without it only access tokens are accepted. */
  identify?: (authorization: string) => Promise<RequestIdentity>;
  /**
   * The HTTP endpoint's rules (createGateway hands them to `attachSubscriptions`): credentials in
   * every form with API keys verified, trusted documents, operation limits and the metrics
   * registry. Without it: access tokens only (or `identify`), no document ids, no operation limits
   * beyond validation, metrics in a registry of their own.
   */
  edge?: GatewayEdge;
}

export interface FederatedSubscriptions {
  /** Upstream subscriptions open now (one per distinct operation, variables and scope). */
  readonly upstreamCount: number;
  /** Client subscriptions fed by those upstreams. */
  readonly subscriberCount: number;
  /** Plans built so far (cache misses). */
  readonly plansBuilt: number;
  /** Closes every client connection (1001), every upstream subscription, and stops accepting. */
  close(): Promise<void>;
}

interface AdmittedConnection {
  identity: Exclude<RequestIdentity, { kind: "anonymous" }>;
  authorization: string;
}

/** What onSubscribe hands to `subscribe` through the execution context. */
interface PreparedSubscription {
  open(): AsyncGenerator<never, undefined, undefined>;
}

function closeReason(message: string): string {
  return Buffer.byteLength(message) <= 123 ? message : `${message.slice(0, 100)}...`;
}

/** JSON with object keys sorted, so equal variables give equal keys. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** Distinct permission lists seen; beyond this many, identities keep their own Sets. */
const MAX_SHARED_PERMISSION_SETS = 1_000;

/**
 * Identities with one Set per distinct permission list, and that list's sorted key: thousands of
 * connections of a few roles then hold a handful of Sets instead of one each.
 */
class PermissionSets {
  private readonly byKey = new Map<string, ReadonlySet<string>>();
  private readonly keys = new WeakMap<ReadonlySet<string>, string>();

  share<T extends { permissions: ReadonlySet<string> }>(identity: T): T {
    const key = this.keyOf(identity.permissions);
    const shared = this.byKey.get(key);
    if (shared) return { ...identity, permissions: shared };
    if (this.byKey.size < MAX_SHARED_PERMISSION_SETS) this.byKey.set(key, identity.permissions);
    return identity;
  }

  keyOf(permissions: ReadonlySet<string>): string {
    let key = this.keys.get(permissions);
    if (key === undefined) {
      key = [...permissions].sort().join(",");
      this.keys.set(permissions, key);
    }
    return key;
  }
}

/** Who may share an upstream: the same permissions, and the same caller for user-scoped fields. */
function authorisationScope(
  identity: AdmittedConnection["identity"],
  plan: SubscriptionPlan,
  settings: FederatedSubscriptionSettings,
  permissionSets: PermissionSets,
): string {
  const permissions = permissionSets.keyOf(identity.permissions);
  const userScoped = plan.rootFields.some((field) => settings.userScopedFields.includes(field));
  if (!userScoped) return `permissions:${permissions}`;
  const who = identity.kind === "user" ? `user:${identity.userId}` : `service:${identity.serviceAccountId}`;
  return `${who};permissions:${permissions}`;
}

/**
 * The `next` frame of the payload being broadcast, encoded once per subscription id: a shared
 * upstream's broadcast hands every subscriber the same payload string, and clients mostly reuse the
 * same few ids, so thousands of sockets get the same bytes without each send encoding them again.
 * Holds only the newest payload's frames.
 */
const nextFrames = {
  payload: undefined as string | undefined,
  byPrefix: new Map<string, Buffer>(),
  of(prefix: string, payloadJson: string): Buffer {
    if (payloadJson !== this.payload) {
      this.payload = payloadJson;
      this.byPrefix = new Map();
    }
    let frame = this.byPrefix.get(prefix);
    if (!frame) {
      frame = serverTextFrame(`${prefix}${payloadJson}}`);
      this.byPrefix.set(prefix, frame);
    }
    return frame;
  },
};

/**
 * A stream graphql-ws holds for one client subscription. It yields nothing: results are written to
 * the socket pre-serialised by the shared subscription; it finishes when the shared one ends, and
 * returning it (client `complete` or disconnect) leaves the shared subscription.
 */
function subscriberStream(
  join: (subscriber: Subscriber) => () => void,
  frames: FrameWriter,
  socket: WebSocket,
  id: string,
  authorization: string,
): AsyncGenerator<never, undefined, undefined> {
  const prefix = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
  let finished = false;
  let wake: ((result: IteratorResult<never, undefined>) => void) | undefined;
  const finish = () => {
    finished = true;
    wake?.({ value: undefined, done: true });
    wake = undefined;
  };
  const leave = join({
    authorization,
    deliver: (payloadJson) => {
      if (!finished) frames.write(socket, nextFrames.of(prefix, payloadJson));
    },
    end: finish,
  });
  const stream: AsyncGenerator<never, undefined, undefined> = {
    next: () =>
      finished
        ? Promise.resolve({ value: undefined, done: true })
        : new Promise((resolve) => {
            wake = resolve;
          }),
    return: async () => {
      if (!finished) {
        leave();
        finish();
      }
      return { value: undefined, done: true };
    },
    throw: async (error: unknown) => {
      await stream.return(undefined);
      throw error;
    },
    [Symbol.asyncIterator]: () => stream,
  };
  return stream;
}

export function attachFederatedSubscriptions(
  httpServer: Server,
  options: FederatedSubscriptionsOptions,
): FederatedSubscriptions {
  const settings: FederatedSubscriptionSettings = { ...FEDERATED_SUBSCRIPTION_DEFAULTS, ...options.settings };
  const logger = options.logger.child({ component: "subscriptions" });
  const planner = new SubscriptionPlanner(
    options.supergraphSdl,
    settings.planCacheSize,
    options.edge ? { validationRules: options.edge.validationRules, maxTokens: options.edge.maxTokens } : undefined,
  );
  const trustedDocuments: TrustedDocumentPolicy = options.edge?.trustedDocuments ?? { mode: "off" };
  const resolver = new SubscriptionEventResolver({
    planner,
    subgraphs: options.subgraphs,
    gatewaySecret: options.gatewaySecret,
    entityFetchTimeoutMs: settings.entityFetchTimeoutMs,
    logger,
  });
  const registry = options.edge?.metricsRegistry ?? createMetricsRegistry("gateway");
  const metrics = subscriptionMetricsOf(registry, {
    get subscriberCount() {
      return shared.subscriberCount;
    },
    get upstreamCount() {
      return shared.size;
    },
  });
  const { requests, errors: errorCount } = gatewayMetricsOf(registry);
  const shared = new SharedSubscriptions({
    metrics,
    resolver,
    subgraphUrls: new Map(options.subgraphs.map((subgraph) => [subgraph.name, subgraph.url])),
    gatewaySecret: options.gatewaySecret,
    settings,
    logger,
  });
  const identifyByAuthorization =
    options.identify ??
    ((authorization: string) => identifyRequest(authorization, { verificationKeys: options.verificationKeys }));
  const identifyConnection =
    options.edge?.identifyConnectionParams ??
    (async (params: Readonly<Record<string, unknown>>) => {
      const credential = edgeCredentialOfConnectionParams(params);
      if (credential.kind === "none") return { identity: ANONYMOUS_IDENTITY, authorization: undefined };
      return {
        identity: await identifyByAuthorization(credential.authorization),
        authorization: credential.authorization,
      };
    });
  const admitted = new WeakMap<WebSocket, AdmittedConnection>();
  const permissionSets = new PermissionSets();
  // Without permessage-deflate: broadcasts write pre-encoded frames beside ws (websocket-frames.ts).
  const wss = new WebSocketServer({ noServer: true, maxPayload: settings.maxMessageBytes, perMessageDeflate: false });
  const frames = new FrameWriter();
  wss.on("connection", (socket) => {
    metrics.webSocketConnections.inc();
    socket.once("close", () => metrics.webSocketConnections.dec());
  });
  /** An onSubscribe refusal, counted. */
  const refuseSubscription = (errors: readonly GraphQLError[]): readonly GraphQLError[] => {
    requests.inc({ transport: "websocket", operation_type: "subscription", outcome: "refused" });
    for (const error of errors) errorCount.inc({ transport: "websocket", code: String(error.extensions.code) });
    return errors;
  };
  let accepting = true;

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== settings.path) return;
    if (!accepting) {
      socket.end("HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\n\r\n");
      return;
    }
    wss.handleUpgrade(
      req,
      socket,
      head,
      frames.recording(socket, (ws) => wss.emit("connection", ws, req)),
    );
  }
  httpServer.on("upgrade", onUpgrade);

  function refuse(socket: WebSocket, code: number, message: string): false {
    // Closing first makes graphql-ws's own 4403 a no-op: the client sees this code and reason.
    socket.close(code, closeReason(message));
    return false;
  }

  const server = useServer<Record<string, unknown>, { socket: WebSocket; request: IncomingMessage }>(
    {
      schema: planner.apiGraphQLSchema,
      connectionInitWaitTimeout: settings.connectionInitWaitTimeoutMs,
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        let identity: RequestIdentity;
        let authorization: string | undefined;
        try {
          ({ identity, authorization } = await identifyConnection(params));
        } catch (error) {
          if (error instanceof AuthError) {
            const code = error.code === "FORBIDDEN" ? CloseCode.Forbidden : CloseCode.Unauthorized;
            logger.info({ reason: error.reason }, "refused a graphql-ws connection");
            return refuse(ctx.extra.socket, code, error.message);
          }
          logger.error({ err: error }, "could not verify a graphql-ws credential");
          ctx.extra.socket.close(CloseCode.InternalServerError, "The credential cannot be checked now.");
          return false;
        }
        if (identity.kind === "anonymous" || authorization === undefined) {
          return refuse(
            ctx.extra.socket,
            CloseCode.Unauthorized,
            'Send { authorization: "Bearer <access token or API key>" } in connection_init.',
          );
        }
        if (identity.permissions.size === 0) {
          return refuse(ctx.extra.socket, CloseCode.Forbidden, "This account may not read anything.");
        }
        admitted.set(ctx.extra.socket, { identity: permissionSets.share(identity), authorization });
        return true;
      },
      onSubscribe: (ctx, _id, payload) => {
        const connection = admitted.get(ctx.extra.socket);
        // graphql-ws runs onSubscribe only on acknowledged connections, and only onConnect acknowledges.
        if (!connection) {
          return refuseSubscription([new GraphQLError("Not admitted.", { extensions: { code: "UNAUTHENTICATED" } })]);
        }
        const document = resolveTrustedDocument(
          trustedDocuments,
          payload as typeof payload & { documentId?: unknown },
          connection.identity.kind === "service",
        );
        if (document.kind === "refused") {
          return refuseSubscription([new GraphQLError(document.message, { extensions: { code: document.code } })]);
        }
        const query = document.query;
        const outcome = planner.planOf(query, payload.operationName ?? undefined);
        if ("errors" in outcome) return refuseSubscription(outcome.errors);
        const { plan } = outcome;
        const coerced = getVariableValues(
          planner.apiGraphQLSchema,
          plan.operationContext.operation.variableDefinitions ?? [],
          payload.variables ?? {},
        );
        if (coerced.errors) {
          return refuseSubscription(
            coerced.errors.map((error) => new GraphQLError(error.message, { extensions: { code: "BAD_USER_INPUT" } })),
          );
        }
        requests.inc({ transport: "websocket", operation_type: "subscription", outcome: "success" });
        // Forwarded as sent: coerced values may be internal (enum values), not what a subgraph parses.
        const variables = payload.variables ?? {};
        const key = canonicalJson([
          query,
          payload.operationName ?? null,
          variables,
          authorisationScope(connection.identity, plan, settings, permissionSets),
        ]);
        const prepared: PreparedSubscription = {
          open: () =>
            subscriberStream(
              (subscriber) => shared.join({ key, plan, variables }, subscriber),
              frames,
              ctx.extra.socket,
              _id,
              connection.authorization,
            ),
        };
        const executable: DocumentNode = {
          kind: Kind.DOCUMENT,
          definitions: [plan.operationContext.operation, ...Object.values(plan.operationContext.fragments)],
        };
        const args: ExecutionArgs = {
          schema: planner.apiGraphQLSchema,
          document: executable,
          variableValues: variables,
          contextValue: prepared,
        };
        return args;
      },
      subscribe: (args) => (args.contextValue as PreparedSubscription).open(),
      // Only subscriptions are planned; onSubscribe refuses the rest before execution.
      execute: () => {
        throw new Error("queries and mutations are served over HTTP");
      },
    },
    wss,
    settings.keepAliveMs,
  );

  return {
    get upstreamCount() {
      return shared.size;
    },
    get subscriberCount() {
      return shared.subscriberCount;
    },
    get plansBuilt() {
      return planner.plansBuilt;
    },
    async close() {
      accepting = false;
      httpServer.off("upgrade", onUpgrade);
      shared.stopAll();
      await server.dispose();
    },
  };
}
