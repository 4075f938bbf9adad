// The andon subgraph process: wiring only (environment, logger, database, Redis, keys, SMTP, photo
// storage, then createAndonSubgraph with its fault consumer and escalation scheduler, and shutdown).
import path from "node:path";
import { createPrismaClient, databaseUrlFromEnv } from "@ms5/db";
import {
  claimInstanceId,
  createLogger,
  createRedisClient,
  env,
  loadConfigOrExit,
  loadOrExit,
  loadStreamEnvironment,
} from "@ms5/kit";
import { loadVerificationKeys } from "@ms5/kit/auth";
import { loadSubgraphEnvironment, subgraphServerOptionsOf } from "@ms5/kit/subgraph";
import { z } from "zod";
import { ANDON_DEFAULTS } from "./andon-defaults.ts";
import { ANDON_SDL_PATH, createAndonSubgraph } from "./andon-subgraph.ts";
import { createSmtpEmailSender } from "./notifications/index.ts";

const environment = loadSubgraphEnvironment("andon");
const streams = loadStreamEnvironment("andon subgraph");
const config = loadConfigOrExit(
  "andon subgraph",
  {
    // Outside any web root: photos are only ever read back through the API's checks.
    ANDON_PHOTO_DIR: z.string().min(1).default(".data/andon-photos"),
    ANDON_PHOTO_MAX_BYTES: env.bytes(ANDON_DEFAULTS.maxPhotoBytes),
    SMTP_HOST: z.string().optional(),
    SMTP_PORT: env.port(587),
    SMTP_SECURE: z.enum(["true", "false"]).default("false"),
    SMTP_USER: z.string().optional(),
    SMTP_PASSWORD: z.string().optional(),
    SMTP_FROM: z.string().default("MS5 Floor <andon@localhost>"),
  },
  process.env,
);
// Checked before connecting to anything: a service given the wrong keys stops at once.
const verificationKeys = await loadOrExit("andon subgraph", () => loadVerificationKeys());
const logger = createLogger({ service: "andon", level: environment.logLevel });
const prisma = createPrismaClient({ databaseUrl: databaseUrlFromEnv() });
const redis = createRedisClient({ url: streams.redisUrl, logger });
await redis.connect();
const instance = await claimInstanceId({
  redis,
  service: "andon",
  keyPrefix: streams.keyPrefix,
  configured: streams.instanceId,
  logger,
});
const email = config.SMTP_HOST
  ? createSmtpEmailSender({
      host: config.SMTP_HOST,
      port: config.SMTP_PORT,
      secure: config.SMTP_SECURE === "true",
      ...(config.SMTP_USER ? { user: config.SMTP_USER, password: config.SMTP_PASSWORD ?? "" } : {}),
      from: config.SMTP_FROM,
    })
  : null;

const subgraph = await createAndonSubgraph({
  prisma,
  redis,
  logger,
  verificationKeys,
  // The committed file composition reads; rewritten only when the schema changed.
  sdlPath: environment.nodeEnv === "production" ? undefined : ANDON_SDL_PATH,
  instanceId: `andon-${instance.id}`,
  keyPrefix: streams.keyPrefix,
  photoDirectory: path.resolve(config.ANDON_PHOTO_DIR),
  maxPhotoBytes: config.ANDON_PHOTO_MAX_BYTES,
  email,
  ...subgraphServerOptionsOf(environment),
});

async function shutdown(signal: string) {
  logger.info({ signal }, "shutting down");
  await subgraph.close();
  await instance.release();
  email?.close();
  await prisma.$disconnect();
  redis.destroy();
}
process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));
