// plc-bridge entry point: read the environment and the plant configuration, start the bridge and
// its /health and /metrics, stop cleanly on SIGTERM/SIGINT.
import { readFileSync } from "node:fs";
import { createLogger, createOpsEndpoints, createRedisClient, followPlantChanges, startOpsServer } from "@ms5/kit";
import { createBridge } from "./bridge.ts";
import { loadBridgeEnv } from "./bridge-config.ts";
import { type PlantConfig, parsePlantConfig } from "./plant-config.ts";
import { PlantFollower } from "./plant-follower.ts";
import { PlcConnectionTester } from "./plc-connection-tester.ts";

const env = loadBridgeEnv();
const logger = createLogger({ service: "plc-bridge", level: env.LOG_LEVEL });

async function loadPlant(): Promise<PlantConfig> {
  if (env.BRIDGE_PLANT_CONFIG) return parsePlantConfig(JSON.parse(readFileSync(env.BRIDGE_PLANT_CONFIG, "utf8")));
  if (!env.DATABASE_URL)
    throw new Error("Set BRIDGE_PLANT_CONFIG (a JSON file) or DATABASE_URL to say which PLCs to read.");
  // Loaded only here: the Prisma client (and its query compiler) is not needed for a file config.
  const { createPrismaClient } = await import("@ms5/db");
  const { loadPlantConfigFromDatabase } = await import("./plant-config-from-database.ts");
  const prisma = createPrismaClient({ databaseUrl: env.DATABASE_URL, poolMax: 1 });
  try {
    return await loadPlantConfigFromDatabase(prisma);
  } finally {
    await prisma.$disconnect();
  }
}

const bridge = createBridge({
  plant: await loadPlant(),
  redisUrl: env.REDIS_URL,
  bufferDir: env.BRIDGE_BUFFER_DIR,
  logger,
  keyPrefix: env.STREAM_KEY_PREFIX,
  streamMaxLen: env.STREAM_MAXLEN,
  bufferMaxBytes: env.BRIDGE_BUFFER_MAX_MB * 1024 * 1024,
  bufferMaxAgeMs: env.BRIDGE_BUFFER_MAX_AGE_HOURS * 3_600_000,
  commsLostAfterMs: env.BRIDGE_COMMS_LOST_MS,
  redisSendTimeoutMs: env.BRIDGE_REDIS_SEND_TIMEOUT_MS,
});
const ops = await startOpsServer(
  createOpsEndpoints({ service: "plc-bridge", registry: bridge.registry, checks: bridge.healthChecks() }),
  env.BRIDGE_OPS_PORT,
);
await bridge.start();
logger.info({ opsPort: ops.port }, "plc-bridge ready: /health and /metrics");

// A plant model in the database is followed without a restart: each announced change (a PLC, a tag
// map, equipment) reloads it; a file is read once.
const follower = env.BRIDGE_PLANT_CONFIG ? undefined : new PlantFollower({ load: loadPlant, bridge, logger });
let announcements: { close(): Promise<void> } | undefined;
if (follower) {
  // Not awaited: with Redis away the bridge polls (and buffers) all the same, re-reading every minute
  followPlantChanges({
    redis: createRedisClient({ url: env.REDIS_URL, logger }),
    keyPrefix: env.STREAM_KEY_PREFIX,
    logger,
    onChange: () => follower.changed(),
  }).then(
    (following) => {
      announcements = following;
    },
    (error: unknown) =>
      logger.warn({ err: error }, "cannot follow plant changes over Redis; re-reading the plant every minute"),
  );
}

// "Test this PLC connection" from the API: the bridge is what reaches the PLCs. The tester replies on
// this client, so it must be connected itself (the tester connects only its blocking duplicate); an
// unconnected one made every reply fail with "The client is closed" and the API wait out its timeout.
const testerRedis = createRedisClient({ url: env.REDIS_URL, logger });
const tester = new PlcConnectionTester({ redis: testerRedis, keyPrefix: env.STREAM_KEY_PREFIX, logger });
testerRedis
  .connect()
  .then(() => tester.start())
  .catch((error: unknown) => logger.warn({ err: error }, "cannot take PLC connection tests: Redis not reachable"));

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping");
    follower?.stop();
    void Promise.all([announcements?.close(), tester.stop().then(() => testerRedis.destroy())])
      .then(() => bridge.stop())
      .then(() => ops.close())
      .then(() => process.exit(0));
  });
}
