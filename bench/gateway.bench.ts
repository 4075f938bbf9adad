// `pnpm bench:gateway`: HTTP throughput and latency through the gateway against the same query sent
// straight to the subgraph, measured side by side in one run (50 keep-alive connections each).
//   single_vs_direct_ratio  gateway req/s for a single-subgraph query over direct-to-subgraph req/s
//   single_p95_ms, cross_p95_ms, cross_rps
// The servers run in a child process (bench/gateway/bench-gateway-server.ts); this process only
// generates load. Then 10,000 graphql-ws subscribers (bench/gateway/subscriber-bench.ts):
//   subscribers, fanout_p99_ms, kb_per_connection, fanout_vs_raw_ws_ratio (and the figures behind them)
// BENCH_GATEWAY_PARTS=http or =subscribers runs one part; the other part's figures are then carried
// over from the previous bench/results/gateway.json, and the name says so.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { signGatewayRequest } from "@ms5/kit/subgraph";
import pg from "pg";
import { type BenchMetric, writeBenchResult } from "./bench-result.ts";
import { type LoadSlice, load, summarise } from "./gateway/http-load.ts";
import { cpuProfileArgs, measureSubscribers } from "./gateway/subscriber-bench.ts";

/**
 * The three cases take turns in `rounds` slices of seconds / rounds each, so a change in the shared
 * machine's load during the run falls on all of them alike rather than on whichever ran then.
 */
const BENCH = { connections: 50, warmupSeconds: 3, seconds: 10, rounds: 5 };
const SINGLE = JSON.stringify({ query: "{ lines { id code name } }" });
const CROSS = JSON.stringify({ query: "{ lines { id name openAndonCount } }" });

const parts = new Set((process.env.BENCH_GATEWAY_PARTS ?? "http,subscribers").split(","));
const HTTP_KEYS = ["single_vs_direct_ratio", "single_p95_ms", "cross_p95_ms", "cross_rps"];
const previous = (() => {
  try {
    return (
      JSON.parse(readFileSync(path.join(import.meta.dirname, "results", "gateway.json"), "utf8")) as {
        metrics: Record<string, BenchMetric>;
      }
    ).metrics;
  } catch {
    return {} as Record<string, BenchMetric>;
  }
})();
const carried = (wanted: (key: string) => boolean) =>
  Object.fromEntries(Object.entries(previous).filter(([key]) => wanted(key)));

async function measureHttp(databaseUrl: string): Promise<Record<string, BenchMetric>> {
  const server = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      ...cpuProfileArgs,
      path.join(import.meta.dirname, "gateway", "bench-gateway-server.ts"),
      databaseUrl,
      process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    ],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  try {
    const first = await new Promise<string>((resolve, reject) => {
      // The server's own log lines share its stdout; the one that matters starts with {"gatewayUrl".
      createInterface({ input: server.stdout! }).on("line", (line) => {
        if (line.startsWith('{"gatewayUrl"')) resolve(line);
      });
      server.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
    });
    const info = JSON.parse(first) as {
      gatewayUrl: string;
      subgraphs: { name: string; url: string }[];
      token: string;
      gatewaySecret: string;
    };
    const authorization = `Bearer ${info.token}`;
    const plantUrl = info.subgraphs.find((s) => s.name === "plant")!.url;
    const viaGateway = () => ({ authorization });
    // Direct to the subgraph, as the gateway would call it: each request signed afresh, since a
    // subgraph accepts each signature (its nonce) once.
    const direct = () => ({
      authorization,
      ...signGatewayRequest({ secret: info.gatewaySecret, body: SINGLE, authorization }),
    });

    await load(info.gatewayUrl, viaGateway, CROSS, BENCH.warmupSeconds, BENCH.connections);
    await load(plantUrl, direct, SINGLE, BENCH.warmupSeconds, BENCH.connections);
    const slices: Record<"direct" | "single" | "cross", LoadSlice[]> = { direct: [], single: [], cross: [] };
    const slice = BENCH.seconds / BENCH.rounds;
    for (let round = 0; round < BENCH.rounds; round++) {
      slices.direct.push(await load(plantUrl, direct, SINGLE, slice, BENCH.connections));
      slices.single.push(await load(info.gatewayUrl, viaGateway, SINGLE, slice, BENCH.connections));
      slices.cross.push(await load(info.gatewayUrl, viaGateway, CROSS, slice, BENCH.connections));
    }
    const directResult = summarise(slices.direct);
    const single = summarise(slices.single);
    const cross = summarise(slices.cross);
    for (const [name, r] of Object.entries({ direct: directResult, single, cross })) {
      console.log(
        `${name.padEnd(7)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50.toFixed(1)}  p95 ${r.p95.toFixed(1)}  p99 ${r.p99.toFixed(1)} ms  errors ${r.errors}`,
      );
    }
    return {
      single_vs_direct_ratio: {
        value: Number((single.rps / directResult.rps).toFixed(3)),
        unit: "ratio",
        target: ">= 0.5 (stock @apollo/gateway measured ~0.28 here)",
        baseline: Math.round(directResult.rps),
      },
      single_p95_ms: { value: Number(single.p95.toFixed(1)), unit: "ms", target: "<= 100 at 50 connections" },
      cross_p95_ms: { value: Number(cross.p95.toFixed(1)), unit: "ms", target: "<= 100 at 50 connections" },
      cross_rps: { value: Math.round(cross.rps), unit: "req/s", target: "report" },
    };
  } finally {
    server.kill("SIGTERM");
    await new Promise((resolve) => server.once("exit", resolve));
  }
}

const adminUrl = process.env.BENCH_DATABASE_SERVER ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
const database = `ms5_bench_gateway_${randomBytes(4).toString("hex")}`;
const serverUrl = new URL(adminUrl);
serverUrl.pathname = `/${database}`;
const databaseUrl = serverUrl.toString();
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
try {
  const http = parts.has("http") ? await measureHttp(databaseUrl) : carried((key) => HTTP_KEYS.includes(key));
  const subscribers = parts.has("subscribers")
    ? await measureSubscribers({ databaseUrl, redisUrl })
    : carried((key) => !HTTP_KEYS.includes(key));
  const partial =
    parts.has("http") && parts.has("subscribers") ? "" : ` (only ${[...parts].join(", ")} measured in this run)`;
  const file = writeBenchResult(
    "gateway",
    `Gateway: HTTP queries against the subgraph directly (50 connections), and 10,000 graphql-ws subscribers${partial}`,
    { ...http, ...subscribers },
  );
  console.log(`wrote ${file}`);
} finally {
  await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await admin.end();
}
