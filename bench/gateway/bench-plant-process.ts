// The subgraphs of the subscriber benchmark, in a process of their own so the gateway's process holds
// only the gateway: the two-subgraph test plant on a fresh database. Forked with IPC; receives
// { databaseUrl, redisUrl, gatewaySecret, privateJwk }, answers { subgraphs, lineChangedChannel },
// runs until SIGTERM.
import { createPrismaClient } from "@ms5/db";
import { migrateDatabase } from "@ms5/db/migrate";
import { createLogger, createRedisClient } from "@ms5/kit";
import type { generateSigningKey } from "@ms5/kit/auth";
import { createSigningKeyRing } from "@ms5/kit/auth";

type JWK = Awaited<ReturnType<typeof generateSigningKey>>;

import { startFederatedTestPlant } from "../../gateway/src/testing/federated-test-plant.ts";

export interface PlantProcessStart {
  databaseUrl: string;
  redisUrl: string;
  gatewaySecret: string;
  privateJwk: JWK;
  lineChangedChannel: string;
}

export interface PlantProcessReady {
  subgraphs: { name: string; url: string; sdl: string }[];
}

const start = await new Promise<PlantProcessStart>((resolve) => process.once("message", resolve));
const logger = createLogger({ service: "bench-plant", level: "warn" });
await migrateDatabase(start.databaseUrl);
const prisma = createPrismaClient({ databaseUrl: start.databaseUrl, poolMax: 10 });
const redis = createRedisClient({ url: start.redisUrl });
await redis.connect();
const keys = await createSigningKeyRing([start.privateJwk]);
const plant = await startFederatedTestPlant({
  gatewaySecret: start.gatewaySecret,
  verificationKeys: keys,
  prisma,
  redis,
  logger,
  lineChangedChannel: start.lineChangedChannel,
});
const ready: PlantProcessReady = { subgraphs: plant.subgraphs.map(({ name, url, sdl }) => ({ name, url, sdl })) };
process.send?.(ready);

process.once("SIGTERM", () => {
  void (async () => {
    await plant.close();
    redis.destroy();
    await prisma.$disconnect();
    process.exit(0);
  })();
});
