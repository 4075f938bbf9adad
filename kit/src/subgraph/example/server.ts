import { createPrismaClient, databaseUrlFromEnv } from "@ms5/db";
import { createLogger, createRedisClient, loadOrExit, loadStreamEnvironment } from "@ms5/kit";
import { loadVerificationKeys } from "@ms5/kit/auth";
import { loadSubgraphEnvironment, subgraphServerOptionsOf } from "@ms5/kit/subgraph";
import { QUALITY_SDL_PATH, startQualitySubgraph } from "./quality-subgraph.ts";

const environment = loadSubgraphEnvironment("quality");
const streams = loadStreamEnvironment("quality subgraph");
const verificationKeys = await loadOrExit("quality subgraph", () => loadVerificationKeys());
const logger = createLogger({ service: "quality", level: environment.logLevel });
const prisma = createPrismaClient({ databaseUrl: databaseUrlFromEnv() });
const redis = createRedisClient({ url: streams.redisUrl, logger });
await redis.connect();
const server = await startQualitySubgraph({
  prisma,
  redis,
  logger,
  verificationKeys,
  sdlPath: environment.nodeEnv === "production" ? undefined : QUALITY_SDL_PATH,
  ...subgraphServerOptionsOf(environment),
});
process.once("SIGTERM", async () => {
  await server.close();
  await prisma.$disconnect();
  redis.destroy();
});
