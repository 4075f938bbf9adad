// The reporting subgraph process: wiring only (environment, logger, database, Redis, keys, then
// createReportingSubgraph with its OEE rollup, and shutdown).

import path from "node:path";
import { createPrismaClient, databaseUrlFromEnv } from "@ms5/db";
import { createLogger, createRedisClient, loadConfigOrExit, loadOrExit, loadStreamEnvironment } from "@ms5/kit";
import { loadVerificationKeys } from "@ms5/kit/auth";
import { loadSubgraphEnvironment, subgraphServerOptionsOf } from "@ms5/kit/subgraph";
import { z } from "zod";
import { createReportingSubgraph, REPORTING_SDL_PATH } from "./reporting-subgraph.ts";

const environment = loadSubgraphEnvironment("reporting");
const streams = loadStreamEnvironment("reporting subgraph");
const config = loadConfigOrExit(
  "reporting subgraph",
  // Outside any web root: a report is only ever read back through an authorized download.
  { REPORT_DIR: z.string().min(1).default(".data/reports") },
  process.env,
);
// Checked before connecting to anything: a service given the wrong keys stops at once.
const verificationKeys = await loadOrExit("reporting subgraph", () => loadVerificationKeys());
const logger = createLogger({ service: "reporting", level: environment.logLevel });
const prisma = createPrismaClient({ databaseUrl: databaseUrlFromEnv() });
const redis = createRedisClient({ url: streams.redisUrl, logger });
await redis.connect();

const subgraph = await createReportingSubgraph({
  prisma,
  redis,
  logger,
  verificationKeys,
  reportDirectory: path.resolve(config.REPORT_DIR),
  // The committed file composition reads; rewritten only when the schema changed.
  sdlPath: environment.nodeEnv === "production" ? undefined : REPORTING_SDL_PATH,
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
