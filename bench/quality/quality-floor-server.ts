// Child process of `pnpm bench:quality`: the quality subgraph (with its weight consumer) behind the
// gateway with subscriptions, over the benchmark's database and Redis, as the other floor benches
// run their services: in a process of its own with NODE_ENV=production, so the clients' work is not
// on the floor's thread. Prints JSON lines the bench reads (the services log JSON to stdout too):
//   READY {url, wsUrl, token}          the gateway listens; token is the inspector's
//   WEIGHTS_DONE {ms}                  WEIGHTS weights applied, ms from just before the consumer started
//   LISTENING                          a spcViolation subscriber reached the subgraph's event bus
// then serves until SIGTERM or stdin closes.
//   DATABASE_URL, REDIS_URL, KEY_PREFIX, WEIGHTS
import { performance } from "node:perf_hooks";
import { createPrismaClient, type Role } from "@ms5/db";
import { createLogger, createRedisClient } from "@ms5/kit";
import { createSigningKeyRing, generateSigningKey, issueAccessToken } from "@ms5/kit/auth";
import { startQualityGateway } from "../../subgraphs/quality/src/testing/quality-gateway.ts";

const { DATABASE_URL, REDIS_URL, KEY_PREFIX, WEIGHTS } = process.env;
if (!DATABASE_URL || !REDIS_URL || !KEY_PREFIX || !WEIGHTS) {
  console.error("Set DATABASE_URL, REDIS_URL, KEY_PREFIX and WEIGHTS.");
  process.exit(64);
}
const weights = Number(WEIGHTS);
const logger = createLogger({ service: "bench-quality-floor", level: "warn" });
const prisma = createPrismaClient({ databaseUrl: DATABASE_URL });
const redis = createRedisClient({ url: REDIS_URL, logger });
await redis.connect();
const keys = await createSigningKeyRing([await generateSigningKey()]);
const inspector = await prisma.user.findUniqueOrThrow({ where: { username: "inspector" } });
const token = (
  await issueAccessToken(keys, {
    kind: "user",
    userId: inspector.id,
    name: inspector.username,
    roles: inspector.roles as Role[],
  })
).token;

let consumed = 0;
const startedAt = performance.now();
const floor = await startQualityGateway({
  prisma,
  redis,
  logger,
  keys,
  keyPrefix: KEY_PREFIX,
  scheduler: false,
  weights: {
    settings: { blockMs: 20 },
    onApplied: (applied) => {
      const before = consumed;
      consumed += applied.weights;
      if (before < weights && consumed >= weights) {
        process.stdout.write(`WEIGHTS_DONE ${JSON.stringify({ ms: performance.now() - startedAt })}\n`);
      }
    },
  },
});
process.stdout.write(`READY ${JSON.stringify({ url: floor.url, wsUrl: floor.wsUrl, token })}\n`);
const listening = setInterval(() => {
  if (floor.subgraph.bus.listenerCount === 0) return;
  clearInterval(listening);
  process.stdout.write("LISTENING\n");
}, 10);

process.stdin.once("close", () => process.exit(0));
process.stdin.resume();
process.once("SIGTERM", () => {
  clearInterval(listening);
  void floor
    .close()
    .then(() => prisma.$disconnect())
    .finally(() => {
      redis.destroy();
      process.exit(0);
    });
});
