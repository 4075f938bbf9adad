// The andon subgraph behind the real gateway (over the committed supergraph, with graphql-ws
// subscriptions attached), every server on a free port: for end-to-end tests and the benchmark.
import type { PrismaClient } from "@ms5/db";
import { type GatewayOverSubgraph, startGatewayOverSubgraph } from "@ms5/gateway/testing";
import type { Logger, RedisClient } from "@ms5/kit";
import type { SigningKeyRing } from "@ms5/kit/auth";
import { type AndonSubgraph, type AndonSubgraphOptions, createAndonSubgraph } from "../andon-subgraph.ts";

export const ANDON_GATEWAY_SECRET = "andon-end-to-end-gateway-secret-0123456789abcdef";

export type AndonGateway = GatewayOverSubgraph<AndonSubgraph>;

export type AndonGatewayOptions = Omit<
  AndonSubgraphOptions,
  "verificationKeys" | "gatewaySecret" | "port" | "production"
> & { prisma: PrismaClient; redis: RedisClient; logger: Logger; keys: SigningKeyRing };

export async function startAndonGateway(options: AndonGatewayOptions): Promise<AndonGateway> {
  const { keys, ...subgraphOptions } = options;
  const subgraph = await createAndonSubgraph({
    ...subgraphOptions,
    verificationKeys: keys,
    gatewaySecret: ANDON_GATEWAY_SECRET,
    port: 0,
    production: false,
  });
  return startGatewayOverSubgraph(subgraph, {
    name: "andon",
    gatewaySecret: ANDON_GATEWAY_SECRET,
    keys,
    prisma: options.prisma,
    redis: options.redis,
    logger: options.logger,
    ...(options.keyPrefix ? { keyPrefix: options.keyPrefix } : {}),
  });
}
