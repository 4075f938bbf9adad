// The quality subgraph process: wiring only (environment, logger, database, Redis, keys, then
// createQualitySubgraph with its weight consumer and due-check scheduler, and shutdown).
import { createPrismaClient, databaseUrlFromEnv } from "@ms5/db";
import {
  claimInstanceId,
  createLogger,
  createRedisClient,
  loadConfigOrExit,
  loadOrExit,
  loadStreamEnvironment,
  recordSigningKeysVariable,
} from "@ms5/kit";
import { loadVerificationKeys } from "@ms5/kit/auth";
import { loadSubgraphEnvironment, subgraphServerOptionsOf } from "@ms5/kit/subgraph";
import { createQualitySubgraph, QUALITY_SDL_PATH } from "./quality-subgraph.ts";

const environment = loadSubgraphEnvironment("quality");
const streams = loadStreamEnvironment("quality subgraph");
const { QUALITY_SIGNING_KEYS } = loadConfigOrExit(
  "quality subgraph",
  {
    // Required in production: signatures made with a key that is gone can no longer be verified.
    QUALITY_SIGNING_KEYS:
      environment.nodeEnv === "production" ? recordSigningKeysVariable() : recordSigningKeysVariable().optional(),
  },
  process.env,
);
// Checked before connecting to anything: a service given the wrong keys stops at once.
const verificationKeys = await loadOrExit("quality subgraph", () => loadVerificationKeys());
const logger = createLogger({ service: "quality", level: environment.logLevel });
if (!QUALITY_SIGNING_KEYS) {
  logger.warn(
    "QUALITY_SIGNING_KEYS is unset: release-check signatures use a key made now, unverifiable after a restart",
  );
}
const prisma = createPrismaClient({ databaseUrl: databaseUrlFromEnv() });
const redis = createRedisClient({ url: streams.redisUrl, logger });
await redis.connect();
const instance = await claimInstanceId({
  redis,
  service: "quality",
  keyPrefix: streams.keyPrefix,
  configured: streams.instanceId,
  logger,
});

const subgraph = await createQualitySubgraph({
  prisma,
  redis,
  logger,
  verificationKeys,
  ...(QUALITY_SIGNING_KEYS ? { signingKeys: QUALITY_SIGNING_KEYS } : {}),
  // The committed file composition reads; rewritten only when the schema changed.
  sdlPath: environment.nodeEnv === "production" ? undefined : QUALITY_SDL_PATH,
  instanceId: `quality-${instance.id}`,
  keyPrefix: streams.keyPrefix,
  ...subgraphServerOptionsOf(environment),
});

async function shutdown(signal: string) {
  logger.info({ signal }, "shutting down");
  await subgraph.close();
  await instance.release();
  await prisma.$disconnect();
  redis.destroy();
}
process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));
