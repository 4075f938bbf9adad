// Every tunable of the subgraph kit in one place. `startSubgraphServer` takes a partial override;
// services pass the values they read from the environment (subgraph-environment.ts).

/** The subgraphs of the plant API, each a folder under subgraphs/. */
export const SUBGRAPH_NAMES = ["production", "quality", "andon", "reporting"] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

/** The Federation 2 spec every subgraph links; one version for all, so composition sees one. */
export const FEDERATION_LINK_URL = "https://specs.apollo.dev/federation/v2.9";

export interface SubgraphServerSettings {
  /**
   * Interface the server listens on. Subgraphs answer only the gateway, so loopback unless the
   * gateway runs on another host. @default "127.0.0.1"
   */
  host: string;
  /** Largest request body read from the gateway; a larger one is refused with 413. @default 1048576 (1 MiB) */
  bodyLimitBytes: number;
  /**
   * How far a gateway signature's timestamp may be from this host's clock, either way. Small, so a
   * captured request cannot be replayed later; large enough for clocks that disagree a little.
   * @default 30
   */
  gatewaySignatureToleranceSeconds: number;
  /** The whole request (headers and body) must arrive within this time (Node's requestTimeout). @default 30000 */
  requestTimeoutMs: number;
  /** The headers must arrive within this time (Node's headersTimeout); slow-loris defence. @default 10000 */
  headersTimeoutMs: number;
  /**
   * An idle keep-alive connection from the gateway is closed after this. Longer than the gateway's
   * agent keeps sockets, so the server never closes one the gateway is about to reuse. @default 65000
   */
  keepAliveTimeoutMs: number;
  /** A graphql-ws connection must send connection_init within this time or is closed (4408). @default 3000 */
  connectionInitWaitTimeoutMs: number;
  /** Largest graphql-ws message accepted; a larger one closes the socket (1009). @default 1048576 (1 MiB) */
  maxWebSocketMessageBytes: number;
  /** Interval of the server's WebSocket pings; a peer that does not pong within it is dropped. @default 12000 */
  webSocketKeepAliveMs: number;
  /**
   * On close: how long in-flight HTTP requests and open subscriptions get to finish before their
   * connections are cut. @default 10000
   */
  shutdownGracePeriodMs: number;
}

export const SUBGRAPH_SERVER_DEFAULTS: Readonly<SubgraphServerSettings> = Object.freeze({
  host: "127.0.0.1",
  bodyLimitBytes: 1024 * 1024,
  gatewaySignatureToleranceSeconds: 30,
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 65_000,
  connectionInitWaitTimeoutMs: 3_000,
  maxWebSocketMessageBytes: 1024 * 1024,
  webSocketKeepAliveMs: 12_000,
  shutdownGracePeriodMs: 10_000,
});

/** Each subgraph's port when its `<NAME>_SUBGRAPH_PORT` is unset; the gateway is 4000, the bridge's ops port 4100. */
export const SUBGRAPH_DEFAULT_PORTS: Readonly<Record<SubgraphName, number>> = Object.freeze({
  production: 4001,
  quality: 4002,
  andon: 4003,
  reporting: 4004,
});
