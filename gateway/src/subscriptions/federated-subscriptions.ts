// The gateway's graphql-ws endpoint: authenticates connection_init, plans each subscription through
// federation (cached per operation) and feeds it from a shared upstream subscription on the owning
// subgraph, resolving the other subgraphs' fields once per event.
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "@ms5/kit";
import { AuthError, identifyRequest, type RequestIdentity, type VerificationKeys } from "@ms5/kit/auth";
import { type DocumentNode, type ExecutionArgs, GraphQLError, getVariableValues, Kind } from "graphql";
import { CloseCode } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import { type WebSocket, WebSocketServer } from "ws";
import { SharedSubscriptions, type Subscriber } from "./shared-subscriptions.ts";
import { FEDERATED_SUBSCRIPTION_DEFAULTS, type FederatedSubscriptionSettings } from "./subscription-defaults.ts";
import { SubscriptionEventResolver } from "./subscription-event-resolver.ts";
import { type SubscriptionPlan, SubscriptionPlanner } from "./subscription-planner.ts";

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

/** Who may share an upstream: the same permissions, and the same caller for user-scoped fields. */
function authorisationScope(
  identity: AdmittedConnection["identity"],
  plan: SubscriptionPlan,
  settings: FederatedSubscriptionSettings,
): string {
  const permissions = [...identity.permissions].sort().join(",");
  const userScoped = plan.rootFields.some((field) => settings.userScopedFields.includes(field));
  if (!userScoped) return `permissions:${permissions}`;
  const who = identity.kind === "user" ? `user:${identity.userId}` : `service:${identity.serviceAccountId}`;
  return `${who};permissions:${permissions}`;
}

/**
 * A stream graphql-ws holds for one client subscription. It yields nothing: results are written to
 * the socket pre-serialised by the shared subscription; it finishes when the shared one ends, and
 * returning it (client `complete` or disconnect) leaves the shared subscription.
 */
function subscriberStream(
  join: (subscriber: Subscriber) => () => void,
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
      if (!finished && socket.readyState === socket.OPEN) socket.send(`${prefix}${payloadJson}}`);
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
  const planner = new SubscriptionPlanner(options.supergraphSdl, settings.planCacheSize);
  const resolver = new SubscriptionEventResolver({
    planner,
    subgraphs: options.subgraphs,
    gatewaySecret: options.gatewaySecret,
    entityFetchTimeoutMs: settings.entityFetchTimeoutMs,
    logger,
  });
  const shared = new SharedSubscriptions({
    resolver,
    subgraphUrls: new Map(options.subgraphs.map((subgraph) => [subgraph.name, subgraph.url])),
    gatewaySecret: options.gatewaySecret,
    settings,
    logger,
  });
  const identify =
    options.identify ??
    ((authorization: string) => identifyRequest(authorization, { verificationKeys: options.verificationKeys }));
  const admitted = new WeakMap<WebSocket, AdmittedConnection>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: settings.maxMessageBytes });
  let accepting = true;

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== settings.path) return;
    if (!accepting) {
      socket.end("HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
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
        const authorization = params.authorization ?? params.Authorization;
        if (typeof authorization !== "string" || authorization.trim() === "") {
          return refuse(
            ctx.extra.socket,
            CloseCode.Unauthorized,
            'Send { authorization: "Bearer ..." } in connection_init.',
          );
        }
        let identity: RequestIdentity;
        try {
          identity = await identify(authorization);
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
        if (identity.kind === "anonymous") {
          return refuse(ctx.extra.socket, CloseCode.Unauthorized, "Sign in to subscribe.");
        }
        if (identity.permissions.size === 0) {
          return refuse(ctx.extra.socket, CloseCode.Forbidden, "This account may not read anything.");
        }
        admitted.set(ctx.extra.socket, { identity, authorization });
        return true;
      },
      onSubscribe: (ctx, _id, payload) => {
        const connection = admitted.get(ctx.extra.socket);
        // graphql-ws runs onSubscribe only on acknowledged connections, and only onConnect acknowledges.
        if (!connection) return [new GraphQLError("Not admitted.", { extensions: { code: "UNAUTHENTICATED" } })];
        const outcome = planner.planOf(payload.query, payload.operationName ?? undefined);
        if ("errors" in outcome) return outcome.errors;
        const { plan } = outcome;
        const coerced = getVariableValues(
          planner.apiGraphQLSchema,
          plan.operationContext.operation.variableDefinitions ?? [],
          payload.variables ?? {},
        );
        if (coerced.errors) {
          return coerced.errors.map(
            (error) => new GraphQLError(error.message, { extensions: { code: "BAD_USER_INPUT" } }),
          );
        }
        // Forwarded as sent: coerced values may be internal (enum values), not what a subgraph parses.
        const variables = payload.variables ?? {};
        const key = canonicalJson([
          payload.query,
          payload.operationName ?? null,
          variables,
          authorisationScope(connection.identity, plan, settings),
        ]);
        const prepared: PreparedSubscription = {
          open: () =>
            subscriberStream(
              (subscriber) => shared.join({ key, plan, variables }, subscriber),
              ctx.extra.socket,
              _id,
              connection.authorization,
            ),
        };
        const document: DocumentNode = {
          kind: Kind.DOCUMENT,
          definitions: [plan.operationContext.operation, ...Object.values(plan.operationContext.fragments)],
        };
        const args: ExecutionArgs = {
          schema: planner.apiGraphQLSchema,
          document,
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
