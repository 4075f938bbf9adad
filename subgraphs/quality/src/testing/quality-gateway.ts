// The quality subgraph behind the real gateway (over the committed supergraph, with graphql-ws
// subscriptions attached), every server on a free port: for end-to-end tests and the benchmark.
import { readFile } from "node:fs/promises";
import type { PrismaClient } from "@ms5/db";
import { attachFederatedSubscriptions, createGateway, type Gateway, subgraphEndpointsOf } from "@ms5/gateway";
import type { Logger, RedisClient } from "@ms5/kit";
import type { SigningKeyRing } from "@ms5/kit/auth";
import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";
import { createQualitySubgraph, type QualitySubgraph, type QualitySubgraphOptions } from "../quality-subgraph.ts";

const SUPERGRAPH_URL = new URL("../../../../schema/supergraph.graphql", import.meta.url);
export const QUALITY_GATEWAY_SECRET = "quality-end-to-end-gateway-secret-0123456789abcdef";

export interface QualityGateway {
  subgraph: QualitySubgraph;
  gateway: Gateway;
  /** The gateway's /graphql URL (http). */
  url: string;
  /** The same path over WebSocket (graphql-transport-ws). */
  wsUrl: string;
  close(): Promise<void>;
}

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
  try {
    const supergraphSdl = await readFile(SUPERGRAPH_URL, "utf8");
    const subgraphUrls = { quality: subgraph.server.url };
    const gateway = await createGateway({
      supergraphSdl,
      subgraphUrls,
      gatewaySecret: QUALITY_GATEWAY_SECRET,
      signingKeys: keys,
      prisma: options.prisma,
      redis: options.redis,
      logger: options.logger,
      production: false,
      auth: { keyPrefix: options.keyPrefix ?? "ms5:" },
      attachSubscriptions: (httpServer) =>
        attachFederatedSubscriptions(httpServer, {
          supergraphSdl,
          subgraphs: subgraphEndpointsOf(supergraphSdl, subgraphUrls),
          gatewaySecret: QUALITY_GATEWAY_SECRET,
          verificationKeys: keys,
          logger: options.logger,
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

/** A graphql-ws client of the gateway signed in with `token`. */
export function gatewaySubscriptionClient(wsUrl: string, token: string): Client {
  return createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${token}` },
  });
}
