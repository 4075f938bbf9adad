// The telemetry consumer through a real PostgreSQL outage (a TCP proxy in front of the server,
// cut for longer than the consumer's claim idle time, then restored): counts made meanwhile are
// held in Redis, applied exactly once when the database is back, and never dead-lettered.
import { createPrismaClient, type PrismaClient } from "@ms5/db";
import type { TestDatabase } from "@ms5/db/test-database";
import { createLogger, type RedisClient, type StreamConsumer } from "@ms5/kit";
import { type InterruptibleTcpProxy, startInterruptibleTcpProxy, testRedisPrefix } from "@ms5/kit/testing";
import { deadLetterStreamKey, STREAM_SCHEMA_VERSION, streamKey } from "@ms5/schema";
import { waitUntil } from "@ms5/test-support";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openSeededTestPlant, plcStateFields } from "../testing/production-test-plant.ts";
import { startTelemetryConsumer, TELEMETRY_CONSUMER_GROUP } from "./telemetry-consumer.ts";

const logger = createLogger({ service: "production-outage-test", level: "silent" });
const CLAIM_IDLE_MS = 200;

describe("the telemetry consumer through a database outage", () => {
  const testRun = inject("testRun");
  const keyPrefix = `${testRedisPrefix(testRun.runId)}outage:`;
  const stream = streamKey("bagging-1", "telemetry", keyPrefix);
  const deadLetters = deadLetterStreamKey(TELEMETRY_CONSUMER_GROUP, keyPrefix);
  let db: TestDatabase;
  let redis: RedisClient;
  let proxy: InterruptibleTcpProxy;
  let prisma: PrismaClient;
  let consumer: StreamConsumer;
  let seq = 0;
  const t0 = Date.UTC(2026, 10, 28, 6, 0, 0);

  beforeAll(async () => {
    ({ db, redis } = await openSeededTestPlant(testRun, new Date(t0)));
    proxy = await startInterruptibleTcpProxy(db.url);
    prisma = createPrismaClient({ databaseUrl: proxy.url, poolMax: 2, connectionTimeoutMs: 500 });
    consumer = await startTelemetryConsumer({
      prisma,
      redis,
      logger,
      consumerName: "outage-1",
      keyPrefix,
      // Entries that kept failing would be dead-lettered after their second delivery: an outage
      // handled as failures would show at once.
      settings: {
        blockMs: 100,
        claimIdleMs: CLAIM_IDLE_MS,
        claimIntervalMs: 50,
        maxDeliveries: 2,
        retryInitialDelayMs: 20,
        retryMaxDelayMs: 100,
      },
    });
  });
  afterAll(async () => {
    await consumer?.stop();
    await prisma?.$disconnect();
    await proxy?.close();
    redis?.destroy();
    await db?.drop();
  });

  function publish(atSeconds: number, fields: Record<string, string>) {
    seq++;
    return redis.xAdd(stream, "*", {
      v: STREAM_SCHEMA_VERSION,
      plc: "PLC-BAG1",
      seq: String(seq),
      equipment: "BAGGER-1",
      line: "bagging-1",
      ts: String(t0 + atSeconds * 1000),
      ...fields,
    });
  }
  const counts = (good: number) => ({
    type: "counts",
    goodDelta: String(good),
    rejectDelta: "0",
    goodTotal: "0",
    rejectTotal: "0",
  });

  const caughtUp = async () => {
    const [lag] = await consumer.lag();
    return lag!.lag === 0 && lag!.pending === 0;
  };

  it("holds what arrives while PostgreSQL is unreachable past the claim idle time, then applies each entry exactly once and dead-letters none", async () => {
    for (let n = 1; n <= 5; n++) await publish(n, counts(n));
    await waitUntil(caughtUp, { what: "the first counts applied", timeoutMs: 20_000 });

    await proxy.interrupt();
    for (let n = 0; n < 20; n++) await publish(100 + n, counts(10));
    await publish(200, plcStateFields("DOWN", { stateCode: "3", firstOutFaultCode: "BG-004", firstOutFaultBit: "4" }));
    await publish(260, plcStateFields("RUNNING", { stateCode: "1" }));

    // Every entry of the outage delivered (or waiting) and the delivered ones pending far longer
    // than a claim would wait: a consumer that treated the outage as bad entries has set them aside.
    await waitUntil(
      async () => {
        const pending = await redis.xPendingRange(stream, TELEMETRY_CONSUMER_GROUP, "-", "+", 100);
        return (
          consumer.stats.transientFailures > 0 &&
          pending.length > 0 &&
          pending.every((entry) => entry.millisecondsSinceLastDelivery > 3 * CLAIM_IDLE_MS)
        );
      },
      { what: "the outage outlasting the claim idle time", timeoutMs: 20_000 },
    );
    expect(await redis.xLen(deadLetters)).toBe(0);
    expect(consumer.stats.retryingSince).not.toBeNull();

    await proxy.restore();
    await waitUntil(caughtUp, { what: "caught up after the outage", timeoutMs: 20_000 });

    const bagger = await db.prisma.equipment.findUniqueOrThrow({ where: { code: "BAGGER-1" } });
    const made = await db.prisma.productionCount.aggregate({
      where: { equipmentId: bagger.id },
      _sum: { goodDelta: true },
      _count: true,
    });
    expect(made).toMatchObject({ _count: 25, _sum: { goodDelta: 15 + 20 * 10 } });
    const stops = await db.prisma.downtimeEvent.findMany({
      where: { equipmentId: bagger.id, startedAt: new Date(t0 + 200_000) },
    });
    expect(stops).toHaveLength(1);
    expect(await redis.xLen(deadLetters)).toBe(0);
    expect(consumer.stats.retryingSince).toBeNull();
  });
});
