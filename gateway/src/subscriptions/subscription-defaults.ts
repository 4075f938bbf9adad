// The tunables of federated subscriptions, in one place with their defaults.

export interface FederatedSubscriptionSettings {
  /**
   * Path the graphql-ws server answers on (the HTTP endpoint's path too).
   * @default "/graphql"
   */
  path: string;
  /**
   * How long a client may take to send connection_init before it is closed with 4408.
   * @default 10_000
   */
  connectionInitWaitTimeoutMs: number;
  /**
   * Interval of the server's ws-level pings to clients; a client that misses one is cut.
   * @default 12_000
   */
  keepAliveMs: number;
  /**
   * Largest WebSocket message accepted from a client, in bytes.
   * @default 65_536
   */
  maxMessageBytes: number;
  /**
   * Plans kept in the per-operation plan cache (least recently used are dropped first).
   * @default 1_000
   */
  planCacheSize: number;
  /**
   * First wait before re-subscribing to a subgraph that dropped the upstream subscription; doubled
   * on each failed attempt up to `upstreamRetryMaxDelayMs`, with up to 25% jitter.
   * @default 250
   */
  upstreamRetryInitialDelayMs: number;
  /**
   * The cap of the wait between two attempts to re-subscribe upstream.
   * @default 5_000
   */
  upstreamRetryMaxDelayMs: number;
  /**
   * Failed attempts in a row after which subscribers get a final SERVICE_UNAVAILABLE error and a
   * complete. An attempt that reached the subgraph resets the count.
   * @default 8
   */
  upstreamRetryAttempts: number;
  /**
   * How long to wait for the subgraph's connection_ack before the attempt counts as failed.
   * @default 5_000
   */
  upstreamConnectTimeoutMs: number;
  /**
   * Timeout of one entity fetch (an HTTP POST to a subgraph) while resolving an event.
   * @default 10_000
   */
  entityFetchTimeoutMs: number;
  /**
   * Subscriptions one graphql-ws connection may hold at once; one more is refused with
   * TOO_MANY_SUBSCRIPTIONS (a screen of the web app holds a handful).
   * @default 50
   */
  maxSubscriptionsPerConnection: number;
  /**
   * Subscriptions one user or service account may hold at once over all its connections (tablets,
   * tabs); one more is refused with TOO_MANY_SUBSCRIPTIONS.
   * @default 200
   */
  maxSubscriptionsPerAccount: number;
  /**
   * How often the accounts behind open connections are read again: a deactivated account's
   * connections, and those whose token grants a role the account no longer holds, are closed
   * (4403 and 4401) within about this long.
   * @default 2_000
   */
  accountCheckIntervalMs: number;
}

export const FEDERATED_SUBSCRIPTION_DEFAULTS: Readonly<FederatedSubscriptionSettings> = Object.freeze({
  path: "/graphql",
  connectionInitWaitTimeoutMs: 10_000,
  keepAliveMs: 12_000,
  maxMessageBytes: 65_536,
  planCacheSize: 1_000,
  upstreamRetryInitialDelayMs: 250,
  upstreamRetryMaxDelayMs: 5_000,
  upstreamRetryAttempts: 8,
  upstreamConnectTimeoutMs: 5_000,
  entityFetchTimeoutMs: 10_000,
  maxSubscriptionsPerConnection: 50,
  maxSubscriptionsPerAccount: 200,
  accountCheckIntervalMs: 2_000,
});
