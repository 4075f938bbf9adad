// The Prometheus series a subgraph adds to the process metrics: requests by outcome, refusals at
// the door (unsigned, bad credentials, too large) and open subscription sockets.
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

export interface SubgraphMetrics {
  httpRequestDuration: Histogram<"status">;
  refusedRequests: Counter<"transport" | "reason">;
  webSocketConnections: Gauge;
}

export function createSubgraphMetrics(registry: Registry): SubgraphMetrics {
  return {
    httpRequestDuration: new Histogram({
      name: "subgraph_http_request_duration_seconds",
      help: "GraphQL HTTP requests from arrival to the last byte of the response, by status.",
      labelNames: ["status"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    refusedRequests: new Counter({
      name: "subgraph_refused_requests_total",
      help: "Requests and graphql-ws connections refused before execution, by transport and reason.",
      labelNames: ["transport", "reason"],
      registers: [registry],
    }),
    webSocketConnections: new Gauge({
      name: "subgraph_websocket_connections",
      help: "Open graphql-ws connections.",
      registers: [registry],
    }),
  };
}
