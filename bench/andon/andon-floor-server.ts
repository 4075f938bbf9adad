// Child process of `pnpm bench:andon`: the andon subgraph (escalation scheduler on the real clock)
// behind the gateway with subscriptions, over the benchmark's database and Redis. Prints one line
// `READY {url, wsUrl, operatorToken, managerToken}`, then serves until SIGTERM or stdin closes.
//   DATABASE_URL, REDIS_URL, KEY_PREFIX, PHOTO_DIR
import { createPrismaClient, type Role } from "@ms5/db";
import { createLogger, createRedisClient } from "@ms5/kit";
import { createSigningKeyRing, generateSigningKey, issueAccessToken } from "@ms5/kit/auth";
import { startAndonGateway } from "../../subgraphs/andon/src/testing/andon-gateway.ts";

const { DATABASE_URL, REDIS_URL, KEY_PREFIX, PHOTO_DIR } = process.env;
if (!DATABASE_URL || !REDIS_URL || !KEY_PREFIX || !PHOTO_DIR) {
  console.error("Set DATABASE_URL, REDIS_URL, KEY_PREFIX and PHOTO_DIR.");
  process.exit(64);
}
const logger = createLogger({ service: "bench-andon-floor", level: "warn" });
const prisma = createPrismaClient({ databaseUrl: DATABASE_URL });
const redis = createRedisClient({ url: REDIS_URL, logger });
await redis.connect();
const keys = await createSigningKeyRing([await generateSigningKey()]);
const floor = await startAndonGateway({
  prisma,
  redis,
  logger,
  keys,
  keyPrefix: KEY_PREFIX,
  photoDirectory: PHOTO_DIR,
  instanceId: `bench-andon-${process.pid}`,
  faults: false,
});

async function tokenOf(username: string): Promise<string> {
  const user = await prisma.user.findUniqueOrThrow({ where: { username } });
  return (
    await issueAccessToken(keys, { kind: "user", userId: user.id, name: user.username, roles: user.roles as Role[] })
  ).token;
}
const ready = {
  url: floor.url,
  wsUrl: floor.wsUrl,
  operatorToken: await tokenOf("operator"),
  managerToken: await tokenOf("pmanager"),
};
// Marked: the services log JSON lines to stdout too.
process.stdout.write(`READY ${JSON.stringify(ready)}\n`);
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
