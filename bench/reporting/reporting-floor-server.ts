// Child process of `pnpm bench:reporting`: the reporting subgraph behind the gateway over the
// benchmark's database and Redis (no rollup or scheduler: the bench drives those itself; the report
// runner only with REPORT_RUNNER=on, as a deployed instance runs it, for the live-path measurement).
// Prints one line `READY {url, token}`, then serves until SIGTERM or stdin closes; answers `cpu`.
//   DATABASE_URL, REDIS_URL, KEY_PREFIX, REPORT_DIR; REPORT_RUNNER=on, REPORT_RENDER_CONCURRENCY
import { createInterface } from "node:readline";
import { createPrismaClient, type Role } from "@ms5/db";
import { createLogger, createRedisClient } from "@ms5/kit";
import { createSigningKeyRing, generateSigningKey, issueAccessToken } from "@ms5/kit/auth";
import { createReportingSubgraph } from "../../subgraphs/reporting/src/reporting-subgraph.ts";
import { startReportingGateway } from "../../subgraphs/reporting/src/testing/reporting-gateway.ts";

const { DATABASE_URL, REDIS_URL, KEY_PREFIX, REPORT_DIR, REPORT_RUNNER, REPORT_RENDER_CONCURRENCY } = process.env;
if (!DATABASE_URL || !REDIS_URL || !KEY_PREFIX || !REPORT_DIR) {
  console.error("Set DATABASE_URL, REDIS_URL, KEY_PREFIX and REPORT_DIR.");
  process.exit(64);
}
const SECRET = "reporting-bench-gateway-secret-0123456789abcdef";
const logger = createLogger({ service: "bench-reporting-floor", level: "warn" });
const prisma = createPrismaClient({ databaseUrl: DATABASE_URL });
const redis = createRedisClient({ url: REDIS_URL, logger });
await redis.connect();
const keys = await createSigningKeyRing([await generateSigningKey()]);
const subgraph = await createReportingSubgraph({
  prisma,
  redis,
  logger,
  verificationKeys: keys,
  gatewaySecret: SECRET,
  port: 0,
  production: true,
  reportDirectory: REPORT_DIR,
  keyPrefix: KEY_PREFIX,
  rollup: false,
  // The deployed default poll; generateReport's wake-up starts a render at once.
  runner: REPORT_RUNNER === "on" ? {} : false,
  ...(REPORT_RENDER_CONCURRENCY ? { renderConcurrency: Number(REPORT_RENDER_CONCURRENCY) } : {}),
  scheduler: false,
});
const { gateway, url } = await startReportingGateway(subgraph, {
  gatewaySecret: SECRET,
  signingKeys: keys,
  prisma,
  redis,
  logger,
  production: true,
  auth: { keyPrefix: KEY_PREFIX },
});
const user = await prisma.user.findUniqueOrThrow({ where: { username: "pmanager" } });
const { token } = await issueAccessToken(keys, {
  kind: "user",
  userId: user.id,
  name: user.username,
  roles: user.roles as Role[],
});
process.stdout.write(`READY ${JSON.stringify({ url, token })}\n`);
process.stdin.once("close", () => process.exit(0));
// "cpu" on stdin: this process's CPU time so far (gateway and subgraph together), which the bench
// divides by the pages served; unlike latency it barely moves with what else the machine runs.
createInterface({ input: process.stdin }).on("line", (line) => {
  if (line.trim() === "cpu") process.stdout.write(`CPU ${JSON.stringify(process.cpuUsage())}\n`);
});
process.once("SIGTERM", () => {
  void gateway
    .close()
    .then(() => subgraph.close())
    .then(() => prisma.$disconnect())
    .finally(() => {
      redis.destroy();
      process.exit(0);
    });
});
