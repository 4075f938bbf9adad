// The production subgraph process: wiring only (environment, logger, database, Redis, keys, the
// telemetry consumer and the server via createProductionSubgraph, the printed SDL, shutdown).
import { hostname } from "node:os";
import { createPrismaClient, databaseUrlFromEnv } from "@ms5/db";
import { createLogger, createRedisClient, env, loadConfigOrExit, loadOrExit } from "@ms5/kit";
import { loadVerificationKeys } from "@ms5/kit/auth";
import { loadSubgraphEnvironment, subgraphServerOptionsOf } from "@ms5/kit/subgraph";
import { createProductionSubgraph, PRODUCTION_SDL_PATH } from "./production-subgraph.ts";

const environment = loadSubgraphEnvironment("production");
const { REDIS_URL } = loadConfigOrExit("production subgraph", { REDIS_URL: env.redisUrl() }, process.env);
// Checked before connecting to anything: a service given the wrong keys stops at once.
const verificationKeys = await loadOrExit("production subgraph", () => loadVerificationKeys());
const logger = createLogger({ service: "production", level: environment.logLevel });
const prisma = createPrismaClient({ databaseUrl: databaseUrlFromEnv() });
const redis = createRedisClient({ url: REDIS_URL, logger });
await redis.connect();

const subgraph = await createProductionSubgraph({
  prisma,
  redis,
  logger,
  verificationKeys,
  // The committed file composition reads; rewritten only when the schema changed.
  sdlPath: environment.nodeEnv === "production" ? undefined : PRODUCTION_SDL_PATH,
  telemetry: { consumerName: `production-${hostname()}-${process.pid}` },
  ...subgraphServerOptionsOf(environment),
});

async function shutdown(signal: string) {
  logger.info({ signal }, "shutting down");
  await subgraph.close();
  await prisma.$disconnect();
  redis.destroy();
}
process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));
