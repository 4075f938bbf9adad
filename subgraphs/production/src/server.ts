// The production subgraph process: wiring only (environment, logger, database, Redis, keys, the
// telemetry consumer and the server via createProductionSubgraph, the printed SDL, shutdown).
import { createPrismaClient, databaseUrlFromEnv } from "@ms5/db";
import {
  claimInstanceId,
  createLogger,
  createRedisClient,
  loadConfigOrExit,
  loadOrExit,
  loadStreamEnvironment,
} from "@ms5/kit";
import { loadVerificationKeys } from "@ms5/kit/auth";
import { loadSubgraphEnvironment, subgraphServerOptionsOf } from "@ms5/kit/subgraph";
import {
  checklistSigningKeysVariable,
  generateChecklistSigningKey,
  parseChecklistSigningKeys,
} from "./jobs/checklist-signing-keys.ts";
import { createProductionSubgraph, PRODUCTION_SDL_PATH } from "./production-subgraph.ts";
import { serviceHealthSourcesOf } from "./system-health/system-survey.ts";

const environment = loadSubgraphEnvironment("production");
const streams = loadStreamEnvironment("production subgraph");
const { CHECKLIST_SIGNING_KEYS } = loadConfigOrExit(
  "production subgraph",
  {
    // Required in production: signatures made with a key that is gone can no longer be verified.
    CHECKLIST_SIGNING_KEYS:
      environment.nodeEnv === "production" ? checklistSigningKeysVariable() : checklistSigningKeysVariable().optional(),
  },
  process.env,
);
const serviceHealth = await loadOrExit("production subgraph", async () => serviceHealthSourcesOf(process.env));
// Checked before connecting to anything: a service given the wrong keys stops at once.
const verificationKeys = await loadOrExit("production subgraph", () => loadVerificationKeys());
const logger = createLogger({ service: "production", level: environment.logLevel });
if (!CHECKLIST_SIGNING_KEYS) {
  logger.warn("CHECKLIST_SIGNING_KEYS is unset: checklist signatures use a key made now, unverifiable after a restart");
}
const prisma = createPrismaClient({ databaseUrl: databaseUrlFromEnv() });
const redis = createRedisClient({ url: streams.redisUrl, logger });
await redis.connect();
const instance = await claimInstanceId({
  redis,
  service: "production",
  keyPrefix: streams.keyPrefix,
  configured: streams.instanceId,
  logger,
});

const subgraph = await createProductionSubgraph({
  prisma,
  redis,
  logger,
  verificationKeys,
  checklistSigningKeys: CHECKLIST_SIGNING_KEYS ?? parseChecklistSigningKeys(generateChecklistSigningKey()),
  // The committed file composition reads; rewritten only when the schema changed.
  sdlPath: environment.nodeEnv === "production" ? undefined : PRODUCTION_SDL_PATH,
  keyPrefix: streams.keyPrefix,
  telemetry: { consumerName: `production-${instance.id}` },
  serviceHealth,
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
