import { waitUntil } from "@ms5/test-support";
import { afterEach, describe, expect, inject, it } from "vitest";
import { createLogger } from "./logger.ts";
import type { ConsumedEntry } from "./stream-consumer.ts";
import { StreamConsumerTestBench } from "./testing/stream-consumer-test-bench.ts";

const logger = createLogger({ service: "stream-consumer-test", level: "silent" });

describe("the stream consumer", () => {
  const { runId, redisUrl } = inject("testRun");
  const bench = new StreamConsumerTestBench({ runId, redisUrl, name: "consumer", logger });
  afterEach(() => bench.cleanup());

  async function setup() {
    const { redis, stream, deadLetterStream, start, add } = await bench.setup();
    return { redis, stream, deadLetterStream, start, add };
  }

  it("consumes entries written before its group existed, in stream order", async () => {
    const { add, start } = await setup();
    for (let n = 1; n <= 5; n++) await add(n);
    const seen: string[] = [];
    await start({ consumer: "a", handle: async (e) => void seen.push(e.fields.n!) });
    await waitUntil(() => seen.length === 5, { what: "all five", timeoutMs: 5_000 });
    expect(seen).toEqual(["1", "2", "3", "4", "5"]);
  });

  it("acknowledges an entry only after its handler has finished", async () => {
    const { add, start, redis, stream } = await setup();
    let release!: () => void;
    const handled = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered = false;
    await start({
      consumer: "a",
      handle: async () => {
        entered = true;
        await handled;
      },
    });
    await add(1);
    await waitUntil(() => entered, { what: "handler entered", timeoutMs: 5_000 });
    expect((await redis.xPending(stream, "production")).pending).toBe(1);
    release();
    await waitUntil(async () => (await redis.xPending(stream, "production")).pending === 0, {
      what: "acknowledged",
      timeoutMs: 5_000,
    });
  });

  it("handles the entries it read ahead before a graceful stop returns, leaving none pending", async () => {
    const { add, start, redis, stream } = await setup();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const seen: string[] = [];
    const consumer = await start({
      consumer: "a",
      handle: async (entry) => {
        await gate;
        seen.push(entry.fields.n!);
      },
      settings: { batchSize: 1 },
    });
    await add(1);
    await add(2);
    // The first entry is in the handler, the second read ahead.
    await waitUntil(async () => (await redis.xPending(stream, "production")).pending === 2, {
      what: "both read",
      timeoutMs: 5_000,
    });
    const stopped = consumer.stop();
    release();
    await stopped;
    expect(seen).toEqual(["1", "2"]);
    expect((await redis.xPending(stream, "production")).pending).toBe(0);
  });

  it("takes over the pending entries of a consumer that died, so none is lost", async () => {
    const { add, start, redis, stream } = await setup();
    // Consumer "dead" reads two entries and never finishes them (its process is gone).
    await add(1);
    await add(2);
    const dead = await start({
      consumer: "dead",
      handle: () => new Promise<void>(() => {}),
      settings: { stopGraceMs: 50 },
    });
    await waitUntil(async () => (await redis.xPending(stream, "production")).pending === 2, {
      what: "both delivered to the dead consumer",
      timeoutMs: 5_000,
    });
    await dead.stop().catch(() => undefined);

    const seen: ConsumedEntry[] = [];
    await start({
      consumer: "alive",
      handle: async (e) => void seen.push(e),
      settings: { claimIdleMs: 100, claimIntervalMs: 50 },
    });
    await waitUntil(() => seen.length >= 2, { what: "reclaimed", timeoutMs: 5_000 });
    expect(seen.map((e) => e.fields.n).sort()).toEqual(["1", "2"]);
    expect(seen.every((e) => e.deliveries >= 2)).toBe(true);
    await waitUntil(async () => (await redis.xPending(stream, "production")).pending === 0, {
      what: "acknowledged",
      timeoutMs: 5_000,
    });
  });

  it("handles the entries it held when it died as soon as it starts again under its name, before any claim could take them", async () => {
    const { add, start, redis, stream } = await setup();
    await add(1);
    await add(2);
    const killed = await start({
      consumer: "instance-1",
      handle: () => new Promise<void>(() => {}),
      settings: { stopGraceMs: 50 },
    });
    await waitUntil(async () => (await redis.xPending(stream, "production")).pending === 2, {
      what: "both delivered to instance-1",
      timeoutMs: 5_000,
    });
    await killed.stop().catch(() => undefined);

    const seen: ConsumedEntry[] = [];
    // The claim idle time is far beyond the test: only taking back its own entries can finish them.
    await start({
      consumer: "instance-1",
      handle: async (e) => void seen.push(e),
      settings: { claimIdleMs: 3_600_000 },
    });
    await waitUntil(() => seen.length >= 2, { what: "handled again", timeoutMs: 5_000 });
    expect(seen.map((e) => e.fields.n)).toEqual(["1", "2"]);
    await waitUntil(async () => (await redis.xPending(stream, "production")).pending === 0, {
      what: "acknowledged",
      timeoutMs: 5_000,
    });
  });

  it("sends an entry that keeps failing to the dead-letter stream with its error, and goes on with the rest", async () => {
    const { add, start, redis, stream, deadLetterStream } = await setup();
    const processed: string[] = [];
    await start({
      consumer: "a",
      handle: async (e) => {
        if (e.fields.n === "2") throw new Error("line 'bagging-9' is not in the plant model");
        processed.push(e.fields.n!);
      },
      settings: { claimIdleMs: 50, claimIntervalMs: 30, maxDeliveries: 3 },
    });
    for (let n = 1; n <= 3; n++) await add(n);
    await waitUntil(async () => (await redis.xLen(deadLetterStream)) === 1, {
      what: "dead-lettered",
      timeoutMs: 5_000,
    });
    const [dead] = (await redis.xRange(deadLetterStream, "-", "+")) ?? [];
    expect(dead?.message).toMatchObject({
      stream,
      group: "production",
      deliveries: "3",
      error: "line 'bagging-9' is not in the plant model",
    });
    expect(JSON.parse(dead!.message.fields!)).toEqual({ n: "2" });
    expect(processed).toEqual(["1", "3"]);
    await waitUntil(async () => (await redis.xPending(stream, "production")).pending === 0, {
      what: "nothing pending",
      timeoutMs: 5_000,
    });
  });

  it("reports its lag and pending entries per stream", async () => {
    const { add, start, stream } = await setup();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const consumer = await start({ consumer: "a", handle: () => gate, settings: { batchSize: 1 } });
    for (let n = 1; n <= 4; n++) await add(n);
    // One entry being handled and the next already read (the consumer reads ahead): both pending.
    await waitUntil(async () => (await consumer.lag())[0]!.pending === 2, { what: "two delivered", timeoutMs: 5_000 });
    const [lag] = await consumer.lag();
    expect(lag).toMatchObject({ stream, pending: 2 });
    expect(lag!.lag).toBe(2);
    release();
  });
});
