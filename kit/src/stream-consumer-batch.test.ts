// The stream consumer's batch mode (handleBatch): one call per read across streams, acknowledged only
// after the call commits, and a failing batch taken apart so only the bad entry is retried and
// dead-lettered.

import { waitUntil } from "@ms5/test-support";
import { afterEach, describe, expect, inject, it } from "vitest";
import { createLogger } from "./logger.ts";
import { type ConsumedEntry, StreamConsumer } from "./stream-consumer.ts";
import { StreamConsumerTestBench } from "./testing/stream-consumer-test-bench.ts";

const logger = createLogger({ service: "stream-consumer-batch-test", level: "silent" });

describe("the stream consumer in batch mode", () => {
  const { runId, redisUrl } = inject("testRun");
  const bench = new StreamConsumerTestBench({ runId, redisUrl, name: "batch", logger });
  const cleanups = bench.cleanups;
  afterEach(() => bench.cleanup());

  async function setup() {
    const { redis, streams, deadLetterStream, pending } = await bench.setup(2);
    return { redis, streams, deadLetterStream, pending };
  }

  it("hands one read's entries of both streams to one call, each stream in order, and acknowledges them after it", async () => {
    const { redis, streams, deadLetterStream, pending } = await setup();
    for (let n = 1; n <= 4; n++) {
      for (const stream of streams) await redis.xAdd(stream, "*", { n: String(n) });
    }
    const calls: ConsumedEntry[][] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const consumer = new StreamConsumer({
      redis,
      streams,
      group: "production",
      consumer: "a",
      logger,
      deadLetterStream,
      handle: async () => {
        throw new Error("a batch that commits never goes entry by entry");
      },
      handleBatch: async (entries) => {
        calls.push(entries);
        await released;
      },
    });
    await consumer.start();
    cleanups.push(() => consumer.stop());

    await waitUntil(() => calls.length === 1, { what: "the batch call", timeoutMs: 5_000 });
    expect(calls[0]).toHaveLength(8);
    for (const stream of streams) {
      expect(calls[0]!.filter((e) => e.stream === stream).map((e) => e.fields.n)).toEqual(["1", "2", "3", "4"]);
    }
    expect(await pending()).toBe(8);
    release();
    await waitUntil(async () => (await pending()) === 0, { what: "every entry acknowledged", timeoutMs: 5_000 });
    expect(await redis.exists(deadLetterStream)).toBe(0);
  });

  it("takes a failing batch apart: the good entries are handled one by one, the bad one is dead-lettered alone", async () => {
    const { redis, streams, deadLetterStream, pending } = await setup();
    for (const n of ["1", "bad", "3"]) await redis.xAdd(streams[0]!, "*", { n });
    const handled: string[] = [];
    const consumer = new StreamConsumer({
      redis,
      streams,
      group: "production",
      consumer: "a",
      logger,
      deadLetterStream,
      settings: { claimIdleMs: 50, claimIntervalMs: 25, maxDeliveries: 2 },
      handle: async (entry) => {
        if (entry.fields.n === "bad") throw new Error("cannot apply entry 'bad'");
        handled.push(entry.fields.n!);
      },
      handleBatch: async (entries) => {
        if (entries.some((entry) => entry.fields.n === "bad")) throw new Error("the batch holds a bad entry");
      },
    });
    await consumer.start();
    cleanups.push(() => consumer.stop());

    await waitUntil(async () => (await redis.xLen(deadLetterStream)) === 1, {
      what: "the bad entry dead-lettered",
      timeoutMs: 5_000,
    });
    await waitUntil(async () => (await pending()) === 0, { what: "nothing left pending", timeoutMs: 5_000 });
    expect(handled).toEqual(["1", "3"]);
    const [letter] = (await redis.xRange(deadLetterStream, "-", "+")) ?? [];
    expect(letter?.message).toMatchObject({ error: "cannot apply entry 'bad'", group: "production" });
  });
});
