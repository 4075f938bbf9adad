// The gateway process: wiring only (environment, logger, database, Redis, keys, createGateway,
// subscriptions, shutdown).
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createPrismaClient, databaseUrlFromEnv } from "@ms5/db";
import { createLogger, createRedisClient } from "@ms5/kit";
import { loadSigningKeys } from "@ms5/kit/auth";
import { createGateway, subgraphEndpointsOf } from "./gateway.ts";
import { loadGatewayEnvironment } from "./gateway-environment.ts";
import { attachFederatedSubscriptions } from "./subscriptions/index.ts";

const REPOSITORY_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const environment = loadGatewayEnvironment();
const logger = createLogger({ service: "gateway", level: environment.logLevel });
const supergraphFile = path.resolve(REPOSITORY_ROOT, environment.supergraphPath);
const supergraphSdl = await readFile(supergraphFile, "utf8").catch(() => {
  logger.fatal({ file: supergraphFile }, "no supergraph: run `pnpm compose` first");
  process.exit(78);
});
const signingKeys = await loadSigningKeys({ logger });
const prisma = createPrismaClient({ databaseUrl: databaseUrlFromEnv(), poolMax: environment.databasePoolMax });
const redis = createRedisClient({ url: environment.redisUrl });
await redis.connect();

const gateway = await createGateway({
  supergraphSdl,
  subgraphUrls: environment.subgraphUrls,
  gatewaySecret: environment.gatewaySecret,
  signingKeys,
  prisma,
  redis,
  logger,
  production: environment.nodeEnv === "production",
  settings: {
    host: environment.host,
    bodyLimitBytes: environment.bodyLimitBytes,
    shutdownGracePeriodMs: environment.shutdownGracePeriodMs,
  },
  attachSubscriptions: (httpServer) =>
    attachFederatedSubscriptions(httpServer, {
      supergraphSdl,
      subgraphs: subgraphEndpointsOf(supergraphSdl, environment.subgraphUrls),
      gatewaySecret: environment.gatewaySecret,
      verificationKeys: signingKeys,
      logger,
    }),
});
await gateway.listen(environment.port);

async function shutdown(signal: string) {
  logger.info({ signal }, "shutting down");
  await gateway.close();
  await prisma.$disconnect();
  redis.destroy();
}
process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));
