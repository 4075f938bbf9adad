// `pnpm bench:quality`: the quality path, measured side by side in one run.
//   weights_per_s               check-weigher weights the quality consumer turns into subgroups of 5
//                               and run-rule checks per second: 50,000 weights already in the line's
//                               telemetry stream, consumed from a cold start of the consumer
//   weight_to_violation_p99_ms  from a weighing's PLC read time (`ts` of the entry, stamped when it is
//                               appended, as the bridge stamps its read) to a subscribed client's
//                               spcViolation through the gateway's graphql-ws, for 200 drifted subgroups
//   spc_chart_query_p95_ms      spcChart of 1,000 subgroups with limits, violations and capability
//                               through the gateway's HTTP at 10 concurrent connections, 500 requests
// The floor (quality subgraph with its weight consumer, gateway with subscriptions) runs in a child
// process with NODE_ENV=production (bench/quality/quality-floor-server.ts), as the other floor
// benches run theirs; the clients and the stream writer run here. A database of its own and the
// machine's Redis under a fresh key prefix; both processes share the two cores.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { seedPlant } from "@ms5/db/seed";
import { createTemplateDatabase, createTestDatabase, dropRunDatabases, testServerUrl } from "@ms5/db/test-database";
import { createRedisClient } from "@ms5/kit";
import { testRedisUrl } from "@ms5/kit/testing";
import { gatewaySubscriptionClient } from "@ms5/test-support";
import { STREAM_SCHEMA_VERSION, streamKey } from "../schema/src/streams.ts";
import { type BenchMetric, writeBenchResult } from "./bench-result.ts";

const BENCH = {
  weights: 50_000,
  violationTrials: 200,
  /** Pause between drifted subgroups, so each is a separate event, not a load test. */
  trialGapMs: 40,
  chartSubgroups: 1_000,
  chartRequests: 500,
  chartConnections: 10,
};

const REPO = path.resolve(import.meta.dirname, "..");

interface Floor {
  child: ChildProcess;
  ready: { url: string; wsUrl: string; token: string };
  /** Milliseconds from the consumer's cold start until every weight was applied. */
  weightsDone: Promise<number>;
  /** Resolves once a spcViolation subscriber reached the subgraph's event bus. */
  listening: Promise<void>;
}

async function startFloor(env: Record<string, string>): Promise<Floor> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(REPO, "bench/quality/quality-floor-server.ts")], {
    cwd: REPO,
    env: { ...process.env, ...env, NODE_ENV: "production" },
    stdio: ["pipe", "pipe", "inherit"],
  });
  let weightsDone: (ms: number) => void = () => undefined;
  let listening: () => void = () => undefined;
  const floor = {
    weightsDone: new Promise<number>((resolve) => {
      weightsDone = resolve;
    }),
    listening: new Promise<void>((resolve) => {
      listening = resolve;
    }),
  };
  const ready = await new Promise<Floor["ready"]>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on("line", (text) => {
      if (text.startsWith("READY ")) resolve(JSON.parse(text.slice(6)) as Floor["ready"]);
      else if (text.startsWith("WEIGHTS_DONE ")) weightsDone((JSON.parse(text.slice(13)) as { ms: number }).ms);
      else if (text === "LISTENING") listening();
    });
    child.once("exit", (code, signal) => reject(new Error(`the floor server exited (${code ?? signal})`)));
  });
  return { child, ready, ...floor };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
const round = (value: number) => Math.round(value * 100) / 100;

/** A normal variate (Box–Muller) for in-control weights. */
function gaussian(mean: number, sd: number): number {
  const u = 1 - Math.random();
  const v = Math.random();
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

async function main() {
  const serverUrl = testServerUrl();
  const runId = `bench${randomBytes(3).toString("hex")}`;
  const keyPrefix = `ms5bench:quality:${randomUUID().slice(0, 8)}:`;
  const templateDatabase = await createTemplateDatabase(serverUrl, runId);
  const db = await createTestDatabase({ serverUrl, runId, templateDatabase });
  const redis = createRedisClient({ url: testRedisUrl() });
  await redis.connect();
  let seq = 0;
  const stream = streamKey("bagging-1", "telemetry", keyPrefix);
  let floor: Floor | undefined;
  const weightEntry = (value: number, ts: number) => ({
    v: STREAM_SCHEMA_VERSION,
    type: "weight",
    plc: "PLC-BAG1",
    seq: String(++seq),
    equipment: "CW-1",
    line: "bagging-1",
    ts: String(ts),
    value: value.toFixed(3),
    unit: "kg",
    weighCount: String(seq),
  });
  try {
    await seedPlant(db.prisma, { fastHashing: true, now: new Date() });
    const characteristic = await db.prisma.qualityCharacteristic.findFirstOrThrow({ where: { liveSignal: "weight" } });

    // --- weights_per_s: the stream holds the weights before the consumer starts.
    for (let i = 0; i < BENCH.weights; i += 1_000) {
      const batch = redis.multi();
      for (let j = 0; j < 1_000; j++) batch.xAdd(stream, "*", weightEntry(gaussian(25.1, 0.02), Date.now()));
      await batch.execAsPipeline();
    }
    floor = await startFloor({
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl(),
      KEY_PREFIX: keyPrefix,
      WEIGHTS: String(BENCH.weights),
    });
    const { url, wsUrl, token } = floor.ready;
    const weightSeconds = (await floor.weightsDone) / 1000;
    const subgroups = await db.prisma.spcSubgroup.count({ where: { characteristicId: characteristic.id } });
    console.log(`weights: ${BENCH.weights} in ${weightSeconds.toFixed(2)} s -> ${subgroups} subgroups`);

    {
      // --- weight_to_violation_p99_ms: one drifted subgroup at a time, far beyond the X̄ limits.
      const client = gatewaySubscriptionClient(wsUrl, token);
      const sentAt = new Map<number, number>();
      const latencies: number[] = [];
      const seen = new Set<number>();
      client.subscribe<{ spcViolation: { sequence: number; rule: string } }>(
        {
          query: `subscription ($id: ID) { spcViolation(characteristicId: $id) { sequence rule } }`,
          variables: { id: characteristic.id },
        },
        {
          next: ({ data }) => {
            const sequence = data?.spcViolation.sequence;
            if (sequence === undefined || seen.has(sequence) || !sentAt.has(sequence)) return;
            seen.add(sequence);
            latencies.push(Date.now() - sentAt.get(sequence)!);
          },
          error: (error) => console.error("subscription error", error),
          complete: () => undefined,
        },
      );
      await floor.listening;
      await sleep(200);
      let sequence = subgroups;
      for (let trial = 0; trial < BENCH.violationTrials; trial++) {
        // An in-control subgroup between drifted ones, so each drifted one breaks WE1 alone.
        const ts = Date.now();
        sequence += 2;
        sentAt.set(sequence, ts);
        const batch = redis.multi();
        for (let j = 0; j < 5; j++) batch.xAdd(stream, "*", weightEntry(25.1, ts));
        for (let j = 0; j < 5; j++) batch.xAdd(stream, "*", weightEntry(26.1, ts));
        await batch.execAsPipeline();
        await sleep(BENCH.trialGapMs);
      }
      const deadline = Date.now() + 10_000;
      while (latencies.length < BENCH.violationTrials && Date.now() < deadline) await sleep(50);
      await client.dispose();
      console.log(
        `violations heard: ${latencies.length} of ${BENCH.violationTrials}; p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms`,
      );

      // --- spc_chart_query_p95_ms: 1,000 subgroups, 10 connections, in the compact form (parallel
      // lists) a client drawing a long chart asks for; the object-per-point form beside it for context.
      const chartHead = `query ($id: ID!) { spcChart(characteristicId: $id, last: ${BENCH.chartSubgroups}) {
          chartType limits { centerLine upperControlLimit lowerControlLimit dispersionCenter dispersionUpper }
          capability { sampleCount cp cpk pp ppk sigmaWithin sigmaOverall }`;
      const compactQuery = JSON.stringify({
        query: `${chartHead}
          series { sequences times values upperControlLimits lowerControlLimits zones dispersionValues
                   violationPoints violationRules violationCharts } } }`,
        variables: { id: characteristic.id },
      });
      const objectQuery = JSON.stringify({
        query: `${chartHead}
          points { sequence value centerLine upperControlLimit lowerControlLimit zone dispersionValue rules }
          violations { id rule chart pointSequences } } }`,
        variables: { id: characteristic.id },
      });
      const pointsOf = (chart: { series?: { sequences: unknown[] }; points?: unknown[] }) =>
        chart.series?.sequences.length ?? chart.points?.length ?? 0;
      const measureChart = async (label: string, query: string) => {
        const times: number[] = [];
        let issued = 0;
        let pointsReturned = 0;
        let failures = 0;
        let firstFailure: unknown;
        const worker = async () => {
          while (issued < BENCH.chartRequests) {
            issued++;
            const t0 = performance.now();
            try {
              const response = await fetch(url, {
                method: "POST",
                headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
                body: query,
              });
              const body = (await response.json()) as {
                data?: { spcChart?: { series?: { sequences: unknown[] }; points?: unknown[] } };
                errors?: unknown;
              };
              if (!body.data?.spcChart)
                throw new Error(`chart query failed (${response.status}): ${JSON.stringify(body.errors)}`);
              times.push(performance.now() - t0);
              pointsReturned = pointsOf(body.data.spcChart);
            } catch (error) {
              failures++;
              firstFailure ??= error;
            }
          }
        };
        await Promise.all(Array.from({ length: BENCH.chartConnections }, worker));
        console.log(`chart (${label}): ${times.length} requests of ${pointsReturned} points, ${failures} failed`);
        if (firstFailure) console.log(`first chart failure (${label}):`, firstFailure);
        if (pointsReturned !== BENCH.chartSubgroups)
          throw new Error(`chart (${label}) returned ${pointsReturned} points`);
        return times;
      };
      const chartTimes = await measureChart("series", compactQuery);
      const objectChartTimes = await measureChart("points", objectQuery);

      const metrics: Record<string, BenchMetric> = {
        weights_per_s: { value: Math.round(BENCH.weights / weightSeconds), unit: "weights/s", target: ">= 5000" },
        weight_to_violation_p99_ms: {
          value: round(percentile(latencies, 99)),
          unit: "ms",
          target: "<= 250",
          baseline: round(percentile(latencies, 50)),
        },
        spc_chart_query_p95_ms: {
          value: round(percentile(chartTimes, 95)),
          unit: "ms",
          target: "<= 50",
          baseline: round(percentile(chartTimes, 50)),
        },
        spc_chart_points_query_p95_ms: {
          value: round(percentile(objectChartTimes, 95)),
          unit: "ms",
          target: "context: the object-per-point form of the same chart",
          baseline: round(percentile(objectChartTimes, 50)),
        },
      };
      const file = writeBenchResult(
        "quality",
        "quality: live SPC from the check weigher, violations to subscribers, chart queries",
        metrics,
      );
      console.log(JSON.stringify(metrics, null, 2));
      console.log(`wrote ${file}`);
    }
  } finally {
    floor?.child.kill("SIGTERM");
    if (floor && floor.child.exitCode === null) await new Promise((resolve) => floor!.child.once("exit", resolve));
    redis.destroy();
    await db.prisma.$disconnect();
    await dropRunDatabases(serverUrl, runId);
  }
}

await main();
process.exit(0);
