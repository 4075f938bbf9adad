// The gateway of the subscriber benchmark, alone in its process (started with --expose-gc) so its
// memory per connection is its own: createGateway with federated subscriptions over the plant
// process's subgraphs. Forked with IPC; receives GatewayProcessStart, answers { url }, then answers
// GatewayProcessCommand messages until SIGTERM.
import { createPrismaClient } from "@ms5/db";
import { createLogger, createRedisClient } from "@ms5/kit";
import type { generateSigningKey } from "@ms5/kit/auth";
import { createSigningKeyRing } from "@ms5/kit/auth";

type JWK = Awaited<ReturnType<typeof generateSigningKey>>;

import { createGateway } from "../../gateway/src/gateway.ts";
import { attachFederatedSubscriptions, type FederatedSubscriptions } from "../../gateway/src/subscriptions/index.ts";

export interface GatewayProcessStart {
  supergraphSdl: string;
  subgraphs: { name: string; url: string }[];
  gatewaySecret: string;
  privateJwk: JWK;
  databaseUrl: string;
  redisUrl: string;
}

export type GatewayProcessCommand = { type: "memory" } | { type: "counts" } | { type: "cpu" };

export interface GatewayMemory {
  rss: number;
  heapUsed: number;
  external: number;
}

const start = await new Promise<GatewayProcessStart>((resolve) => process.once("message", resolve));
const logger = createLogger({ service: "bench-gateway", level: "warn" });
const prisma = createPrismaClient({ databaseUrl: start.databaseUrl, poolMax: 4 });
const redis = createRedisClient({ url: start.redisUrl });
await redis.connect();
const keys = await createSigningKeyRing([start.privateJwk]);
let subscriptions: FederatedSubscriptions | undefined;
const gateway = await createGateway({
  supergraphSdl: start.supergraphSdl,
  subgraphUrls: Object.fromEntries(start.subgraphs.map((subgraph) => [subgraph.name, subgraph.url])),
  gatewaySecret: start.gatewaySecret,
  signingKeys: keys,
  prisma,
  redis,
  logger,
  attachSubscriptions: (httpServer, edge) => {
    subscriptions = attachFederatedSubscriptions(httpServer, {
      supergraphSdl: start.supergraphSdl,
      subgraphs: start.subgraphs,
      gatewaySecret: start.gatewaySecret,
      verificationKeys: keys,
      logger,
      edge,
      // Every simulated client signs in as one operator: the per-account cap is for people, not this load.
      settings: { maxSubscriptionsPerAccount: Number.POSITIVE_INFINITY },
    });
    return subscriptions;
  },
});
const { url } = await gateway.listen(0);
process.send?.({ url });

function collectGarbage() {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("start the gateway process with --expose-gc");
  gc();
  gc();
}

process.on("message", (command: GatewayProcessCommand) => {
  switch (command.type) {
    case "memory": {
      collectGarbage();
      const { rss, heapUsed, external } = process.memoryUsage();
      process.send?.({ rss, heapUsed, external } satisfies GatewayMemory);
      return;
    }
    case "counts":
      process.send?.({
        subscribers: subscriptions?.subscriberCount ?? 0,
        upstreams: subscriptions?.upstreamCount ?? 0,
      });
      return;
    case "cpu":
      process.send?.(process.cpuUsage());
      return;
  }
});

process.once("SIGTERM", () => {
  void (async () => {
    await gateway.close();
    redis.destroy();
    await prisma.$disconnect();
    process.exit(0);
  })();
});
