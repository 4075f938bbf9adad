// The Prometheus series the gateway adds to the process metrics: GraphQL requests by transport,
// operation type and outcome with their latency, the error codes clients were sent, and the live
// side (graphql-ws connections, client subscriptions, the shared upstream subscriptions feeding them).
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** `refused`: never executed (limits, trusted documents, credentials, parse/validation); `error`: ran with errors. */
export type RequestOutcome = "success" | "error" | "refused";
export type OperationType = "query" | "mutation" | "subscription" | "unknown";

export interface GatewayMetrics {
  requests: Counter<"transport" | "operation_type" | "outcome">;
  errors: Counter<"transport" | "code">;
  requestDuration: Histogram<"operation_type" | "outcome">;
}

export interface SubscriptionMetrics {
  webSocketConnections: Gauge;
  /** WebSockets open from the gateway to subgraphs (one per upstream subscription while connected). */
  upstreamSockets: Gauge;
  subscriptionEvents: Counter;
  deliveries: Counter;
}

/** The series of one registry, made once: prom-client refuses a second metric of the same name. */
const byRegistry = new WeakMap<Registry, GatewayMetrics>();
const subscriptionsByRegistry = new WeakMap<Registry, SubscriptionMetrics>();

export function gatewayMetricsOf(registry: Registry): GatewayMetrics {
  let metrics = byRegistry.get(registry);
  if (!metrics) {
    metrics = {
      requests: new Counter({
        name: "gateway_graphql_requests_total",
        help: "GraphQL operations received, by transport (http, websocket), operation type and outcome.",
        labelNames: ["transport", "operation_type", "outcome"],
        registers: [registry],
      }),
      errors: new Counter({
        name: "gateway_graphql_errors_total",
        help: "Errors sent to clients, by transport and extensions.code.",
        labelNames: ["transport", "code"],
        registers: [registry],
      }),
      requestDuration: new Histogram({
        name: "gateway_graphql_request_duration_seconds",
        help: "GraphQL HTTP requests from arrival to the last byte of the response.",
        labelNames: ["operation_type", "outcome"],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers: [registry],
      }),
    };
    byRegistry.set(registry, metrics);
  }
  return metrics;
}

/**
 * The live side's series. Subscription and upstream counts are read from `counts` when Prometheus
 * scrapes, so nothing on the delivery path has to keep a gauge in step.
 */
export function subscriptionMetricsOf(
  registry: Registry,
  counts: { readonly subscriberCount: number; readonly upstreamCount: number },
): SubscriptionMetrics {
  let metrics = subscriptionsByRegistry.get(registry);
  if (metrics) return metrics;
  new Gauge({
    name: "gateway_subscriptions",
    help: "Client subscriptions open over graphql-ws.",
    registers: [registry],
    collect() {
      this.set(counts.subscriberCount);
    },
  });
  new Gauge({
    name: "gateway_upstream_subscriptions",
    help: "Subscriptions the gateway holds on subgraphs (one per shared operation, variables and scope).",
    registers: [registry],
    collect() {
      this.set(counts.upstreamCount);
    },
  });
  metrics = {
    webSocketConnections: new Gauge({
      name: "gateway_websocket_connections",
      help: "Open graphql-ws connections.",
      registers: [registry],
    }),
    upstreamSockets: new Gauge({
      name: "gateway_upstream_sockets",
      help: "WebSockets open from the gateway to subgraphs, feeding the upstream subscriptions.",
      registers: [registry],
    }),
    subscriptionEvents: new Counter({
      name: "gateway_subscription_events_total",
      help: "Events received from upstream subscriptions (each resolved once for all its subscribers).",
      registers: [registry],
    }),
    deliveries: new Counter({
      name: "gateway_subscription_deliveries_total",
      help: "Subscription messages written to client sockets.",
      registers: [registry],
    }),
  };
  subscriptionsByRegistry.set(registry, metrics);
  return metrics;
}
