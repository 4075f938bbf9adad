// The back half of the floor for end-to-end tests and the benchmark: the production subgraph (with
// its telemetry consumer and live events) and the real gateway over the committed supergraph, with
// graphql-ws subscriptions attached, every server on a free port.
import { readFile } from "node:fs/promises";
import type { PrismaClient } from "@ms5/db";
import {
  attachFederatedSubscriptions,
  createGateway,
  type FederatedSubscriptionSettings,
  type Gateway,
  subgraphEndpointsOf,
} from "@ms5/gateway";
import type { Logger, RedisClient, StreamConsumerSettings } from "@ms5/kit";
import { issueAccessToken, type SigningKeyRing } from "@ms5/kit/auth";
import type { Role } from "@ms5/schema";
import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";
import { createProductionSubgraph, type ProductionSubgraph } from "../production-subgraph.ts";

const SUPERGRAPH_URL = new URL("../../../../schema/supergraph.graphql", import.meta.url);
export const FLOOR_GATEWAY_SECRET = "end-to-end-gateway-secret-0123456789abcdefghijklmnop";

export interface FloorGateway {
  subgraph: ProductionSubgraph;
  gateway: Gateway;
  /** The gateway's /graphql URL (http). */
  url: string;
  /** The same path over WebSocket (graphql-transport-ws). */
  wsUrl: string;
  close(): Promise<void>;
}

export interface FloorGatewayOptions {
  prisma: PrismaClient;
  redis: RedisClient;
  logger: Logger;
  keys: SigningKeyRing;
  /** Stream and live-event prefix shared with the bridge. */
  keyPrefix: string;
  consumerName: string;
  consumerSettings?: Partial<StreamConsumerSettings>;
  /** The gateway's subscription settings (the benchmark's one account holds a plant's subscribers). */
  subscriptionSettings?: Partial<FederatedSubscriptionSettings>;
}

export async function startFloorGateway(options: FloorGatewayOptions): Promise<FloorGateway> {
  const subgraph = await createProductionSubgraph({
    prisma: options.prisma,
    redis: options.redis,
    logger: options.logger,
    verificationKeys: options.keys,
    gatewaySecret: FLOOR_GATEWAY_SECRET,
    port: 0,
    production: false,
    telemetry: {
      consumerName: options.consumerName,
      keyPrefix: options.keyPrefix,
      settings: { blockMs: 200, ...options.consumerSettings },
    },
  });
  try {
    const supergraphSdl = await readFile(SUPERGRAPH_URL, "utf8");
    const subgraphUrls = { production: subgraph.server.url };
    const gateway = await createGateway({
      supergraphSdl,
      subgraphUrls,
      gatewaySecret: FLOOR_GATEWAY_SECRET,
      signingKeys: options.keys,
      prisma: options.prisma,
      redis: options.redis,
      logger: options.logger,
      production: false,
      auth: { keyPrefix: options.keyPrefix },
      attachSubscriptions: (httpServer) =>
        attachFederatedSubscriptions(httpServer, {
          supergraphSdl,
          subgraphs: subgraphEndpointsOf(supergraphSdl, subgraphUrls),
          gatewaySecret: FLOOR_GATEWAY_SECRET,
          verificationKeys: options.keys,
          logger: options.logger,
          ...(options.subscriptionSettings ? { settings: options.subscriptionSettings } : {}),
        }),
    });
    const { url } = await gateway.listen(0, "127.0.0.1");
    return {
      subgraph,
      gateway,
      url,
      wsUrl: url.replace(/^http/, "ws"),
      async close() {
        await gateway.close();
        await subgraph.close();
      },
    };
  } catch (error) {
    await subgraph.close();
    throw error;
  }
}

/** An access token for a seeded user, as the gateway's sign-in would issue it. */
export async function floorToken(
  keys: SigningKeyRing,
  prisma: PrismaClient,
  username: string,
  roles: Role[],
): Promise<string> {
  const user = await prisma.user.findUniqueOrThrow({ where: { username } });
  const name = `${user.firstName} ${user.lastName}`;
  return (await issueAccessToken(keys, { kind: "user", userId: user.id, name, roles })).token;
}

/** A graphql-ws client of the gateway signed in with `token`. */
export function gatewaySubscriptionClient(wsUrl: string, token: string): Client {
  return createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    connectionParams: { authorization: `Bearer ${token}` },
  });
}

export interface GraphQLResponseBody<Data = Record<string, unknown>> {
  data?: Data | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** A query or mutation over HTTP through the gateway, as a browser or integrator sends it. */
export async function gatewayCall<Data = Record<string, unknown>>(
  url: string,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLResponseBody<Data>> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLResponseBody<Data>;
}
