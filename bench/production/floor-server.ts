// Child process of `pnpm bench:production`: the production subgraph (consumer, live events) and the
// gateway with subscriptions, over the benchmark's database and Redis. Prints one JSON line with
// the gateway's URLs and an operator's access token, then serves until SIGTERM.
//   DATABASE_URL, REDIS_URL, STREAM_KEY_PREFIX
import { createPrismaClient } from "@ms5/db";
import { floorToken, startFloorGateway } from "@ms5/floor-test-plant";
import { createLogger, createRedisClient } from "@ms5/kit";
import { createSigningKeyRing, generateSigningKey } from "@ms5/kit/auth";

const { DATABASE_URL, REDIS_URL, STREAM_KEY_PREFIX } = process.env;
if (!DATABASE_URL || !REDIS_URL || !STREAM_KEY_PREFIX) {
  console.error("Set DATABASE_URL, REDIS_URL and STREAM_KEY_PREFIX.");
  process.exit(64);
}
const logger = createLogger({ service: "bench-floor", level: "warn" });
const prisma = createPrismaClient({ databaseUrl: DATABASE_URL });
const redis = createRedisClient({ url: REDIS_URL, logger });
await redis.connect();
const keys = await createSigningKeyRing([await generateSigningKey()]);
const floor = await startFloorGateway({
  prisma,
  redis,
  logger,
  keys,
  keyPrefix: STREAM_KEY_PREFIX,
  consumerName: `bench-${process.pid}`,
  // The subscribers stand for a plant's tablets, each its own account in a deployment; here they
  // share one token, so the per-account cap (200 by default) would refuse most of them.
  subscriptionSettings: { maxSubscriptionsPerAccount: 100_000 },
});
const token = await floorToken(keys, prisma, "operator", ["OPERATOR"]);
// Marked: the services log JSON lines to stdout too.
process.stdout.write(`READY ${JSON.stringify({ url: floor.url, wsUrl: floor.wsUrl, token })}\n`);
// stdin is a pipe from the benchmark: when it closes, the benchmark is gone and so is this process.
process.stdin.once("close", () => process.exit(0));
process.stdin.resume();
process.once("SIGTERM", () => {
  void floor
    .close()
    .then(() => prisma.$disconnect())
    .finally(() => {
      redis.destroy();
      process.exit(0);
    });
});
