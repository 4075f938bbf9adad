// The primary fetch of a subscription plan, run as a graphql-ws subscription on the owning subgraph
// with a signed connection_init; re-subscribes with capped, jittered backoff when the subgraph drops
// it, and says so, so the subscribers it feeds are never left silently waiting.
import type { Logger } from "@ms5/kit";
import { GATEWAY_WEBSOCKET_INIT_BODY, signGatewayRequest } from "@ms5/kit/subgraph";
import { type Client, CloseCode, createClient } from "graphql-ws";
import WebSocket from "ws";
import type { FederatedSubscriptionSettings } from "./subscription-defaults.ts";
import type { GatewayGraphQLResponse } from "./subscription-event-resolver.ts";

/** Why an upstream subscription ended for good. */
export interface UpstreamFailure {
  /** An ErrorCode of the API: SERVICE_UNAVAILABLE, UNAUTHENTICATED, FORBIDDEN or what the subgraph said. */
  code: string;
  message: string;
  /** The credential the refusing attempt connected with, when the subgraph refused it. */
  authorization?: string | undefined;
}

export interface UpstreamSubscriptionHandlers {
  /** One event of the primary fetch, as the subgraph sent it. */
  onEvent(event: GatewayGraphQLResponse): void;
  /** The subgraph dropped the subscription; another attempt follows in `retryInMs`. */
  onReconnecting(attempt: number, retryInMs: number, reason: string): void;
  /** A new connection was acknowledged after a drop; the subscription is sent again on it. */
  onResumed(): void;
  /** The subgraph completed the subscription. */
  onComplete(): void;
  /** Ended for good: retries exhausted or refused. */
  onFailure(failure: UpstreamFailure): void;
}

export interface UpstreamSubscriptionOptions {
  /** The subgraph's http(s):// URL; ws(s):// on the same URL serves graphql-ws. */
  subgraphUrl: string;
  operation: { query: string; operationName?: string; variables: Record<string, unknown> };
  /** Read at each (re)connection: the Authorization of a current subscriber. */
  authorization(): string | undefined;
  gatewaySecret: string;
  settings: FederatedSubscriptionSettings;
  logger: Logger;
  handlers: UpstreamSubscriptionHandlers;
  /** Counts the WebSockets open to the subgraph (the gateway_upstream_sockets gauge). */
  sockets?: { inc(): void; dec(): void };
}

export interface UpstreamSubscription {
  /** Completes the upstream subscription and closes its connection. */
  stop(): void;
}

type AttemptOutcome =
  | { kind: "complete" }
  | { kind: "stopped" }
  | { kind: "dropped"; acknowledged: boolean; reason: string }
  | { kind: "refused"; failure: UpstreamFailure };

function isCloseEvent(value: unknown): value is { code: number; reason: string } {
  return typeof value === "object" && value !== null && typeof (value as { code?: unknown }).code === "number";
}

function isFormattedErrors(value: unknown): value is { message: string; extensions?: Record<string, unknown> }[] {
  return Array.isArray(value) && value.every((error) => typeof error?.message === "string");
}

const REFUSING_CLOSE_CODES: ReadonlyMap<number, string> = new Map([
  [CloseCode.Unauthorized, "UNAUTHENTICATED"],
  [CloseCode.Forbidden, "FORBIDDEN"],
  [CloseCode.BadRequest, "INTERNAL_SERVER_ERROR"],
  [CloseCode.SubscriberAlreadyExists, "INTERNAL_SERVER_ERROR"],
  [CloseCode.BadResponse, "INTERNAL_SERVER_ERROR"],
]);

/** The wait before attempt `attempt` (1-based): doubled each time, capped, with up to 25% jitter below the cap. */
export function upstreamRetryDelayMs(attempt: number, settings: FederatedSubscriptionSettings): number {
  const exponential = settings.upstreamRetryInitialDelayMs * 2 ** Math.min(attempt - 1, 30);
  const capped = Math.min(settings.upstreamRetryMaxDelayMs, exponential);
  return Math.round(capped * (0.75 + Math.random() * 0.25));
}

export function startUpstreamSubscription(options: UpstreamSubscriptionOptions): UpstreamSubscription {
  const { settings, handlers, logger } = options;
  const url = options.subgraphUrl.replace(/^http/, "ws");
  let stopped = false;
  let stopCurrent: (() => void) | undefined;
  let wakeUp: (() => void) | undefined;

  function attempt(isRetry: boolean): Promise<AttemptOutcome> {
    return new Promise((resolve) => {
      let acknowledged = false;
      let settled = false;
      let usedAuthorization: string | undefined;
      let socketOpen = false;
      const client: Client = createClient({
        url,
        webSocketImpl: WebSocket,
        lazy: true,
        retryAttempts: 0,
        shouldRetry: () => false,
        connectionAckWaitTimeout: settings.upstreamConnectTimeoutMs,
        connectionParams: () => {
          const authorization = options.authorization();
          usedAuthorization = authorization;
          return {
            ...(authorization ? { authorization } : {}),
            ...signGatewayRequest({ secret: options.gatewaySecret, body: GATEWAY_WEBSOCKET_INIT_BODY, authorization }),
          };
        },
        on: {
          opened: () => {
            socketOpen = true;
            options.sockets?.inc();
          },
          // Also emitted for a socket that never opened (a refused TCP connect): counted only after `opened`.
          closed: () => {
            if (socketOpen) options.sockets?.dec();
            socketOpen = false;
          },
          connected: () => {
            acknowledged = true;
            if (isRetry) handlers.onResumed();
          },
        },
      });
      const settle = (outcome: AttemptOutcome) => {
        if (settled) return;
        settled = true;
        stopCurrent = undefined;
        void client.dispose();
        resolve(outcome);
      };
      const unsubscribe = client.subscribe<Record<string, unknown>>(options.operation, {
        next: (event) => handlers.onEvent(event as GatewayGraphQLResponse),
        complete: () => settle({ kind: "complete" }),
        error: (error: unknown) => {
          if (isCloseEvent(error)) {
            const refusedAs = REFUSING_CLOSE_CODES.get(error.code);
            if (refusedAs) {
              settle({
                kind: "refused",
                failure: {
                  code: refusedAs,
                  message: `The subgraph refused the subscription: ${error.reason}`,
                  authorization: usedAuthorization,
                },
              });
            } else {
              settle({ kind: "dropped", acknowledged, reason: `closed ${error.code} ${error.reason}`.trim() });
            }
          } else if (isFormattedErrors(error)) {
            const first = error[0];
            const code = typeof first?.extensions?.code === "string" ? first.extensions.code : "INTERNAL_SERVER_ERROR";
            settle({
              kind: "refused",
              failure: {
                code,
                message: first?.message ?? "The subgraph refused the subscription.",
                authorization: usedAuthorization,
              },
            });
          } else {
            const reason = error instanceof Error ? error.message : "connection error";
            settle({ kind: "dropped", acknowledged, reason });
          }
        },
      });
      stopCurrent = () => {
        unsubscribe();
        settle({ kind: "stopped" });
      };
    });
  }

  async function run() {
    let failedInARow = 0;
    let isRetry = false;
    while (!stopped) {
      const outcome = await attempt(isRetry);
      if (outcome.kind === "stopped" || stopped) return;
      if (outcome.kind === "complete") return handlers.onComplete();
      if (outcome.kind === "refused") return handlers.onFailure(outcome.failure);
      failedInARow = outcome.acknowledged ? 1 : failedInARow + 1;
      if (failedInARow > settings.upstreamRetryAttempts) {
        logger.warn({ url, reason: outcome.reason }, "gave up re-subscribing to a subgraph");
        return handlers.onFailure({
          code: "SERVICE_UNAVAILABLE",
          message: "The live feed is unavailable: its service did not come back in time. Subscribe again later.",
        });
      }
      const retryInMs = upstreamRetryDelayMs(failedInARow, settings);
      logger.info({ url, attempt: failedInARow, retryInMs, reason: outcome.reason }, "upstream subscription dropped");
      handlers.onReconnecting(failedInARow, retryInMs, outcome.reason);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, retryInMs);
        wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wakeUp = undefined;
      isRetry = true;
    }
  }

  run().catch((error: unknown) => {
    logger.error({ err: error, url }, "upstream subscription failed");
    handlers.onFailure({ code: "INTERNAL_SERVER_ERROR", message: "The live feed failed." });
  });

  return {
    stop() {
      if (stopped) return;
      stopped = true;
      stopCurrent?.();
      wakeUp?.();
    },
  };
}
