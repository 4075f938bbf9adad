import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createLogger, createRedisClient, startRedisServer } from "@ms5/kit";
import { freePort, testRedisPrefix } from "@ms5/kit/testing";
import { afterAll, afterEach, describe, expect, inject, it } from "vitest";
import { DiskBuffer, type DiskBufferFileSystem } from "./disk-buffer.ts";
import type { UnsequencedEntry } from "./equipment-signal-processor.ts";
import { StreamPublisher } from "./stream-publisher.ts";

const logger = createLogger({ service: "plc-bridge-test", level: "silent" });
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "ms5-publisher-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function connect(url: string) {
  const client = createRedisClient({ url, failFastWhenDisconnected: true, maxReconnectDelayMs: 500 });
  await client.connect();
  cleanups.push(() => client.destroy());
  return client;
}

function sample(line: string, equipment: string, value: number): UnsequencedEntry {
  return {
    type: "sample",
    line,
    equipment,
    ts: Date.now(),
    fields: { signal: "speed", value: String(value), reason: "change" },
  };
}

/** A publisher over a fresh disk buffer in a temporary folder. */
function newPublisher(redis: Awaited<ReturnType<typeof connect>>, options: { dir?: string; maxLen?: number } = {}) {
  const dir = options.dir ?? tempDir();
  return new StreamPublisher({
    redis,
    buffer: new DiskBuffer({ dir, fsync: false }),
    stateDir: dir,
    logger,
    keyPrefix: prefix,
    ...(options.maxLen ? { maxLen: options.maxLen } : {}),
  });
}

let prefix = "";

async function readAll(client: Awaited<ReturnType<typeof connect>>, key: string) {
  return ((await client.xRange(key, "-", "+")) ?? []).map((e) => e.message);
}

describe("the stream publisher", () => {
  const { runId, redisUrl } = inject("testRun");
  prefix = testRedisPrefix(runId);

  it("appends sequence-numbered, versioned entries to one stream per line and kind", async () => {
    const redis = await connect(redisUrl);
    const publisher = newPublisher(redis);
    publisher.publish("PLC-A", [sample("line-a", "EQ-1", 1), sample("line-a", "EQ-1", 2)]);
    publisher.publish("PLC-A", [
      {
        type: "fault",
        line: "line-a",
        equipment: "EQ-1",
        ts: 1_700_000_000_000,
        fields: { edge: "rising", bitIndex: "4", faultCode: "BG-004", faultText: "Jam", firstOut: "true" },
      },
    ]);
    publisher.publish("PLC-B", [sample("line-b", "EQ-9", 7)]);
    await publisher.drain();

    const telemetry = await readAll(redis, `${prefix}{line-a}:telemetry`);
    expect(telemetry.map((m) => [m.plc, m.seq, m.value])).toEqual([
      ["PLC-A", "1", "1"],
      ["PLC-A", "2", "2"],
    ]);
    expect(telemetry[0]).toMatchObject({ v: "1", type: "sample", equipment: "EQ-1", line: "line-a", signal: "speed" });
    expect(await readAll(redis, `${prefix}{line-a}:faults`)).toEqual([
      {
        v: "1",
        type: "fault",
        plc: "PLC-A",
        epoch: publisher.epoch,
        seq: "3",
        equipment: "EQ-1",
        line: "line-a",
        ts: "1700000000000",
        edge: "rising",
        bitIndex: "4",
        faultCode: "BG-004",
        faultText: "Jam",
        firstOut: "true",
      },
    ]);
    expect((await readAll(redis, `${prefix}{line-b}:telemetry`)).map((m) => [m.plc, m.seq])).toEqual([["PLC-B", "1"]]);
  });

  it("continues each PLC's sequence after a restart", async () => {
    const redis = await connect(redisUrl);
    const dir = tempDir();
    const first = newPublisher(redis, { dir });
    first.publish("PLC-R", [sample("line-r", "EQ", 1), sample("line-r", "EQ", 2)]);
    await first.stop();
    const second = newPublisher(redis, { dir });
    second.publish("PLC-R", [sample("line-r", "EQ", 3)]);
    await second.drain();
    expect(second.epoch).toBe(first.epoch);
    expect((await readAll(redis, `${prefix}{line-r}:telemetry`)).map((m) => m.seq)).toEqual(["1", "2", "3"]);
  });

  it("resumes from its buffer when the state on disk is older (killed between an append and the state's save)", async () => {
    const redis = await connect(redisUrl);
    const dir = tempDir();
    writeFileSync(
      path.join(dir, "sequence.json"),
      JSON.stringify({
        epoch: "ep-1",
        lastSeq: { "PLC-B": 5 },
        counters: { "EQ-B": { good: 450, reject: 3, seq: 5 } },
      }),
    );
    const buffer = new DiskBuffer({ dir, fsync: false });
    buffer.append([
      {
        key: `${prefix}{line-b}:telemetry`,
        plc: "PLC-B",
        seq: 8,
        fields: { type: "counts", equipment: "EQ-B", epoch: "ep-1", seq: "8", goodTotal: "500", rejectTotal: "4" },
      },
    ]);
    buffer.close();
    const publisher = newPublisher(redis, { dir });
    expect(publisher.epoch).toBe("ep-1");
    expect(publisher.peekNextSeq("PLC-B")).toBe(9);
    expect(publisher.savedCounterTotals("EQ-B")).toEqual({ good: 500, reject: 4, seq: 8 });
  });

  it("counts on from the totals Redis holds when the saved state is ahead of them (killed between the state's save and the send)", async () => {
    const redis = await connect(redisUrl);
    await redis.xAdd(`${prefix}{line-c}:telemetry`, "*", {
      type: "counts",
      equipment: "EQ-C",
      plc: "PLC-C",
      epoch: "ep-1",
      seq: "4",
      goodTotal: "400",
      rejectTotal: "2",
    });
    // Another machine's entries after it: the look-back passes over them.
    for (let i = 0; i < 30; i++)
      await redis.xAdd(`${prefix}{line-c}:telemetry`, "*", {
        type: "sample",
        equipment: "EQ-D",
        plc: "PLC-C",
        epoch: "ep-1",
        seq: String(5 + i),
      });
    const dir = tempDir();
    // The state claims seq 40 with 450 good, an entry Redis never took.
    writeFileSync(
      path.join(dir, "sequence.json"),
      JSON.stringify({
        epoch: "ep-1",
        lastSeq: { "PLC-C": 40 },
        counters: { "EQ-C": { good: 450, reject: 3, seq: 40 } },
      }),
    );
    const publisher = newPublisher(redis, { dir });

    const totals = await publisher.counterTotalsAtStart([{ code: "EQ-C", line: "line-c" }]);

    expect(totals.get("EQ-C")).toEqual({ good: 400, reject: 2, seq: 4 });
  });

  it("redeployed with an empty buffer folder, counts on from the totals Redis holds instead of from its first reading", async () => {
    const redis = await connect(redisUrl);
    await redis.xAdd(`${prefix}{line-w}:telemetry`, "*", {
      type: "counts",
      equipment: "EQ-W",
      plc: "PLC-W",
      epoch: "ep-old",
      seq: "9",
      goodTotal: "1200",
      rejectTotal: "7",
    });
    const publisher = newPublisher(redis);

    const totals = await publisher.counterTotalsAtStart([
      { code: "EQ-W", line: "line-w" },
      { code: "EQ-NEVER", line: "line-w" },
    ]);

    expect(totals.get("EQ-W")).toEqual({ good: 1200, reject: 7, seq: 9 });
    expect(totals.get("EQ-NEVER")).toBeUndefined();
  });

  it("counts on from its buffer's totals when they are newer than Redis's, and from Redis's when the buffer's were delivered before them", async () => {
    const redis = await connect(redisUrl);
    const key = `${prefix}{line-n}:telemetry`;
    const counts = (equipment: string, epoch: string, seq: number, good: number) => ({
      type: "counts",
      equipment,
      plc: "PLC-N",
      epoch,
      seq: String(seq),
      goodTotal: String(good),
      rejectTotal: "0",
    });
    await redis.xAdd(key, "*", counts("EQ-PENDING", "lkv0000-aa", 3, 300));
    await redis.xAdd(key, "*", counts("EQ-DELIVERED", "lkv0001-bb", 2, 900));
    const dir = tempDir();
    const buffer = new DiskBuffer({ dir, fsync: false });
    buffer.append([
      { key, plc: "PLC-N", seq: 5, fields: counts("EQ-PENDING", "lkv0000-aa", 5, 320) },
      // An older epoch's record left in the buffer: Redis holds newer totals of a later epoch.
      { key, plc: "PLC-N", seq: 7, fields: counts("EQ-DELIVERED", "lkv0000-aa", 7, 800) },
    ]);
    buffer.close();
    const publisher = newPublisher(redis, { dir });

    const totals = await publisher.counterTotalsAtStart([
      { code: "EQ-PENDING", line: "line-n" },
      { code: "EQ-DELIVERED", line: "line-n" },
    ]);

    expect(totals.get("EQ-PENDING")).toEqual({ good: 320, reject: 0, seq: 5 });
    expect(totals.get("EQ-DELIVERED")).toEqual({ good: 900, reject: 0, seq: 2 });
  });

  it("redeployed with an empty buffer folder while Redis keeps the streams, opens a new epoch and skips none of its fresh entries", async () => {
    const redis = await connect(redisUrl);
    const first = newPublisher(redis);
    first.publish(
      "PLC-E",
      Array.from({ length: 20 }, (_, i) => sample("line-e", "EQ", i + 1)),
    );
    await first.stop();
    const second = newPublisher(redis);
    second.publish("PLC-E", [sample("line-e", "EQ", 101), sample("line-e", "EQ", 102), sample("line-e", "EQ", 103)]);
    await second.drain();

    const entries = await readAll(redis, `${prefix}{line-e}:telemetry`);
    expect(entries.map((m) => Number(m.value))).toEqual([
      ...Array.from({ length: 20 }, (_, i) => i + 1),
      101,
      102,
      103,
    ]);
    expect(second.epoch).not.toBe(first.epoch);
    expect(entries.slice(20).map((m) => [m.epoch, m.seq])).toEqual([
      [second.epoch, "1"],
      [second.epoch, "2"],
      [second.epoch, "3"],
    ]);
    expect(second.published).toBe(3);
  });

  it("starts a new epoch when its sequence state is unreadable, instead of reusing numbers Redis holds", async () => {
    const redis = await connect(redisUrl);
    const dir = tempDir();
    const first = newPublisher(redis, { dir });
    first.publish(
      "PLC-U",
      Array.from({ length: 20 }, (_, i) => sample("line-u", "EQ", i + 1)),
    );
    await first.stop();
    writeFileSync(path.join(dir, "sequence.json"), '{"epoch":"x","lastSeq":{"PLC-U":2');
    const second = newPublisher(redis, { dir });
    second.publish("PLC-U", [sample("line-u", "EQ", 101), sample("line-u", "EQ", 102)]);
    await second.drain();
    expect((await readAll(redis, `${prefix}{line-u}:telemetry`)).map((m) => Number(m.value)).slice(18)).toEqual([
      19, 20, 101, 102,
    ]);
    expect(second.epoch).not.toBe(first.epoch);
  });

  it("removes a sequence state it cannot keep current (a full disk), so the next start opens a new epoch and skips nothing", async () => {
    const redis = await connect(redisUrl);
    const dir = tempDir();
    const failures: unknown[] = [];
    const first = new StreamPublisher({
      redis,
      buffer: new DiskBuffer({ dir, fsync: false }),
      stateDir: dir,
      logger,
      keyPrefix: prefix,
      onStateWriteFailure: (error) => failures.push(error),
    });
    first.publish(
      "PLC-F",
      Array.from({ length: 5 }, (_, i) => sample("line-f", "EQ", i + 1)),
    );
    await first.drain();
    expect(existsSync(path.join(dir, "sequence.json"))).toBe(true);
    // The temporary file cannot be created from now on: every save fails, as on a full disk.
    mkdirSync(path.join(dir, "sequence.json.tmp"));
    first.publish(
      "PLC-F",
      Array.from({ length: 10 }, (_, i) => sample("line-f", "EQ", i + 6)),
    );
    await first.drain();
    expect(failures.length).toBeGreaterThan(0);
    expect(existsSync(path.join(dir, "sequence.json"))).toBe(false);
    // Killed: no stop. The next start cannot resume the numbers 6-15 are using.
    const second = newPublisher(redis, { dir });
    second.publish("PLC-F", [sample("line-f", "EQ", 101), sample("line-f", "EQ", 102)]);
    await second.drain();
    expect((await readAll(redis, `${prefix}{line-f}:telemetry`)).map((m) => Number(m.value))).toEqual([
      ...Array.from({ length: 15 }, (_, i) => i + 1),
      101,
      102,
    ]);
  });

  it("trims each stream to about its MAXLEN", async () => {
    const redis = await connect(redisUrl);
    const publisher = newPublisher(redis, { maxLen: 1_000 });
    for (let i = 0; i < 20; i++)
      publisher.publish(
        "PLC-T",
        Array.from({ length: 500 }, (_, j) => sample("line-t", "EQ", i * 500 + j)),
      );
    await publisher.drain();
    const length = await redis.xLen(`${prefix}{line-t}:telemetry`);
    expect(length).toBeGreaterThanOrEqual(1_000);
    expect(length).toBeLessThan(2_000);
  });

  describe("with its own Redis that the test stops and restarts", () => {
    let redisDir: string;
    afterAll(() => {
      if (redisDir) rmSync(redisDir, { recursive: true, force: true });
    });

    it("loses nothing while Redis is down under load: order kept, sequence numbers gap-free, no duplicates", async () => {
      redisDir = mkdtempSync(path.join(tmpdir(), "ms5-redis-"));
      const port = await freePort();
      const serverOptions = { port, dataDir: redisDir, readyTimeoutMs: 10_000, stopGraceMs: 5_000 };
      let server = await startRedisServer(serverOptions);
      cleanups.push(() => server.stop());
      const redis = await connect(server.url);
      const dir = tempDir();
      const buffer = new DiskBuffer({ dir, fsync: false });
      const publisher = new StreamPublisher({ redis, buffer, stateDir: dir, logger, sendTimeoutMs: 500 });

      let produced = 0;
      let bufferedAtSomePoint = 0;
      const produce = async (ms: number) => {
        const until = Date.now() + ms;
        while (Date.now() < until) {
          const batch = Array.from({ length: 50 }, () => sample("bagging-1", "BAGGER-1", ++produced));
          publisher.publish("PLC-BAG1", batch);
          bufferedAtSomePoint = Math.max(bufferedAtSomePoint, buffer.depth);
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      };

      await produce(600);
      await server.stop();
      await produce(1_500);
      server = await startRedisServer(serverOptions);
      await produce(600);
      // Let the replay finish.
      for (let i = 0; i < 100 && (buffer.depth > 0 || publisher.queued > 0); i++) {
        publisher.requestFlush();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await publisher.drain();

      expect(bufferedAtSomePoint).toBeGreaterThan(0);
      expect(buffer.depth).toBe(0);
      const entries = await readAll(redis, "ms5:{bagging-1}:telemetry");
      const seqs = entries.map((m) => Number(m.seq));
      expect(seqs.length).toBe(produced);
      expect(seqs).toEqual(Array.from({ length: produced }, (_, i) => i + 1));
      expect(entries.map((m) => Number(m.value))).toEqual(seqs);
    });

    it("keeps in memory what a full disk refuses while Redis is down, and delivers all of it in order, none twice, when Redis is back", async () => {
      redisDir ??= mkdtempSync(path.join(tmpdir(), "ms5-redis-"));
      const port = await freePort();
      const serverOptions = { port, dataDir: redisDir, readyTimeoutMs: 10_000, stopGraceMs: 5_000 };
      let server = await startRedisServer(serverOptions);
      cleanups.push(() => server.stop());
      const redis = await connect(server.url);
      const dir = tempDir();
      // Room for a few records, then the disk is full.
      const room = { bytes: 1_500 };
      const fullDisk: DiskBufferFileSystem = {
        write(fd, data, offset, length, position) {
          if (room.bytes <= 0) throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
          const n = writeSync(fd, data, offset, Math.min(length, room.bytes), position);
          room.bytes -= n;
          return n;
        },
        fsync() {},
      };
      const buffer = new DiskBuffer({ dir, fileSystem: fullDisk });
      const publisher = new StreamPublisher({ redis, buffer, stateDir: dir, logger, sendTimeoutMs: 500 });

      publisher.publish(
        "PLC-FULL",
        Array.from({ length: 10 }, (_, i) => sample("full-1", "EQ", i + 1)),
      );
      await publisher.drain();
      await server.stop();
      for (let batch = 0; batch < 5; batch++) {
        publisher.publish(
          "PLC-FULL",
          Array.from({ length: 20 }, (_, i) => sample("full-1", "EQ", 11 + batch * 20 + i)),
        );
        await publisher.drain();
      }
      expect(buffer.writeFailures).toBeGreaterThan(0);
      expect(buffer.depth).toBeGreaterThan(0);
      expect(publisher.queued).toBeGreaterThan(0);
      expect(buffer.depth + publisher.queued).toBe(100);

      server = await startRedisServer(serverOptions);
      for (let i = 0; i < 100 && (buffer.depth > 0 || publisher.queued > 0); i++) {
        publisher.requestFlush();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await publisher.drain();
      const entries = await readAll(redis, "ms5:{full-1}:telemetry");
      expect(entries.map((m) => Number(m.value))).toEqual(Array.from({ length: 110 }, (_, i) => i + 1));
      expect(entries.map((m) => Number(m.seq))).toEqual(Array.from({ length: 110 }, (_, i) => i + 1));
    });
  });
});
