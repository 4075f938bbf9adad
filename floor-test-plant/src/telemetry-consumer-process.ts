// The production subgraph's telemetry consumer alone in a process of its own, so a test can end it
// with SIGKILL mid-stream as a crash or an OOM kill would. Prints "ready" once it is reading.
//   DATABASE_URL, REDIS_URL, STREAM_KEY_PREFIX, CONSUMER_NAME, CLAIM_IDLE_MS
import { createPrismaClient } from "@ms5/db";
import { createLogger, createRedisClient } from "@ms5/kit";
import { startTelemetryConsumer } from "@ms5/production/telemetry-consumer";

const { DATABASE_URL, REDIS_URL, STREAM_KEY_PREFIX, CONSUMER_NAME, CLAIM_IDLE_MS } = process.env;
if (!DATABASE_URL || !REDIS_URL || !STREAM_KEY_PREFIX || !CONSUMER_NAME) {
  console.error("Set DATABASE_URL, REDIS_URL, STREAM_KEY_PREFIX and CONSUMER_NAME.");
  process.exit(64);
}
const logger = createLogger({ service: "telemetry-consumer-process", level: "warn" });
const prisma = createPrismaClient({ databaseUrl: DATABASE_URL, poolMax: 2 });
const redis = createRedisClient({ url: REDIS_URL, logger });
await redis.connect();
const claimIdleMs = Number(CLAIM_IDLE_MS ?? 1_000);
await startTelemetryConsumer({
  prisma,
  redis,
  logger,
  consumerName: CONSUMER_NAME,
  keyPrefix: STREAM_KEY_PREFIX,
  // A killed consumer's entries are taken over after a second instead of the default 30 s.
  settings: { blockMs: 200, claimIdleMs, claimIntervalMs: Math.max(100, claimIdleMs / 4) },
});
process.stdout.write("ready\n");
