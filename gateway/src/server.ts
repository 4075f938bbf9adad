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
import { accountStandingsOf, attachFederatedSubscriptions } from "./subscriptions/index.ts";
import { readTrustedDocuments, type TrustedDocuments } from "./trusted-documents.ts";

const REPOSITORY_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const environment = loadGatewayEnvironment();
const logger = createLogger({ service: "gateway", level: environment.logLevel });
const supergraphFile = path.resolve(REPOSITORY_ROOT, environment.supergraphPath);
const supergraphSdl = await readFile(supergraphFile, "utf8").catch(() => {
  logger.fatal({ file: supergraphFile }, "no supergraph: run `pnpm compose` first");
  process.exit(78);
});
let trustedDocuments: TrustedDocuments | undefined;
if (environment.trustedDocuments !== "off") {
  const manifestFile = path.resolve(REPOSITORY_ROOT, environment.trustedDocumentsPath);
  try {
    trustedDocuments = await readTrustedDocuments(manifestFile);
    logger.info(
      { file: manifestFile, documents: trustedDocuments.size, mode: environment.trustedDocuments },
      "trusted documents",
    );
  } catch (error) {
    if (environment.trustedDocuments === "enforce") {
      logger.fatal(
        { err: error },
        "GATEWAY_TRUSTED_DOCUMENTS=enforce needs the manifest (GATEWAY_TRUSTED_DOCUMENTS_PATH)",
      );
      process.exit(78);
    }
    logger.warn({ err: error }, "no trusted documents: document ids will not resolve");
  }
}
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
  auth: { proxySecret: environment.proxySecret, limiterTimeoutMs: environment.loginLimiterTimeoutMs },
  settings: {
    host: environment.host,
    bodyLimitBytes: environment.bodyLimitBytes,
    shutdownGracePeriodMs: environment.shutdownGracePeriodMs,
    trustedDocuments: environment.trustedDocuments,
  },
  trustedDocuments,
  attachSubscriptions: (httpServer, edge) =>
    attachFederatedSubscriptions(httpServer, {
      supergraphSdl,
      subgraphs: subgraphEndpointsOf(supergraphSdl, environment.subgraphUrls),
      gatewaySecret: environment.gatewaySecret,
      verificationKeys: signingKeys,
      logger,
      edge,
      accountStandings: accountStandingsOf(prisma),
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
