// One instance of the andon subgraph alone in a process, with the real clock and its escalation
// scheduler running, so a test can end it with SIGKILL as a crash or an OOM kill would. Prints
// "ready" once it serves and its scheduler runs.
//   DATABASE_URL, REDIS_URL, KEY_PREFIX, INSTANCE_ID, PHOTO_DIR
import { createPrismaClient } from "@ms5/db";
import { createLogger, createRedisClient } from "@ms5/kit";
import { createSigningKeyRing, generateSigningKey } from "@ms5/kit/auth";
import { createAndonSubgraph } from "../andon-subgraph.ts";
import { TEST_GATEWAY_SECRET } from "./andon-test-plant.ts";

const { DATABASE_URL, REDIS_URL, KEY_PREFIX, INSTANCE_ID, PHOTO_DIR } = process.env;
if (!DATABASE_URL || !REDIS_URL || !KEY_PREFIX || !INSTANCE_ID || !PHOTO_DIR) {
  console.error("Set DATABASE_URL, REDIS_URL, KEY_PREFIX, INSTANCE_ID and PHOTO_DIR.");
  process.exit(64);
}
const logger = createLogger({ service: "andon-instance-process", level: "warn" });
const prisma = createPrismaClient({ databaseUrl: DATABASE_URL, poolMax: 4 });
const redis = createRedisClient({ url: REDIS_URL, logger });
await redis.connect();
await createAndonSubgraph({
  prisma,
  redis,
  logger,
  verificationKeys: await createSigningKeyRing([await generateSigningKey()]),
  gatewaySecret: TEST_GATEWAY_SECRET,
  port: 0,
  production: false,
  keyPrefix: KEY_PREFIX,
  instanceId: INSTANCE_ID,
  photoDirectory: PHOTO_DIR,
  faults: false,
  scheduler: { settings: { maxSleepMs: 100 } },
});
process.stdout.write("ready\n");
