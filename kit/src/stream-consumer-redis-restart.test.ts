// The stream consumer through a Redis restart, against a redis-server of its own (append-only file,
// fsync on every write): an XACK in flight when the connection drops is retried once Redis is back,
// the read loop and the claim timer survive, and nothing is handled twice or left pending.

import { waitUntil } from "@ms5/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "./logger.ts";
import { createRedisClient, type RedisClient } from "./redis-client.ts";
import { type ConsumedEntry, StreamConsumer } from "./stream-consumer.ts";
import { type RestartableRedisServer, startRestartableRedisServer } from "./testing/restartable-redis-server.ts";

const logger = createLogger({ service: "stream-consumer-redis-restart-test", level: "silent" });

describe("the stream consumer across a Redis restart", () => {
  let server: RestartableRedisServer;
  let redis: RedisClient;

  beforeAll(async () => {
    server = await startRestartableRedisServer({ name: "ms5-consumer-redis", stopGraceMs: 5_000 });
    redis = createRedisClient({ url: server.url, maxReconnectDelayMs: 100 });
    await redis.connect();
    // A kill -9 must not lose what was written before it.
    await redis.configSet("appendfsync", "always");
  });
  afterAll(async () => {
    redis?.destroy();
    await server?.close();
  });

  it("retries the acknowledgement Redis dropped mid-flight, keeps reading after the restart, and handles each entry once", async () => {
    const stream = "ms5test:restart:{line-1}:telemetry";
    await redis.xAdd(stream, "*", { n: "1" });
    await redis.xAdd(stream, "*", { n: "2" });
    const batches: string[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let returned = false;
    const consumer = new StreamConsumer({
      redis,
      streams: [stream],
      group: "production",
      consumer: "restart-1",
      logger,
      deadLetterStream: "ms5test:restart:dead-letter:production",
      settings: {
        blockMs: 100,
        claimIntervalMs: 10,
        claimIdleMs: 60_000,
        retryInitialDelayMs: 20,
        retryMaxDelayMs: 100,
      },
      handle: async (entry: ConsumedEntry) => void batches.push([entry.fields.n!]),
      handleBatch: async (entries) => {
        batches.push(entries.map((e) => e.fields.n!));
        if (batches.length === 1) await gate;
        returned = true;
      },
    });
    await consumer.start();
    try {
      await waitUntil(() => batches.length === 1, { what: "the first batch in the handler", timeoutMs: 15_000 });
      expect(batches[0]).toEqual(["1", "2"]);

      // Frozen, Redis takes the XACK into its socket and never answers; killed, it drops the
      // connection with the XACK (and the claim timer's commands) in flight.
      process.kill(server.pid, "SIGSTOP");
      release();
      await waitUntil(() => returned, { what: "the batch committed", timeoutMs: 15_000 });
      await new Promise((resolve) => setImmediate(resolve));
      process.kill(server.pid, "SIGKILL");
      await server.stop();
      await server.start();

      await waitUntil(async () => Number((await redis.xPending(stream, "production")).pending) === 0, {
        what: "the dropped acknowledgement retried",
        timeoutMs: 15_000,
      });
      await redis.xAdd(stream, "*", { n: "3" });
      await waitUntil(() => batches.flat().includes("3"), {
        what: "the entry written after the restart handled",
        timeoutMs: 15_000,
      });
      expect(batches.flat()).toEqual(["1", "2", "3"]);
    } finally {
      await consumer.stop();
    }
  });
});
