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
import {
  type AccountStandings,
  apiKeyPrefixOf,
  type LapsedStanding,
  lapsedApiKeyOf,
  lapsedStandingOf,
} from "./account-standing.ts";
import { SharedSubscriptions, type Subscriber } from "./shared-subscriptions.ts";
import { FEDERATED_SUBSCRIPTION_DEFAULTS, type FederatedSubscriptionSettings } from "./subscription-defaults.ts";
import { SubscriptionEventResolver } from "./subscription-event-resolver.ts";
import { type SubscriptionPlan, SubscriptionPlanner } from "./subscription-planner.ts";
import { dependsOnViewer } from "./subscription-sharing.ts";
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
  /**
   * Reads people's accounts and API keys as they stand now (accountStandingsOf(prisma)): a connection
   * is refused, or closed within `accountCheckIntervalMs`, once its person is deactivated (4403) or
   * has lost a role its token grants (4401), or once its API key is revoked or its service account
   * deactivated (4403), or the key expired or lost a scope (4401). Without it a connection lasts as
   * long as its token, and an API key's as long as the socket.
   */
  accountStandings?: AccountStandings;
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
  /** Tells connections apart in the sharing key of operations no one declared shareable. */
  id: number;
  socket: WebSocket;
  identity: Exclude<RequestIdentity, { kind: "anonymous" }>;
  authorization: string;
  /** When the credential lapses (ms since the epoch); Infinity for an API key. */
  expiresAt: number;
  /** "user:<id>" or "service:<id>": whose subscriptions the per-account cap counts. */
  account: string;
  /** Client subscriptions open (or being opened) on this connection. */
  subscriptions: number;
  closed: boolean;
  expiryTimer?: ReturnType<typeof setTimeout>;
}

/** setTimeout's largest delay; a later expiry is re-armed when this one fires. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * When an access token lapses, from its `exp` claim (identifyConnection has verified its signature);
 * Infinity for an API key, whose lifetime the gateway checks at each connection instead.
 */
export function credentialExpiresAt(authorization: string): number {
  const token = authorization.replace(/^Bearer\s+/i, "");
  const parts = token.split(".");
  if (parts.length !== 3) return Number.POSITIVE_INFINITY;
  try {
    const claims = JSON.parse(Buffer.from(parts[1] ?? "", "base64url").toString("utf8")) as { exp?: unknown };
    return typeof claims.exp === "number" ? claims.exp * 1000 : Number.POSITIVE_INFINITY;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
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

/**
 * Who may share an upstream: the same permissions always; the same caller when a field the operation
 * selects depends on who asks; the same connection when a root field's scope was never declared.
 */
function authorisationScope(
  connection: AdmittedConnection,
  plan: SubscriptionPlan,
  variableValues: Record<string, unknown>,
  permissionSets: PermissionSets,
): string {
  const permissions = `permissions:${permissionSets.keyOf(connection.identity.permissions)}`;
  const { sharing } = plan;
  if (sharing.kind === "connection") return `connection:${connection.id};${permissions}`;
  if (dependsOnViewer(sharing, variableValues)) return `${connection.account};${permissions}`;
  return permissions;
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
  connection: Pick<AdmittedConnection, "authorization" | "expiresAt">,
  release: () => void,
): AsyncGenerator<never, undefined, undefined> {
  const prefix = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
  let finished = false;
  let wake: ((result: IteratorResult<never, undefined>) => void) | undefined;
  const finish = () => {
    if (!finished) release();
    finished = true;
    wake?.({ value: undefined, done: true });
    wake = undefined;
  };
  let leave: () => void;
  try {
    leave = join({
      authorization: connection.authorization,
      expiresAt: connection.expiresAt,
      deliver: (payloadJson) => {
        if (!finished) frames.write(socket, nextFrames.of(prefix, payloadJson));
      },
      end: finish,
    });
  } catch (error) {
    finish();
    throw error;
  }
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
  const admitted = new Map<WebSocket, AdmittedConnection>();
  /** Client subscriptions held per account over all its connections (the per-account cap). */
  const subscriptionsByAccount = new Map<string, number>();
  let nextConnectionId = 1;
  const permissionSets = new PermissionSets();

  const changeAccountCount = (account: string, delta: number) => {
    const count = (subscriptionsByAccount.get(account) ?? 0) + delta;
    if (count > 0) subscriptionsByAccount.set(account, count);
    else subscriptionsByAccount.delete(account);
  };

  /** Forgets a closed connection; its subscriptions no longer count against its account. */
  const forget = (connection: AdmittedConnection) => {
    if (connection.closed) return;
    connection.closed = true;
    clearTimeout(connection.expiryTimer);
    admitted.delete(connection.socket);
    changeAccountCount(connection.account, -connection.subscriptions);
    connection.subscriptions = 0;
  };

  /** Closes a connection whose credential lapsed; the client reconnects with a fresh one. */
  const endConnection = (connection: AdmittedConnection, code: number, reason: string) => {
    logger.info({ account: connection.account, code, reason }, "ended a graphql-ws connection");
    forget(connection);
    connection.socket.close(code, closeReason(reason));
  };

  const armExpiry = (connection: AdmittedConnection) => {
    if (!Number.isFinite(connection.expiresAt)) return;
    const inMs = connection.expiresAt - Date.now();
    if (inMs <= 0) {
      endConnection(connection, CloseCode.Unauthorized, "The access token expired: reconnect with a fresh one.");
      return;
    }
    connection.expiryTimer = setTimeout(() => armExpiry(connection), Math.min(inMs, MAX_TIMER_MS));
    connection.expiryTimer.unref?.();
  };

  /**
   * Closes the connections of people deactivated or demoted, and of API keys revoked, expired or
   * narrowed, since they connected.
   */
  let checkingAccounts = false;
  const checkAccounts = async () => {
    const standings = options.accountStandings;
    if (!standings || checkingAccounts) return;
    const people = new Map<string, AdmittedConnection[]>();
    const keys = new Map<string, AdmittedConnection[]>();
    for (const connection of admitted.values()) {
      const group =
        connection.identity.kind === "user"
          ? { map: people, id: connection.identity.userId }
          : { map: keys, id: apiKeyPrefixOf(connection.authorization) };
      // A service's access token lapses at its expiry (armExpiry); only keys are read here.
      if (group.id === undefined) continue;
      const list = group.map.get(group.id);
      if (list) list.push(connection);
      else group.map.set(group.id, [connection]);
    }
    if (people.size === 0 && keys.size === 0) return;
    checkingAccounts = true;
    const endLapsed = (
      connections: AdmittedConnection[],
      lapsedOf: (connection: AdmittedConnection) => LapsedStanding,
    ) => {
      for (const connection of connections) {
        if (connection.closed) continue;
        const lapsed = lapsedOf(connection);
        if (lapsed) endConnection(connection, lapsed.code, lapsed.reason);
      }
    };
    try {
      const [users, apiKeys] = await Promise.all([
        people.size > 0 ? standings.users([...people.keys()]) : new Map(),
        keys.size > 0 ? standings.apiKeys([...keys.keys()]) : new Map(),
      ]);
      for (const [userId, connections] of people) {
        endLapsed(connections, (connection) =>
          connection.identity.kind === "user"
            ? lapsedStandingOf(connection.identity.roles, users.get(userId))
            : undefined,
        );
      }
      const now = new Date();
      for (const [prefix, connections] of keys) {
        endLapsed(connections, (connection) =>
          lapsedApiKeyOf(connection.identity.permissions, apiKeys.get(prefix), now),
        );
      }
    } catch (error) {
      logger.error({ err: error }, "could not read the accounts of open graphql-ws connections");
    } finally {
      checkingAccounts = false;
    }
  };
  const accountCheckTimer = options.accountStandings
    ? setInterval(() => void checkAccounts(), settings.accountCheckIntervalMs)
    : undefined;
  accountCheckTimer?.unref?.();
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
        if (identity.kind === "user" && options.accountStandings) {
          let lapsed: ReturnType<typeof lapsedStandingOf>;
          try {
            lapsed = lapsedStandingOf(
              identity.roles,
              (await options.accountStandings.users([identity.userId])).get(identity.userId),
            );
          } catch (error) {
            logger.error({ err: error }, "could not read the account of a graphql-ws connection");
            ctx.extra.socket.close(CloseCode.InternalServerError, "The account cannot be checked now.");
            return false;
          }
          if (lapsed) return refuse(ctx.extra.socket, lapsed.code, lapsed.reason);
        }
        const socket = ctx.extra.socket;
        if (socket.readyState !== socket.OPEN) return false;
        const connection: AdmittedConnection = {
          id: nextConnectionId++,
          socket,
          identity: permissionSets.share(identity),
          authorization,
          expiresAt: credentialExpiresAt(authorization),
          account: identity.kind === "user" ? `user:${identity.userId}` : `service:${identity.serviceAccountId}`,
          subscriptions: 0,
          closed: false,
        };
        admitted.set(socket, connection);
        socket.once("close", () => forget(connection));
        armExpiry(connection);
        return !connection.closed;
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
        const declared = new Set(
          (plan.operationContext.operation.variableDefinitions ?? []).map(
            (definition) => definition.variable.name.value,
          ),
        );
        const undeclared = Object.keys(payload.variables ?? {}).filter((name) => !declared.has(name));
        if (undeclared.length > 0) {
          return refuseSubscription([
            new GraphQLError(
              `The operation does not declare ${undeclared.map((name) => `$${name}`).join(", ")}: send only the variables it declares.`,
              { extensions: { code: "BAD_USER_INPUT" } },
            ),
          ]);
        }
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
        if (connection.subscriptions >= settings.maxSubscriptionsPerConnection) {
          return refuseSubscription([
            new GraphQLError(
              `This connection holds ${settings.maxSubscriptionsPerConnection} subscriptions, as many as allowed: complete one first.`,
              { extensions: { code: "TOO_MANY_SUBSCRIPTIONS" } },
            ),
          ]);
        }
        if ((subscriptionsByAccount.get(connection.account) ?? 0) >= settings.maxSubscriptionsPerAccount) {
          return refuseSubscription([
            new GraphQLError(
              `This account holds ${settings.maxSubscriptionsPerAccount} subscriptions over its connections, as many as allowed: complete one first.`,
              { extensions: { code: "TOO_MANY_SUBSCRIPTIONS" } },
            ),
          ]);
        }
        requests.inc({ transport: "websocket", operation_type: "subscription", outcome: "success" });
        // Forwarded as sent: coerced values may be internal (enum values), not what a subgraph parses.
        const variables = payload.variables ?? {};
        const key = canonicalJson([
          query,
          payload.operationName ?? null,
          variables,
          authorisationScope(connection, plan, coerced.coerced, permissionSets),
        ]);
        // Counted from here, so concurrent subscribes cannot all pass the caps; released when the stream ends.
        connection.subscriptions++;
        changeAccountCount(connection.account, 1);
        let released = false;
        const release = () => {
          if (released) return;
          released = true;
          if (connection.closed) return;
          connection.subscriptions--;
          changeAccountCount(connection.account, -1);
        };
        const prepared: PreparedSubscription = {
          open: () =>
            subscriberStream(
              (subscriber) => shared.join({ key, plan, variables }, subscriber),
              frames,
              ctx.extra.socket,
              _id,
              connection,
              release,
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
      clearInterval(accountCheckTimer);
      for (const connection of admitted.values()) clearTimeout(connection.expiryTimer);
      httpServer.off("upgrade", onUpgrade);
      shared.stopAll();
      await server.dispose();
    },
  };
}
