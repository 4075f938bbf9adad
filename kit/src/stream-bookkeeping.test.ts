// Silent loss made visible and dead consumers cleaned up safely: entries MAXLEN trimmed before they
// were acknowledged are counted, gaps in a PLC's seq are found across its streams (per epoch), a
// consumer gone for good is removed only after its pending entries were taken over, and instance
// names are stable and distinct per host.

import { waitUntil } from "@ms5/test-support";
import { afterEach, describe, expect, inject, it } from "vitest";
import { claimInstanceId } from "./instance-identity.ts";
import { createLogger } from "./logger.ts";
import { streamConsumerHealthCheck } from "./stream-consumer-health.ts";
import { StreamSequenceAudit } from "./stream-sequence-audit.ts";
import { StreamConsumerTestBench } from "./testing/stream-consumer-test-bench.ts";

const logger = createLogger({ service: "stream-bookkeeping-test", level: "silent" });

describe("stream bookkeeping", () => {
  const { runId, redisUrl } = inject("testRun");
  const bench = new StreamConsumerTestBench({ runId, redisUrl, name: "bookkeeping", logger });
  const cleanups = bench.cleanups;
  afterEach(() => bench.cleanup());

  async function setup() {
    const { redis, prefix, stream, start } = await bench.setup();
    return { redis, prefix, stream, start };
  }

  it("counts entries MAXLEN trimmed before they were acknowledged, pending or never read, and warns about them", async () => {
    const { redis, stream, start } = await setup();
    for (let n = 1; n <= 3; n++) await redis.xAdd(stream, "*", { n: String(n) });
    const dead = await start({
      consumer: "dead",
      handle: () => new Promise<void>(() => {}),
      settings: { stopGraceMs: 50 },
    });
    await waitUntil(async () => Number((await redis.xPending(stream, "production")).pending) === 3, {
      what: "three delivered",
      timeoutMs: 10_000,
    });
    await dead.stop();
    for (let n = 4; n <= 5; n++) await redis.xAdd(stream, "*", { n: String(n) });
    await redis.xTrim(stream, "MAXLEN", 0);

    const alive = await start({
      consumer: "alive",
      handle: async () => undefined,
      settings: { blockMs: 100, claimIdleMs: 50, claimIntervalMs: 30 },
    });
    await waitUntil(() => alive.stats.trimmedBeforeAck === 3, {
      what: "the trimmed pending entries counted",
      timeoutMs: 10_000,
    });
    const [lag] = await alive.lag();
    expect(lag!.trimmedUnread).toBe(2);
    const health = await streamConsumerHealthCheck({ redis, consumer: alive })();
    expect(health).toMatchObject({ ok: true, detail: { trimmedBeforeAck: 5 } });
    expect(health.warning).toContain("5 entries trimmed before they were acknowledged");
  });

  it("removes a consumer gone for good only after taking over and handling its pending entries", async () => {
    const { redis, stream, start } = await setup();
    await redis.xAdd(stream, "*", { n: "1" });
    await redis.xAdd(stream, "*", { n: "2" });
    const gone = await start({
      consumer: "gone",
      handle: () => new Promise<void>(() => {}),
      settings: { stopGraceMs: 50 },
    });
    await waitUntil(async () => Number((await redis.xPending(stream, "production")).pending) === 2, {
      what: "both delivered to it",
      timeoutMs: 10_000,
    });
    await gone.stop();

    const seen: string[] = [];
    // Claims of idle entries would wait a minute: what it handles, it took over from the gone consumer.
    await start({
      consumer: "alive",
      handle: async (entry) => void seen.push(entry.fields.n!),
      settings: { blockMs: 100, claimIdleMs: 60_000, claimIntervalMs: 30, deadConsumerIdleMs: 100 },
    });
    await waitUntil(
      async () => {
        const consumers = (await redis.xInfoConsumers(stream, "production")) as unknown as Array<{ name: string }>;
        return !consumers.some((c) => c.name === "gone");
      },
      { what: "the gone consumer removed", timeoutMs: 10_000 },
    );
    expect(seen.sort()).toEqual(["1", "2"]);
    expect(Number((await redis.xPending(stream, "production")).pending)).toBe(0);
  });

  it("finds entries missing from a PLC's seq across its telemetry and faults streams, and takes a new epoch for a new sequence", async () => {
    const { redis, prefix } = await setup();
    const telemetry = `${prefix}{line-1}:telemetry`;
    const faults = `${prefix}{line-1}:faults`;
    await redis.xAdd(telemetry, "*", { plc: "PLC-A", seq: "0" });
    const audit = new StreamSequenceAudit({
      redis,
      listStreams: async () => [telemetry, faults],
      logger,
      settings: { intervalMs: 60_000 },
    });
    await audit.start();
    cleanups.push(() => audit.stop());

    const add = (stream: string, fields: Record<string, string>) => redis.xAdd(stream, "*", fields);
    await add(telemetry, { plc: "PLC-A", seq: "1" });
    await add(faults, { plc: "PLC-A", seq: "2" });
    await add(telemetry, { plc: "PLC-A", seq: "3" });
    await add(faults, { plc: "PLC-A", seq: "4" });
    // 5 and 6 never arrive.
    await add(telemetry, { plc: "PLC-A", seq: "7" });
    await add(telemetry, { plc: "PLC-B", seq: "41", epoch: "e1" });
    await add(telemetry, { plc: "PLC-B", seq: "42", epoch: "e1" });
    // The bridge restarted its counter under a new epoch: not a gap.
    await add(telemetry, { plc: "PLC-B", seq: "1", epoch: "e2" });
    await add(faults, { plc: "PLC-B", seq: "2", epoch: "e2" });
    await audit.audit();
    expect(Object.fromEntries(audit.gapsByPlc)).toEqual({ "PLC-A": 2 });

    await add(faults, { plc: "PLC-A", seq: "8" });
    await add(telemetry, { plc: "PLC-A", seq: "9" });
    await add(telemetry, { plc: "PLC-B", seq: "4", epoch: "e2" });
    await audit.audit();
    expect(Object.fromEntries(audit.gapsByPlc)).toEqual({ "PLC-A": 2, "PLC-B": 1 });
    expect(audit.totalGaps).toBe(3);
  });

  it("names instances on one host apart and gives a stopped instance's name back", async () => {
    const { redis, prefix } = await setup();
    const claim = () => claimInstanceId({ redis, service: "production", keyPrefix: prefix, logger, host: "plant-a" });
    const first = await claim();
    const second = await claim();
    expect([first.id, second.id]).toEqual(["plant-a-0", "plant-a-1"]);
    await first.release();
    const restarted = await claim();
    expect(restarted.id).toBe("plant-a-0");
    await second.release();
    await restarted.release();
    const configured = await claimInstanceId({
      redis,
      service: "production",
      keyPrefix: prefix,
      logger,
      configured: "line-pc-7",
    });
    expect(configured.id).toBe("line-pc-7");
  });
});
