// The back half of the floor for end-to-end tests and the benchmark: the production subgraph (with
// its telemetry consumer and live events) and the real gateway over the committed supergraph, with
// graphql-ws subscriptions attached, every server on a free port.
import type { PrismaClient } from "@ms5/db";
import type { FederatedSubscriptionSettings } from "@ms5/gateway";
import { type GatewayOverSubgraph, startGatewayOverSubgraph } from "@ms5/gateway/testing";
import type { Logger, RedisClient, StreamConsumerSettings } from "@ms5/kit";
import { issueAccessToken, type SigningKeyRing } from "@ms5/kit/auth";
import { createProductionSubgraph, type ProductionSubgraph } from "@ms5/production/subgraph";
import type { Role } from "@ms5/schema";

export const FLOOR_GATEWAY_SECRET = "end-to-end-gateway-secret-0123456789abcdefghijklmnop";

export type FloorGateway = GatewayOverSubgraph<ProductionSubgraph>;

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
  return startGatewayOverSubgraph(subgraph, {
    name: "production",
    gatewaySecret: FLOOR_GATEWAY_SECRET,
    keys: options.keys,
    prisma: options.prisma,
    redis: options.redis,
    logger: options.logger,
    keyPrefix: options.keyPrefix,
    ...(options.subscriptionSettings ? { subscriptionSettings: options.subscriptionSettings } : {}),
  });
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
