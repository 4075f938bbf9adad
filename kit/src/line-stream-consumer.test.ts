// The kit's line-stream consumer: reads one kind of stream of every active line, rejects entries of
// equipment the plant model lacks, and runs each handler under a correlation id naming its entry.
import { STREAM_SCHEMA_VERSION, streamKey } from "@ms5/schema";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { startLineStreamConsumer, streamEntryCorrelationId } from "./line-stream-consumer.ts";
import { createLogger, currentCorrelationId } from "./logger.ts";
import { createRedisClient } from "./redis-client.ts";
import type { StreamConsumer } from "./stream-consumer.ts";
import { listDeadLetters } from "./stream-dead-letters.ts";
import { testRedisPrefix } from "./testing/redis-key-prefix.ts";

const logger = createLogger({ service: "line-stream-consumer-test", level: "silent" });

describe("the line-stream consumer", () => {
  const { runId, redisUrl } = inject("testRun");
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("reads the active lines' streams of its kind, each handler under its entry's correlation id, and dead-letters unknown equipment", async () => {
    const keyPrefix = `${testRedisPrefix(runId)}line-stream:`;
    const redis = createRedisClient({ url: redisUrl });
    await redis.connect();
    cleanups.push(() => redis.destroy());
    const equipmentLoads: string[] = [];
    const handled: { id: string; stream: string; correlationId: string | undefined; lineId: string }[] = [];
    const consumer: StreamConsumer = await startLineStreamConsumer<{ lineId: string }>({
      redis,
      logger,
      kind: "faults",
      group: "line-stream-test",
      consumerName: "a",
      keyPrefix,
      settings: { blockMs: 100, claimIdleMs: 60_000 },
      activeLineCodes: async () => ["line-a", "line-b"],
      loadEquipment: async (code) => {
        equipmentLoads.push(code);
        return code === "EQ-GHOST" ? null : { lineId: `id-of-${code}` };
      },
      async handle(entry, { equipmentOf }) {
        const equipment = await equipmentOf(entry.fields.equipment!);
        handled.push({ id: entry.id, stream: entry.stream, correlationId: currentCorrelationId(), ...equipment });
      },
    });
    cleanups.push(() => consumer.stop());

    const fields = (equipment: string) => ({ v: STREAM_SCHEMA_VERSION, type: "fault", equipment });
    const onA = await redis.xAdd(streamKey("line-a", "faults", keyPrefix), "*", fields("EQ-1"));
    const onB = await redis.xAdd(streamKey("line-b", "faults", keyPrefix), "*", fields("EQ-1"));
    await redis.xAdd(streamKey("line-a", "telemetry", keyPrefix), "*", fields("EQ-1"));
    const ghost = await redis.xAdd(streamKey("line-a", "faults", keyPrefix), "*", fields("EQ-GHOST"));

    await vi.waitFor(async () => {
      expect(handled).toHaveLength(2);
      expect(await listDeadLetters(redis, `${keyPrefix}dead-letter:line-stream-test`)).toHaveLength(1);
    });
    expect(handled).toEqual(
      expect.arrayContaining([
        {
          id: onA,
          stream: streamKey("line-a", "faults", keyPrefix),
          correlationId: `${streamKey("line-a", "faults", keyPrefix)}/${onA}`,
          lineId: "id-of-EQ-1",
        },
        {
          id: onB,
          stream: streamKey("line-b", "faults", keyPrefix),
          correlationId: streamEntryCorrelationId({ stream: streamKey("line-b", "faults", keyPrefix), id: onB }),
          lineId: "id-of-EQ-1",
        },
      ]),
    );
    // The equipment was read once for both entries (cached), the unknown one once.
    expect(equipmentLoads.sort()).toEqual(["EQ-1", "EQ-GHOST"]);
    const [deadLetter] = await listDeadLetters(redis, `${keyPrefix}dead-letter:line-stream-test`);
    expect(JSON.stringify(deadLetter)).toContain(ghost);
    expect(JSON.stringify(deadLetter)).toContain("not in the plant model");
  });
});
