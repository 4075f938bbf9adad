// A subgraph started by a test (or a benchmark) behind the real gateway over the committed
// supergraph, with graphql-ws subscriptions attached, on a free port: the one way every package's
// end-to-end tests put the gateway in front of their service.
import { readFile } from "node:fs/promises";
import type { PrismaClient } from "@ms5/db";
import type { Logger, RedisClient } from "@ms5/kit";
import type { SigningKeyRing } from "@ms5/kit/auth";
import { createGateway, type Gateway, subgraphEndpointsOf } from "../gateway.ts";
import { attachFederatedSubscriptions, type FederatedSubscriptionSettings } from "../subscriptions/index.ts";

const SUPERGRAPH_URL = new URL("../../../schema/supergraph.graphql", import.meta.url);

/** A subgraph the test started: its URL and how to close it. */
export interface SubgraphUnderTest {
  server: { url: string };
  close(): Promise<void>;
}

export interface GatewayOverSubgraph<Subgraph extends SubgraphUnderTest> {
  subgraph: Subgraph;
  gateway: Gateway;
  /** The gateway's /graphql URL (http). */
  url: string;
  /** The same path over WebSocket (graphql-transport-ws). */
  wsUrl: string;
  /** Closes the gateway, then the subgraph. */
  close(): Promise<void>;
}

export interface GatewayOverSubgraphOptions {
  /** The subgraph's name in the supergraph (production, andon, quality, reporting). */
  name: string;
  /** Shared by the gateway and the subgraph the test started with it. */
  gatewaySecret: string;
  keys: SigningKeyRing;
  prisma: PrismaClient;
  redis: RedisClient;
  logger: Logger;
  /** Of the gateway's sign-in and refresh keys in Redis. @default "ms5:" */
  keyPrefix?: string;
  /** E.g. a benchmark's thousand subscribers on one account. @default the gateway's defaults */
  subscriptionSettings?: Partial<FederatedSubscriptionSettings>;
}

/**
 * Puts the gateway in front of `subgraph` (already listening); when the gateway cannot start, the
 * subgraph is closed before the error is thrown, so a failed start leaves nothing running.
 */
export async function startGatewayOverSubgraph<Subgraph extends SubgraphUnderTest>(
  subgraph: Subgraph,
  options: GatewayOverSubgraphOptions,
): Promise<GatewayOverSubgraph<Subgraph>> {
  try {
    const supergraphSdl = await readFile(SUPERGRAPH_URL, "utf8");
    const subgraphUrls = { [options.name]: subgraph.server.url };
    const gateway = await createGateway({
      supergraphSdl,
      subgraphUrls,
      gatewaySecret: options.gatewaySecret,
      signingKeys: options.keys,
      prisma: options.prisma,
      redis: options.redis,
      logger: options.logger,
      production: false,
      auth: { keyPrefix: options.keyPrefix ?? "ms5:" },
      attachSubscriptions: (httpServer) =>
        attachFederatedSubscriptions(httpServer, {
          supergraphSdl,
          subgraphs: subgraphEndpointsOf(supergraphSdl, subgraphUrls),
          gatewaySecret: options.gatewaySecret,
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
