// graphql-ws on the same port and path as the HTTP endpoint: connection_init must carry the gateway's
// signature and the caller's Authorization (graphql-ws frames have no headers), else the socket is
// closed with 4401 before any operation can start.
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import type { GraphQLError, GraphQLSchema } from "graphql";
import { CloseCode } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import { type WebSocket, WebSocketServer } from "ws";
import { AuthError } from "../auth/auth-error.ts";
import type { RequestIdentity } from "../auth/request-identity.ts";
import { CORRELATION_HEADER, type Logger } from "../logger.ts";
import { logUnexpectedErrors, toClientError } from "./api-errors.ts";
import {
  GATEWAY_NONCE_HEADER,
  GATEWAY_SIGNATURE_HEADER,
  GATEWAY_TIMESTAMP_HEADER,
  GATEWAY_WEBSOCKET_INIT_BODY,
  GatewayNonceLedger,
  gatewaySignatureRefusal,
} from "./gateway-signature.ts";
import { correlationIdFrom, type SubgraphContext } from "./subgraph-context.ts";
import type { SubgraphServerSettings } from "./subgraph-defaults.ts";
import type { SubgraphMetrics } from "./subgraph-metrics.ts";

export interface SubscriptionEndpointOptions {
  httpServer: Server;
  path: string;
  schema: GraphQLSchema;
  settings: SubgraphServerSettings;
  gatewaySecrets: readonly string[];
  identify(authorization: string | undefined): Promise<RequestIdentity>;
  createContext(identity: RequestIdentity, correlationId: string): SubgraphContext;
  hideInternalDetail: boolean;
  metrics: SubgraphMetrics;
  logger: Logger;
}

interface AdmittedConnection {
  identity: RequestIdentity;
  correlationId: string;
}

/** A close reason is at most 123 bytes. */
function closeReason(message: string): string {
  return Buffer.byteLength(message) <= 123 ? message : `${message.slice(0, 100)}...`;
}

function stringParam(params: Readonly<Record<string, unknown>>, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = params[name];
    if (typeof value === "string") return value;
  }
  return undefined;
}

export function startSubscriptionEndpoint(options: SubscriptionEndpointOptions) {
  const { settings, metrics, logger } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: settings.maxWebSocketMessageBytes });
  const admitted = new WeakMap<WebSocket, AdmittedConnection>();
  let accepting = true;

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    const path = (req.url ?? "/").split("?")[0];
    if (!accepting || path !== options.path) {
      socket.end(`HTTP/1.1 ${accepting ? "404 Not Found" : "503 Service Unavailable"}\r\nconnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
  }
  options.httpServer.on("upgrade", onUpgrade);
  wss.on("connection", (ws) => {
    metrics.webSocketConnections.inc();
    ws.once("close", () => metrics.webSocketConnections.dec());
  });

  const nonces = new GatewayNonceLedger();

  function refuse(socket: WebSocket, reason: string, message: string): false {
    metrics.refusedRequests.inc({ transport: "websocket", reason });
    logger.warn({ reason }, "refused a graphql-ws connection");
    // Closing first makes graphql-ws's own 4403 a no-op: the peer sees 4401 with our reason.
    socket.close(CloseCode.Unauthorized, closeReason(message));
    return false;
  }

  const server = useServer<Record<string, unknown>, { socket: WebSocket; request: IncomingMessage }>(
    {
      schema: options.schema,
      connectionInitWaitTimeout: settings.connectionInitWaitTimeoutMs,
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const authorization = stringParam(params, "authorization", "Authorization");
        const refusal = gatewaySignatureRefusal({
          secrets: options.gatewaySecrets,
          body: GATEWAY_WEBSOCKET_INIT_BODY,
          authorization,
          timestamp: stringParam(params, GATEWAY_TIMESTAMP_HEADER),
          nonce: stringParam(params, GATEWAY_NONCE_HEADER),
          signature: stringParam(params, GATEWAY_SIGNATURE_HEADER),
          toleranceSeconds: settings.gatewaySignatureToleranceSeconds,
          nonces,
        });
        if (refusal) return refuse(ctx.extra.socket, refusal, "Subgraphs answer only the gateway.");
        let identity: RequestIdentity;
        try {
          identity = await options.identify(authorization);
        } catch (error) {
          if (error instanceof AuthError) return refuse(ctx.extra.socket, error.reason, error.message);
          logger.error({ err: error }, "could not verify the caller's credential");
          ctx.extra.socket.close(CloseCode.InternalServerError, "The credential cannot be checked now.");
          return false;
        }
        const correlationId = correlationIdFrom(stringParam(params, CORRELATION_HEADER));
        admitted.set(ctx.extra.socket, { identity, correlationId });
        return true;
      },
      context: (ctx) => {
        const connection = admitted.get(ctx.extra.socket);
        // graphql-ws only runs operations on acknowledged connections, and only onConnect acknowledges.
        if (!connection) throw new Error("operation on a connection that was not admitted");
        return options.createContext(connection.identity, connection.correlationId);
      },
      onNext: (_ctx, _id, _payload, args, result) => {
        const context = args.contextValue as SubgraphContext;
        // The context lives as long as the subscription: the next event must not read this one's cache.
        context.loaders.clearAll();
        if (!result.errors) return;
        logUnexpectedErrors(result.errors, context.logger);
        return {
          ...result,
          errors: result.errors.map((error) =>
            toClientError(error.toJSON(), { hideInternalDetail: options.hideInternalDetail }),
          ),
        };
      },
      onError: (_ctx, _id, _payload, errors: readonly GraphQLError[]) => {
        logUnexpectedErrors(errors, logger);
        return errors.map((error) => toClientError(error.toJSON(), { hideInternalDetail: options.hideInternalDetail }));
      },
    },
    wss,
    settings.webSocketKeepAliveMs,
  );

  return {
    /**
     * Stops new connections, closes open ones with 1001 (going away) so clients reconnect elsewhere,
     * and waits for them to go; sockets still open after `graceMs` are cut.
     */
    async close(graceMs: number): Promise<void> {
      accepting = false;
      const clients = [...wss.clients];
      const cut = setTimeout(() => {
        for (const client of clients) client.terminate();
      }, graceMs);
      try {
        await server.dispose();
      } finally {
        clearTimeout(cut);
      }
    },
  };
}
