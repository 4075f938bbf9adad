// The quality subgraph behind the real gateway (over the committed supergraph, with graphql-ws
// subscriptions attached), every server on a free port: for end-to-end tests and the benchmark.
import type { PrismaClient } from "@ms5/db";
import { type GatewayOverSubgraph, startGatewayOverSubgraph } from "@ms5/gateway/testing";
import type { Logger, RedisClient } from "@ms5/kit";
import type { SigningKeyRing } from "@ms5/kit/auth";
import { createQualitySubgraph, type QualitySubgraph, type QualitySubgraphOptions } from "../quality-subgraph.ts";

export const QUALITY_GATEWAY_SECRET = "quality-end-to-end-gateway-secret-0123456789abcdef";

export type QualityGateway = GatewayOverSubgraph<QualitySubgraph>;

export type QualityGatewayOptions = Omit<
  QualitySubgraphOptions,
  "verificationKeys" | "gatewaySecret" | "port" | "production"
> & {
  prisma: PrismaClient;
  redis: RedisClient;
  logger: Logger;
  keys: SigningKeyRing;
};

export async function startQualityGateway(options: QualityGatewayOptions): Promise<QualityGateway> {
  const { keys, ...subgraphOptions } = options;
  const subgraph = await createQualitySubgraph({
    ...subgraphOptions,
    verificationKeys: keys,
    gatewaySecret: QUALITY_GATEWAY_SECRET,
    port: 0,
    production: false,
  });
  return startGatewayOverSubgraph(subgraph, {
    name: "quality",
    gatewaySecret: QUALITY_GATEWAY_SECRET,
    keys,
    prisma: options.prisma,
    redis: options.redis,
    logger: options.logger,
    ...(options.keyPrefix ? { keyPrefix: options.keyPrefix } : {}),
  });
}
