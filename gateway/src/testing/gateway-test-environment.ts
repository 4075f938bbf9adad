// What every gateway test file needs: its own migrated database, the run's Redis, a signing key
// ring for the tests' tokens, the shared gateway secret and a silent logger.
import { createTestDatabase, type TestDatabase } from "@ms5/db/test-database";
import { createLogger, createRedisClient, type Logger, type RedisClient } from "@ms5/kit";
import { createSigningKeyRing, generateSigningKey, type SigningKeyRing } from "@ms5/kit/auth";
import { testRedisPrefix } from "@ms5/kit/testing";
import { inject } from "vitest";

/** A secret as long as the kit demands. */
export const TEST_GATEWAY_SECRET = "test-gateway-secret-0123456789abcdefghijklmnopqrstuvwxyz";

export interface GatewayTestEnvironment {
  db: TestDatabase;
  redis: RedisClient;
  keys: SigningKeyRing;
  logger: Logger;
  /** This file's Redis key and channel prefix (deleted after the run). */
  redisPrefix: string;
  /** Closes Redis and drops the database. */
  dispose(): Promise<void>;
}

export async function openGatewayTestEnvironment(): Promise<GatewayTestEnvironment> {
  const { runId, databaseServerUrl, templateDatabase, redisUrl } = inject("testRun");
  const db = await createTestDatabase({ serverUrl: databaseServerUrl, runId, templateDatabase });
  const redis = createRedisClient({ url: redisUrl });
  await redis.connect();
  const keys = await createSigningKeyRing([await generateSigningKey()]);
  return {
    db,
    redis,
    keys,
    logger: createLogger({ service: "gateway-test", level: "silent" }),
    redisPrefix: testRedisPrefix(runId),
    async dispose() {
      redis.destroy();
      await db.drop();
    },
  };
}
