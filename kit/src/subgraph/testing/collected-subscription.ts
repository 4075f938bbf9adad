// A subscription on a subgraph's WebSocket endpoint, opened as the gateway opens it (bearer token plus
// the gateway's signature of the init payload), collecting what arrives for the test to wait on.
import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";
import { GATEWAY_WEBSOCKET_INIT_BODY, signGatewayRequest } from "../gateway-signature.ts";

export interface CollectedSubscription {
  client: Client;
  /** Each payload's data, in arrival order. */
  events: Record<string, unknown>[];
  /** GraphQL errors of payloads and errors of the subscription itself. */
  errors: unknown[];
}

export interface GatewaySignedSubscription {
  /** The subgraph's http(s) GraphQL URL; the WebSocket URL is derived from it. */
  url: string;
  token: string;
  gatewaySecret: string;
  query: string;
  variables?: Record<string, unknown>;
}

/** Opens one subscription on its own client (no retries); dispose `client` when done. */
export function subscribeAsGateway(options: GatewaySignedSubscription): CollectedSubscription {
  const authorization = `Bearer ${options.token}`;
  const client = createClient({
    url: options.url.replace(/^http/, "ws"),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: {
      authorization,
      ...signGatewayRequest({ secret: options.gatewaySecret, body: GATEWAY_WEBSOCKET_INIT_BODY, authorization }),
    },
  });
  const collected: CollectedSubscription = { client, events: [], errors: [] };
  client.subscribe(
    { query: options.query, ...(options.variables ? { variables: options.variables } : {}) },
    {
      next: (payload) => {
        if (payload.errors) collected.errors.push(...payload.errors);
        if (payload.data) collected.events.push(payload.data);
      },
      error: (error) => collected.errors.push(error),
      complete: () => {},
    },
  );
  return collected;
}
