// Each test run writes Redis keys only under its own prefix, so parallel runs on one server never
// see each other's streams; the run's teardown deletes the prefix.
import { createClient } from "redis";

export function testRedisPrefix(runId: string, worker = process.env.VITEST_POOL_ID ?? "0"): string {
  return `ms5test:${runId}:${worker}:`;
}

export function testRedisUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.TEST_REDIS_URL || env.REDIS_URL || "redis://127.0.0.1:6379";
}

/** Deletes every key of the run (all workers); returns how many were deleted. */
export async function deleteRunKeys(redisUrl: string, runId: string): Promise<number> {
  const client = createClient({ url: redisUrl });
  await client.connect();
  try {
    let deleted = 0;
    for await (const keys of client.scanIterator({ MATCH: `ms5test:${runId}:*`, COUNT: 500 })) {
      if (keys.length > 0) deleted += await client.del(keys);
    }
    return deleted;
  } finally {
    client.destroy();
  }
}
