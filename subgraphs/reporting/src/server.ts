// The reporting subgraph process: wiring only (environment, logger, database, Redis, keys, then
// createReportingSubgraph with its OEE rollup, and shutdown).

import path from "node:path";
import { createSmtpEmailSender } from "@ms5/andon/notifications";
import { createPrismaClient, databaseUrlFromEnv } from "@ms5/db";
import { createLogger, createRedisClient, env, loadConfigOrExit, loadOrExit, loadStreamEnvironment } from "@ms5/kit";
import { loadVerificationKeys } from "@ms5/kit/auth";
import { loadSubgraphEnvironment, subgraphServerOptionsOf } from "@ms5/kit/subgraph";
import { z } from "zod";
import { createReportingSubgraph, REPORTING_SDL_PATH } from "./reporting-subgraph.ts";

const environment = loadSubgraphEnvironment("reporting");
const streams = loadStreamEnvironment("reporting subgraph");
const config = loadConfigOrExit(
  "reporting subgraph",
  // Outside any web root: a report is only ever read back through an authorized download.
  {
    REPORT_DIR: z.string().min(1).default(".data/reports"),
    // Reports rendered at once by this instance (worker threads); the queue absorbs the rest.
    REPORT_RENDER_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
    // The plant's SMTP relay, as andon reads it: scheduled reports go out as attachments.
    SMTP_HOST: z.string().optional(),
    SMTP_PORT: env.port(587),
    SMTP_SECURE: z.enum(["true", "false"]).default("false"),
    SMTP_USER: z.string().optional(),
    SMTP_PASSWORD: z.string().optional(),
    REPORT_SMTP_FROM: z.string().default("MS5 Floor reports <reports@localhost>"),
  },
  process.env,
);
// Checked before connecting to anything: a service given the wrong keys stops at once.
const verificationKeys = await loadOrExit("reporting subgraph", () => loadVerificationKeys());
const logger = createLogger({ service: "reporting", level: environment.logLevel });
const prisma = createPrismaClient({ databaseUrl: databaseUrlFromEnv() });
const redis = createRedisClient({ url: streams.redisUrl, logger });
await redis.connect();

const email = config.SMTP_HOST
  ? createSmtpEmailSender({
      host: config.SMTP_HOST,
      port: config.SMTP_PORT,
      secure: config.SMTP_SECURE === "true",
      ...(config.SMTP_USER ? { user: config.SMTP_USER, password: config.SMTP_PASSWORD ?? "" } : {}),
      from: config.REPORT_SMTP_FROM,
    })
  : null;
if (!email) logger.warn("SMTP_HOST is not set: scheduled reports are delivered in-app only");

const subgraph = await createReportingSubgraph({
  prisma,
  redis,
  logger,
  verificationKeys,
  reportDirectory: path.resolve(config.REPORT_DIR),
  renderConcurrency: config.REPORT_RENDER_CONCURRENCY,
  keyPrefix: streams.keyPrefix,
  ...(streams.instanceId ? { instanceId: `${streams.instanceId}:reporting` } : {}),
  email,
  // The committed file composition reads; rewritten only when the schema changed.
  sdlPath: environment.nodeEnv === "production" ? undefined : REPORTING_SDL_PATH,
  ...subgraphServerOptionsOf(environment),
});

async function shutdown(signal: string) {
  logger.info({ signal }, "shutting down");
  await subgraph.close();
  email?.close();
  await prisma.$disconnect();
  redis.destroy();
}
process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));
