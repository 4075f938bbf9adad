// Dead letters: only an entry its handler rejects is set aside, at once and with the reason; the
// stream is bounded, counted in /metrics and warned about in /health; the operator's functions
// (pnpm streams:dead-letters) list, replay and discard them.

import { waitUntil } from "@ms5/test-support";
import { afterEach, describe, expect, inject, it } from "vitest";
import { createLogger } from "./logger.ts";
import { createMetricsRegistry } from "./ops-endpoints.ts";
import { createRedisClient } from "./redis-client.ts";
import { type ConsumedEntry, StreamConsumer, type StreamConsumerOptions } from "./stream-consumer.ts";
import { registerStreamConsumerMetrics, streamConsumerHealthCheck } from "./stream-consumer-health.ts";
import { discardDeadLetter, listDeadLetters, replayDeadLetter } from "./stream-dead-letters.ts";
import { testRedisPrefix } from "./testing/redis-key-prefix.ts";
import { StreamEntryRejected } from "./transient-error.ts";

const logger = createLogger({ service: "stream-dead-letters-test", level: "silent" });

describe("dead letters", () => {
  const { runId, redisUrl } = inject("testRun");
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  let counter = 0;
  async function setup(overrides: Partial<StreamConsumerOptions> & Pick<StreamConsumerOptions, "handle">) {
    const prefix = `${testRedisPrefix(runId)}dead-letters${++counter}:`;
    const redis = createRedisClient({ url: redisUrl });
    await redis.connect();
    cleanups.push(() => redis.destroy());
    const stream = `${prefix}{line-1}:telemetry`;
    const deadLetterStream = `${prefix}dead-letter:production`;
    const consumer = new StreamConsumer({
      redis,
      streams: [stream],
      group: "production",
      consumer: "a",
      logger,
      deadLetterStream,
      // A claim would come only after a minute: anything dead-lettered sooner went at its first delivery.
      settings: { blockMs: 100, claimIdleMs: 60_000 },
      ...overrides,
    });
    await consumer.start();
    cleanups.push(() => consumer.stop());
    return { redis, stream, deadLetterStream, consumer };
  }

  it("sets a rejected entry aside at its first delivery with the reason, warns about it, and replays or discards it on request", async () => {
    const processed: string[] = [];
    let plantKnowsLine9 = false;
    const { redis, stream, deadLetterStream, consumer } = await setup({
      handle: async (entry: ConsumedEntry) => {
        if (entry.fields.line === "bagging-9" && !plantKnowsLine9) {
          throw new StreamEntryRejected("line 'bagging-9' is not in the plant model");
        }
        processed.push(entry.fields.n!);
      },
    });
    await redis.xAdd(stream, "*", { n: "1", line: "bagging-1" });
    const badId = await redis.xAdd(stream, "*", { n: "2", line: "bagging-9" });
    await redis.xAdd(stream, "*", { n: "3", line: "bagging-1" });
    await waitUntil(async () => (await redis.xLen(deadLetterStream)) === 1, {
      what: "the rejected entry dead-lettered",
      timeoutMs: 10_000,
    });
    await waitUntil(() => processed.length === 2, { what: "the others processed", timeoutMs: 10_000 });
    expect(processed).toEqual(["1", "3"]);
    expect(Number((await redis.xPending(stream, "production")).pending)).toBe(0);

    const [letter] = await listDeadLetters(redis, deadLetterStream);
    expect(letter).toMatchObject({
      stream,
      id: badId,
      group: "production",
      kind: "rejected",
      deliveries: 1,
      error: "line 'bagging-9' is not in the plant model",
      fields: { n: "2", line: "bagging-9" },
    });

    const health = await streamConsumerHealthCheck({ redis, consumer })();
    expect(health.ok).toBe(true);
    expect(health.warning).toContain("1 dead letter(s)");
    const registry = createMetricsRegistry("dead-letters-test");
    registerStreamConsumerMetrics(registry, { redis, consumer });
    expect(await registry.metrics()).toContain(
      'ms5_stream_dead_letters{group="production",service="dead-letters-test"} 1',
    );

    // The plant model now knows the line: the replayed entry goes through.
    plantKnowsLine9 = true;
    const replayedId = await replayDeadLetter(redis, deadLetterStream, letter!.letterId);
    expect(replayedId).not.toBe(badId);
    await waitUntil(() => processed.includes("2"), { what: "the replayed entry processed", timeoutMs: 10_000 });
    expect(await redis.xLen(deadLetterStream)).toBe(0);

    plantKnowsLine9 = false;
    await redis.xAdd(stream, "*", { n: "4", line: "bagging-9" });
    await waitUntil(async () => (await redis.xLen(deadLetterStream)) === 1, {
      what: "the second rejection dead-lettered",
      timeoutMs: 10_000,
    });
    const [second] = await listDeadLetters(redis, deadLetterStream);
    await discardDeadLetter(redis, deadLetterStream, second!.letterId);
    expect(await redis.xLen(deadLetterStream)).toBe(0);
    expect(processed).toEqual(["1", "3", "2"]);
    expect((await streamConsumerHealthCheck({ redis, consumer })()).warning).toBeUndefined();
  });

  it("keeps the dead-letter stream bounded", async () => {
    const { redis, stream, deadLetterStream, consumer } = await setup({
      handle: async () => {
        throw new StreamEntryRejected("never applicable");
      },
      settings: { blockMs: 100, claimIdleMs: 60_000, deadLetterMaxLen: 100, batchSize: 500 },
    });
    for (let n = 0; n < 400; n++) await redis.xAdd(stream, "*", { n: String(n) });
    await waitUntil(() => consumer.stats.deadLettered === 400, {
      what: "every entry dead-lettered",
      timeoutMs: 10_000,
    });
    // MAXLEN ~ trims whole nodes of the stream: about the bound, never all 400.
    expect(await redis.xLen(deadLetterStream)).toBeLessThan(250);
  });
});
