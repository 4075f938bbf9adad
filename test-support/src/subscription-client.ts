// A graphql-ws client of a gateway, signed in with an access token, as a browser or integrator opens one.
import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";

/** Connects on its first subscription and does not retry: a test sees a refused or dropped socket at once. */
export function gatewaySubscriptionClient(wsUrl: string, token: string): Client {
  return createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    connectionParams: { authorization: `Bearer ${token}` },
  });
}
