// The one urql client: queries and mutations over HTTP through the app's same-origin /api/graphql,
// subscriptions over graphql-ws straight to the gateway. The socket asks for a fresh access token on
// every (re)connect and is retried forever with capped, jittered backoff; its state feeds the banner.
// A renewed token re-authenticates the socket (a reconnect: the gateway ends a connection when its
// token lapses), and a feed the server ends (an error or complete frame) is subscribed again.
// Every operation is sent as its document id from the persisted-documents manifest (codegen), never
// as text, so the gateway can run the app with trusted documents enforced.
import { Client, cacheExchange, fetchExchange, makeOperation, mapExchange, subscriptionExchange } from "@urql/core";
import { createClient as createWsClient } from "graphql-ws";
import { sessionStore } from "@/lib/auth/session-store";
import { connectionStatus } from "@/lib/live/connection-status";

export const LIVE_DEFAULTS = {
  /** First reconnect delay. @default 500 */
  retryInitialMs: 500,
  /** Cap of the reconnect delay. @default 10000 */
  retryMaxMs: 10_000,
  /** Ping interval; a silently dead socket is noticed within about twice this. @default 5000 */
  keepAliveMs: 5_000,
  /** The socket stays open this long after the last subscription ends (screen changes). @default 5000 */
  lazyCloseTimeoutMs: 5_000,
};

function backoffMs(retries: number): number {
  const cap = Math.min(LIVE_DEFAULTS.retryMaxMs, LIVE_DEFAULTS.retryInitialMs * 2 ** retries);
  return cap / 2 + Math.random() * (cap / 2);
}

function isCloseEvent(error: unknown): error is { code: number; reason: string } {
  return typeof error === "object" && error !== null && "code" in error && "reason" in error;
}

/** Codes of a feed's final error that a new subscription can outlast (a restart, a renewed token). */
const PASSING_ERROR_CODES = new Set(["SERVICE_UNAVAILABLE", "UNAUTHENTICATED", "INTERNAL_SERVER_ERROR"]);

function codesOf(error: unknown): string[] {
  if (!Array.isArray(error)) return [];
  return error.map((item) => String((item as { extensions?: { code?: unknown } })?.extensions?.code ?? ""));
}

export interface FloorClient {
  client: Client;
  /** Drops the socket so the next connection authenticates as whoever is signed in now. */
  restartLive(): void;
}

export function createFloorClient(webSocketUrl: string): FloorClient {
  /** The access token the current socket authenticated with. */
  let connectedWith: string | null = null;
  const ws = createWsClient({
    url: webSocketUrl,
    // Connects when a screen subscribes (after sign-in), not before.
    lazy: true,
    lazyCloseTimeout: LIVE_DEFAULTS.lazyCloseTimeoutMs,
    keepAlive: LIVE_DEFAULTS.keepAliveMs,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, backoffMs(retries))),
    connectionParams: async () => {
      const token = await sessionStore.accessToken();
      connectedWith = token;
      return token ? { authorization: `Bearer ${token}` } : {};
    },
    on: {
      connecting: () => connectionStatus.socketConnecting(),
      connected: () => connectionStatus.socketConnected(),
      closed: (event) => {
        connectedWith = null;
        connectionStatus.socketClosed();
        // 4401: the token lapsed or the account's roles changed; the next connection needs a new one.
        if (isCloseEvent(event) && event.code === 4401) void sessionStore.renew().catch(() => undefined);
      },
    },
  });
  // The gateway ends a connection when its token lapses: reconnect as soon as a renewed one exists,
  // so feeds carry on under the new token (graphql-ws subscribes its active operations again).
  if (typeof window !== "undefined") {
    sessionStore.subscribe(() => {
      const state = sessionStore.snapshot();
      if (state.status === "signed-in" && connectedWith !== null && state.session.accessToken !== connectedWith) {
        connectedWith = null;
        ws.terminate();
      }
    });
  }

  const client = new Client({
    url: "/api/graphql",
    preferGetMethod: false,
    requestPolicy: "cache-and-network",
    fetch: async (input, init) => {
      const token = await sessionStore.accessToken();
      const headers = new Headers(init?.headers);
      if (token) headers.set("authorization", `Bearer ${token}`);
      return fetch(input, { ...init, headers });
    },
    exchanges: [
      cacheExchange,
      mapExchange({
        onOperation(operation) {
          const hash = (operation.query as { __meta__?: { hash?: string } }).__meta__?.hash;
          if (!hash || operation.kind === "teardown") return operation;
          // With extensions.persistedQuery set, urql leaves the query text out of the body.
          return makeOperation(
            operation.kind,
            {
              ...operation,
              extensions: {
                ...operation.extensions,
                persistedQuery: { version: 1, sha256Hash: hash.replace(/^sha256:/, "") },
              },
            },
            operation.context,
          );
        },
      }),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query || "" };
          return {
            subscribe(sink) {
              // graphql-ws gives up on some close codes (4401 when a token expired mid-connection,
              // 4500), and the gateway ends a feed with an error or complete frame when its
              // upstream gives up: the screen's subscription is then started again after a backoff,
              // on a new connection with a renewed token, instead of going silently dead.
              let stopped = false;
              let attempt = 0;
              let dispose: () => void = () => undefined;
              let timer: ReturnType<typeof setTimeout> | undefined;
              const again = () => {
                timer = setTimeout(() => !stopped && start(), backoffMs(attempt++));
              };
              const start = () => {
                dispose = ws.subscribe<Record<string, unknown>, Record<string, unknown>>(input, {
                  next: (value) => {
                    attempt = 0;
                    sink.next(value as Parameters<typeof sink.next>[0]);
                  },
                  // The client's own unsubscribe sets `stopped` first: any other complete is the server's.
                  complete: () => {
                    if (!stopped) again();
                  },
                  error: (error) => {
                    if (stopped) return;
                    if (isCloseEvent(error) || error instanceof Event || error instanceof Error) {
                      connectionStatus.socketClosed();
                      again();
                      return;
                    }
                    if (codesOf(error).some((code) => PASSING_ERROR_CODES.has(code))) {
                      if (codesOf(error).includes("UNAUTHENTICATED")) void sessionStore.renew().catch(() => undefined);
                      again();
                      return;
                    }
                    sink.error(error);
                  },
                });
              };
              start();
              return {
                unsubscribe() {
                  stopped = true;
                  clearTimeout(timer);
                  dispose();
                },
              };
            },
          };
        },
      }),
    ],
  });

  return { client, restartLive: () => ws.terminate() };
}
