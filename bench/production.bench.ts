// `pnpm bench:production`: the production subgraph's live path, measured side by side in one run.
//   entries_per_s                stream entries one telemetry consumer applies per second (a backlog)
//   lag_p99_ms                   XADD -> committed, p99, with 10,000 entries/s offered (after a warm-up)
//   write_vs_copy_ratio          hot write path rows/s over COPY rows/s into the same table (worst
//                                of samples, counts, OEE buckets; each also reported; the whole
//                                OEE recompute, reads and computation included, as context)
//   sensor_to_subscriber_p50_ms  emulator state change -> gateway subscriber receives it, at the
//   sensor_to_subscriber_p99_ms  plant load (20 lines x 5 equipment x 50 tags at 1 Hz, 1,000 subscribers)
//   vs_bare_path_ratio           that p50 over a bare bridge -> Redis -> ws path's p50, same events
// Its own redis-server and database; the bridge, the subgraph + gateway and the bare relay run as
// child processes; this process runs the emulated PLCs and the subscribers.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { type ConsumedEntry, createLogger, createRedisClient, type RedisClient, startRedisServer } from "@ms5/kit";
import { freePort } from "@ms5/kit/testing";
import { parseStreamEntry } from "@ms5/schema/stream-entries";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { streamKey } from "../schema/src/streams.ts";
import {
  applyTelemetryBatch,
  type BatchedTelemetryEntry,
} from "../subgraphs/production/src/line-state/apply-telemetry-batch.ts";
import { startTelemetryConsumer } from "../subgraphs/production/src/line-state/telemetry-consumer.ts";
import {
  computeOeeRecords,
  recomputeOeeRecords,
  writeOeeRecords,
} from "../subgraphs/production/src/oee-records/recompute-oee-records.ts";
import { type BenchMetric, writeBenchResult } from "./bench-result.ts";
import { openBenchPlant } from "./production/bench-plant.ts";
import { entriesBehind, measureSensorToSubscriber } from "./production/sensor-to-subscriber.ts";
import { syntheticEntry } from "./production/synthetic-telemetry.ts";

const BENCH = {
  /** Entries in the backlog one consumer works through. */
  backlogEntries: 40_000,
  /** State changes alone: their own figure, the costliest entries. */
  stateBacklogEntries: 2_000,
  /** Offered rate and duration of the lag measurement. */
  offeredPerSecond: 10_000,
  lagWarmupSeconds: 2,
  lagSeconds: 10,
  /** Rows per table in the write-path comparison. */
  writeRows: 20_000,
  /** Rounds of OEE bucket writes and COPY, alternating; the medians are compared. */
  oeeRounds: 5,
  /** Hot path batch: what one consumer read applies at once. */
  writeBatch: 500,
  subscribersPerLine: 50,
  /** One state change every this many ms, round-robin over the lines, for this long. */
  changeEveryMs: 250,
  measureSeconds: 30,
  warmupSeconds: 8,
};

const logger = createLogger({ service: "bench-production", level: "warn" });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const REPO = path.resolve(import.meta.dirname, "..");
const workDir = mkdtempSync(path.join(tmpdir(), "ms5-bench-production-"));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

async function xaddAll(redis: RedisClient, entries: { key: string; fields: Record<string, string> }[]) {
  for (let i = 0; i < entries.length; i += 1_000) {
    const multi = redis.multi();
    for (const { key, fields } of entries.slice(i, i + 1_000)) multi.xAdd(key, "*", fields);
    await multi.execAsPipeline();
  }
}

/** entries_per_s: a backlog in the 20 lines' streams, one consumer, until every entry is applied. */
async function measureBacklog(
  plant: Awaited<ReturnType<typeof openBenchPlant>>,
  redis: RedisClient,
  redisUrl: string,
  count: number,
  kind?: "state",
) {
  const keyPrefix = `bench-backlog-${randomUUID().slice(0, 6)}:`;
  // Read times one millisecond apart, ending now: increasing, and older than anything later parts write.
  const readUntil = Date.now();
  const entries = Array.from({ length: count }, (_, i) => {
    const line = plant.lines[i % plant.lines.length]!;
    return {
      key: streamKey(line.code, "telemetry", keyPrefix),
      fields: syntheticEntry(line, Math.floor(i / plant.lines.length), i + 1, readUntil - count + i, kind),
    };
  });
  await xaddAll(redis, entries);
  const consumerRedis = createRedisClient({ url: redisUrl });
  await consumerRedis.connect();
  let applied = 0;
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  const started = performance.now();
  const consumer = await startTelemetryConsumer({
    prisma: plant.db.prisma,
    redis: consumerRedis,
    logger,
    consumerName: "bench-backlog",
    keyPrefix,
    settings: { blockMs: 100 },
    onApplied: (batch) => {
      applied += batch.length;
      if (applied >= count) done();
    },
  });
  await finished;
  const seconds = (performance.now() - started) / 1000;
  await consumer.stop();
  consumerRedis.destroy();
  return { entriesPerSecond: count / seconds };
}

/**
 * lag_p99_ms: 10,000 entries/s offered while one consumer applies them; the first lagWarmupSeconds
 * are not counted (the consumer's connections open and its statements are prepared then), the next
 * lagSeconds are.
 */
async function measureLag(plant: Awaited<ReturnType<typeof openBenchPlant>>, redis: RedisClient, redisUrl: string) {
  const keyPrefix = `bench-lag-${randomUUID().slice(0, 6)}:`;
  const consumerRedis = createRedisClient({ url: redisUrl });
  await consumerRedis.connect();
  const lags: number[] = [];
  const deliveryLags: number[] = [];
  let measureFrom = Number.POSITIVE_INFINITY;
  const consumer = await startTelemetryConsumer({
    prisma: plant.db.prisma,
    redis: consumerRedis,
    logger,
    consumerName: "bench-lag",
    keyPrefix,
    settings: { blockMs: 100 },
    onApplied: (batch: readonly ConsumedEntry[]) => {
      const now = Date.now();
      for (const entry of batch) {
        const added = Number(entry.id.split("-")[0]);
        // The warm-up runs from the first entry applied.
        if (measureFrom === Number.POSITIVE_INFINITY) measureFrom = added + BENCH.lagWarmupSeconds * 1_000;
        if (added >= measureFrom) {
          lags.push(now - added);
          deliveryLags.push(entry.receivedAt - added);
        }
      }
    },
  });
  // The producer is its own process, so its pacing does not share this event loop.
  const producer = spawn(
    process.execPath,
    ["--import", "tsx", path.join(import.meta.dirname, "production/stream-producer.ts")],
    {
      cwd: REPO,
      env: {
        ...process.env,
        REDIS_URL: redisUrl,
        STREAM_KEY_PREFIX: keyPrefix,
        LINES: JSON.stringify(plant.lines),
        RATE: String(BENCH.offeredPerSecond),
        SECONDS: String(BENCH.lagWarmupSeconds + BENCH.lagSeconds),
      },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let offered = { entries: 0, seconds: 1 };
  createInterface({ input: producer.stdout! }).on("line", (text) => {
    offered = JSON.parse(text) as typeof offered;
  });
  await new Promise((resolve) => producer.once("exit", resolve));
  const streams = plant.lines.map((line) => streamKey(line.code, "telemetry", keyPrefix));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if ((await entriesBehind(redis, streams)) === 0) break;
    await sleep(100);
  }
  await consumer.stop();
  consumerRedis.destroy();
  return {
    lagP50: percentile(lags, 50),
    lagP99: percentile(lags, 99),
    deliveryLagP50: percentile(deliveryLags, 50),
    deliveryLagP99: percentile(deliveryLags, 99),
    measured: lags.length,
    offeredPerSecond: offered.entries / offered.seconds,
  };
}

async function copyRows(client: pg.PoolClient, statement: string, rows: string[]): Promise<number> {
  const started = performance.now();
  await pipeline(Readable.from(rows.map((row) => `${row}\n`)), client.query(copyFrom(statement)));
  return rows.length / ((performance.now() - started) / 1000);
}

/** write_vs_copy_ratio: the consumer's write path and the OEE recompute against COPY into the same tables. */
async function measureWritePath(plant: Awaited<ReturnType<typeof openBenchPlant>>) {
  const prisma = plant.db.prisma;
  const eq = plant.lines[0]!.equipment[0]!;
  const ref = { id: eq.id, lineId: plant.lines[0]!.id, isConstraint: true, microStopThresholdSeconds: 120 };
  const base = Date.now() - 2 * 86_400_000;
  const batched = (type: "sample" | "counts", runId: string): BatchedTelemetryEntry[] =>
    Array.from({ length: BENCH.writeRows }, (_, i) => ({
      entry: parseStreamEntry("telemetry", {
        v: "1",
        plc: "PLC-BENCH",
        seq: String(i + 1),
        equipment: eq.code,
        line: plant.lines[0]!.code,
        ts: String(base + i * 1_000),
        ...(type === "sample"
          ? { type, signal: "analog0", value: String(i % 100) }
          : { type, goodDelta: "3", rejectDelta: "1" }),
      }),
      source: { stream: `bench-write-${runId}`, id: `${base + i}-0`, group: "production" },
      equipment: ref,
    }));

  async function hotPath(entries: BatchedTelemetryEntry[]): Promise<number> {
    const started = performance.now();
    for (let i = 0; i < entries.length; i += BENCH.writeBatch) {
      await applyTelemetryBatch(prisma, entries.slice(i, i + BENCH.writeBatch));
    }
    return entries.length / ((performance.now() - started) / 1000);
  }

  const pool = new pg.Pool({ connectionString: plant.db.url, max: 1 });
  const client = await pool.connect();
  try {
    const iso = (i: number) => new Date(base + i * 1_000).toISOString();
    const samplesHot = await hotPath(batched("sample", "s"));
    const samplesCopy = await copyRows(
      client,
      'COPY telemetry_sample ("equipmentId", signal, "recordedAt", value, "plcSequence") FROM STDIN',
      Array.from({ length: BENCH.writeRows }, (_, i) => `${eq.id}\tanalog1\t${iso(i)}\t${i % 100}\t${i + 1}`),
    );
    const countsHot = await hotPath(batched("counts", "c"));
    const countsCopy = await copyRows(
      client,
      'COPY production_count ("equipmentId", "lineId", "recordedAt", "goodDelta", "rejectDelta", "plcSequence", "sourceStreamId") FROM STDIN',
      Array.from(
        { length: BENCH.writeRows },
        (_, i) => `${eq.id}\t${ref.lineId}\t${iso(i)}\t3\t1\t${i + 1}\tbench-copy/${i}`,
      ),
    );

    // OEE buckets: a day of minute buckets computed from the event log (equipment + line rows),
    // then written as a recompute writes them into a day that has none yet (COPY writes new rows
    // too), alternating with COPY of as many rows, oeeRounds times, each round its own day: one
    // statement of ~50 ms is at the mercy of the machine's noise, a median of rounds less so. Then
    // the whole recompute of the first day (read, compute, write over the existing rows).
    const dayOf = (round: number) => new Date((Math.floor(base / 86_400_000) - round) * 86_400_000);
    const requestFor = (round: number) => ({
      equipmentId: eq.id,
      from: dayOf(round),
      to: new Date(dayOf(round).getTime() + 86_400_000),
      bucket: "MINUTE" as const,
      now: new Date(),
    });
    const oeeHotRounds: number[] = [];
    const oeeCopyRounds: number[] = [];
    let oeeRows = 0;
    for (let round = 0; round < BENCH.oeeRounds; round++) {
      const computed = await computeOeeRecords(prisma, requestFor(round));
      oeeRows = computed.windows.length * computed.subjects.length;
      const started = performance.now();
      await writeOeeRecords(prisma, computed);
      oeeHotRounds.push(oeeRows / ((performance.now() - started) / 1000));
      oeeCopyRounds.push(
        await copyRows(
          client,
          `COPY oee_record (id, scope, "lineId", "equipmentId", "subjectKey", bucket, "bucketStart", "bucketEnd",
            "plannedProductionSeconds", "runSeconds", "totalCount", "goodCount", "rejectCount",
            availability, performance, quality, oee, "breakdownSeconds", "setupAdjustmentSeconds",
            "smallStopSeconds", "reducedSpeedSeconds", "startupRejectSeconds", "productionRejectSeconds") FROM STDIN`,
          Array.from({ length: oeeRows }, (_, i) => {
            const start = new Date(dayOf(round).getTime() + (i % 1_440) * 60_000);
            const end = new Date(start.getTime() + 60_000);
            return [
              randomUUID(),
              "EQUIPMENT",
              ref.lineId,
              eq.id,
              `BENCH-COPY:${Math.floor(i / 1_440)}`,
              "MINUTE",
              start.toISOString(),
              end.toISOString(),
              60,
              60,
              40,
              39,
              1,
              1,
              1,
              0.975,
              0.975,
              0,
              0,
              0,
              0,
              0,
              1.5,
            ].join("\t");
          }),
        ),
      );
    }
    const oeeHot = percentile(oeeHotRounds, 50);
    const oeeCopy = percentile(oeeCopyRounds, 50);
    const started = performance.now();
    await recomputeOeeRecords(prisma, requestFor(0));
    const oeeRecomputeHot = oeeRows / ((performance.now() - started) / 1000);
    return { samplesHot, samplesCopy, countsHot, countsCopy, oeeHot, oeeRecomputeHot, oeeCopy, oeeRows };
  } finally {
    client.release();
    await pool.end();
  }
}

/** Parts to run (BENCH_PARTS=write,backlog,lag,live); all by default. */
const parts = new Set((process.env.BENCH_PARTS ?? "write,backlog,lag,live").split(","));

const redisServer = await startRedisServer({
  port: await freePort(),
  dataDir: path.join(workDir, "redis"),
  readyTimeoutMs: 10_000,
  stopGraceMs: 5_000,
});
const plant = await openBenchPlant();
const redis = createRedisClient({ url: redisServer.url });
await redis.connect();
process.on("exit", () => {
  try {
    process.kill(redisServer.pid, "SIGKILL");
  } catch {}
});
try {
  const none = Number.NaN;
  let write = {
    samplesHot: none,
    samplesCopy: none,
    countsHot: none,
    countsCopy: none,
    oeeHot: none,
    oeeRecomputeHot: none,
    oeeCopy: none,
  };
  if (parts.has("write")) {
    console.log("write path vs COPY ...");
    write = await measureWritePath(plant);
    console.log(write);
  }
  let backlog = { entriesPerSecond: none };
  let stateBacklog = { entriesPerSecond: none };
  if (parts.has("backlog")) {
    console.log("backlog ...");
    backlog = await measureBacklog(plant, redis, redisServer.url, BENCH.backlogEntries);
    console.log(backlog);
    console.log("state changes only ...");
    stateBacklog = await measureBacklog(plant, redis, redisServer.url, BENCH.stateBacklogEntries, "state");
    console.log(stateBacklog);
  }
  let lag = {
    lagP50: none,
    lagP99: none,
    deliveryLagP50: none,
    deliveryLagP99: none,
    measured: 0,
    offeredPerSecond: none,
  };
  if (parts.has("lag")) {
    console.log("lag at 10,000 entries/s ...");
    lag = await measureLag(plant, redis, redisServer.url);
    console.log(lag);
  }
  let live = {
    p50: none,
    p99: none,
    bareP50: none,
    bareP99: none,
    deliveredRatio: none,
    bareDeliveredRatio: none,
    plantEntriesPerSecond: none,
    consumerBehind: none,
    consumerBehindPeak: none,
  };
  if (parts.has("live")) {
    console.log("sensor to subscriber at plant load ...");
    live = await measureSensorToSubscriber({
      plant,
      redis,
      redisUrl: redisServer.url,
      workDir,
      subscribersPerLine: BENCH.subscribersPerLine,
      changeEveryMs: BENCH.changeEveryMs,
      measureSeconds: BENCH.measureSeconds,
      warmupSeconds: BENCH.warmupSeconds,
    });
    console.log(live);
  }

  const ratios = {
    samples: write.samplesHot / write.samplesCopy,
    counts: write.countsHot / write.countsCopy,
    oee_buckets: write.oeeHot / write.oeeCopy,
  };
  const metrics: Record<string, BenchMetric> = {
    entries_per_s: { value: Math.round(backlog.entriesPerSecond), unit: "entries/s", target: ">= 10000" },
    state_entries_per_s: {
      value: Math.round(stateBacklog.entriesPerSecond),
      unit: "entries/s",
      target: "(context)",
    },
    // Judged against the Redis delivery hop of the same run (decided: an absolute 5 ms is out of reach on 2 cores).
    lag_p99_ms: { value: round(lag.lagP99), unit: "ms", target: "<= 50 and <= 3x delivery_lag_p99_ms" },
    lag_vs_delivery_hop_ratio: {
      value: round(lag.lagP99 / Math.max(lag.deliveryLagP99, 1), 2),
      unit: "ratio",
      target: "<= 3",
    },
    lag_p50_ms: { value: round(lag.lagP50), unit: "ms", target: "(context)" },
    delivery_lag_p99_ms: {
      value: round(lag.deliveryLagP99),
      unit: "ms",
      target: "(context: XADD -> read by the consumer, the hop Redis documents at <= 2 ms)",
    },
    delivery_lag_p50_ms: { value: round(lag.deliveryLagP50), unit: "ms", target: "(context)" },
    lag_offered_per_s: { value: Math.round(lag.offeredPerSecond), unit: "entries/s", target: "10000" },
    lag_measured_entries: { value: lag.measured, unit: "entries", target: "(context: after the warm-up)" },
    write_vs_copy_ratio: { value: round(Math.min(...Object.values(ratios)), 3), unit: "ratio", target: ">= 0.5" },
    write_vs_copy_ratio_samples: {
      value: round(ratios.samples, 3),
      unit: "ratio",
      target: ">= 0.5",
      baseline: Math.round(write.samplesCopy),
    },
    write_vs_copy_ratio_counts: {
      value: round(ratios.counts, 3),
      unit: "ratio",
      target: ">= 0.5",
      baseline: Math.round(write.countsCopy),
    },
    write_vs_copy_ratio_oee_buckets: {
      value: round(ratios.oee_buckets, 3),
      unit: "ratio",
      target: ">= 0.5",
      baseline: Math.round(write.oeeCopy),
    },
    oee_recompute_vs_copy_ratio: {
      value: round(write.oeeRecomputeHot / write.oeeCopy, 3),
      unit: "ratio",
      target: "(context: read + compute + write of a day of minute buckets)",
      baseline: Math.round(write.oeeCopy),
    },
    sensor_to_subscriber_p50_ms: { value: round(live.p50), unit: "ms", target: "<= 50" },
    sensor_to_subscriber_p99_ms: { value: round(live.p99), unit: "ms", target: "<= 250" },
    sensor_to_subscriber_delivered_ratio: { value: round(live.deliveredRatio, 3), unit: "ratio", target: "1" },
    bare_path_delivered_ratio: { value: round(live.bareDeliveredRatio, 3), unit: "ratio", target: "1" },
    plant_entries_per_s: { value: Math.round(live.plantEntriesPerSecond), unit: "entries/s", target: "(context)" },
    plant_consumer_behind_entries: {
      value: live.consumerBehind,
      unit: "entries",
      target: "0 (the fewest of 40 samples over 4 s: caught up between the scans' bursts)",
    },
    plant_consumer_behind_peak_entries: {
      value: live.consumerBehindPeak,
      unit: "entries",
      target: "(context: the most of those samples, a scan's burst in flight)",
    },
    vs_bare_path_ratio: {
      value: round(live.p50 / live.bareP50, 2),
      unit: "ratio",
      target: "<= 2",
      baseline: round(live.bareP50),
    },
    bare_path_p99_ms: { value: round(live.bareP99), unit: "ms", target: "(baseline)" },
  };
  if (parts.size < 4) {
    console.table(metrics);
    throw new Error("only some parts ran (BENCH_PARTS): bench/results/production.json left as it was");
  }
  const file = writeBenchResult(
    "production",
    "production subgraph: consumer, write path, sensor to subscriber",
    metrics,
  );
  console.log(`wrote ${file}`);
  console.table(
    Object.fromEntries(Object.entries(metrics).map(([key, m]) => [key, `${m.value} ${m.unit} (${m.target})`])),
  );
} finally {
  redis.destroy();
  await plant.drop();
  await redisServer.stop();
  rmSync(workDir, { recursive: true, force: true });
}
process.exit(0);
