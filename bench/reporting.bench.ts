// `pnpm bench:reporting`: the reporting subgraph, measured in one run (BENCH_PARTS=oee,live).
//   shift_report_ms_p50        a shift report run of one line with a full shift of data: claimed,
//                              figures gathered through the analytics functions, PDF rendered in the
//                              worker thread, stored with its checksum (ReportRunner.runQueued)
//   oee_rollup_year_p95_ms     OEE by line x day over 365 days x 20 lines (7,300 persisted DAY
//                              buckets) through the gateway at 10 concurrent connections, as
//                              oeeAnalyticsTable (the columnar shape): each request a page of 500 rows
//   oee_rollup_page_floor_cpu_ms  CPU time of the gateway + subgraph process per page served (context:
//                              steadier than latency on a loaded machine); the same three figures
//                              for the oeeAnalytics connection (edges and nodes) as context
//   rollup_vs_sql_ratio        whole answers (all 7,300 rows, 15 pages) per second through the gateway
//                              over answers per second of one raw SQL statement over the same buckets
//                              at 10 concurrent connections
//   live_p99_during_reports_ms sensor to subscriber at plant load (bench/production/sensor-to-subscriber.ts)
//                              over the changes made while four shift reports queued at once (a burst
//                              every 5 s) were queued or rendering on a reporting instance; `baseline`
//                              is the same measurement without reports
// The oee part: a database of its own (migrated template + the demo plant + 20 bench lines), the
// machine's Redis under a fresh key prefix; the subgraph and gateway run as a child process
// (bench/reporting/reporting-floor-server.ts); the clients, the runner and the SQL baseline here.
// The live part: production's bench plant (its own database and redis-server, 20 emulated lines).
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { seedPlant } from "@ms5/db/seed";
import { createTemplateDatabase, createTestDatabase, dropRunDatabases, testServerUrl } from "@ms5/db/test-database";
import { createLogger, createRedisClient, startRedisServer } from "@ms5/kit";
import { freePort, testRedisUrl } from "@ms5/kit/testing";
import pg from "pg";
import { lineDayPageStatement } from "../subgraphs/reporting/src/analytics/oee-analytics.ts";
import { OeeRollup } from "../subgraphs/reporting/src/oee-rollup/oee-rollup.ts";
import { ReportRenderer } from "../subgraphs/reporting/src/report-rendering/report-renderer.ts";
import { ReportRunner } from "../subgraphs/reporting/src/report-runs/report-runner.ts";
import { type BenchMetric, writeBenchResult } from "./bench-result.ts";
import { openBenchPlant } from "./production/bench-plant.ts";
import { measureSensorToSubscriber } from "./production/sensor-to-subscriber.ts";

const BENCH = {
  shiftReportWarmups: 3,
  shiftReports: 20,
  yearLines: 20,
  yearDays: 365,
  concurrency: 10,
  pageSize: 500,
  gatewaySeconds: 20,
  /** Report runs queued at once, a burst every reportBurstEveryMs while the live path is measured. */
  reportsQueued: 4,
  reportBurstEveryMs: 5_000,
  /** The live path as bench:production measures it: 50 subscribers a line, a change every 250 ms. */
  liveSubscribersPerLine: 50,
  liveChangeEveryMs: 250,
  liveSeconds: 30,
  liveWarmupSeconds: 8,
  connectionSeconds: 10,
  sqlSeconds: 10,
};

const REPO = path.resolve(import.meta.dirname, "..");
const SHIFT_START = new Date("2026-12-09T04:00:00Z");
const SHIFT_END = new Date("2026-12-09T12:00:00Z");
const NOW = new Date("2026-12-09T13:00:00Z");
// The demo site is Africa/Johannesburg (UTC+2, no DST): its 2025 starts at 2024-12-31T22:00Z.
const YEAR_START = new Date("2024-12-31T22:00:00Z");
const YEAR_END = new Date(YEAR_START.getTime() + BENCH.yearDays * 86_400_000);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
const round = (value: number) => Math.round(value * 100) / 100;
const minute = (n: number) => new Date(SHIFT_START.getTime() + n * 60_000);

interface PageInfo {
  hasNextPage: boolean;
  endCursor: string;
}

interface Floor {
  child: ChildProcess;
  url: string;
  token: string;
  /** The floor process's CPU time so far, in ms (user + system). */
  cpuMs(): Promise<number>;
}

async function startFloor(env: Record<string, string>): Promise<Floor> {
  const child = spawn(
    process.execPath,
    // BENCH_FLOOR_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/x" profiles the subgraph and the gateway.
    [
      ...(process.env.BENCH_FLOOR_NODE_ARGS?.split(" ").filter(Boolean) ?? []),
      "--import",
      "tsx",
      path.join(REPO, "bench/reporting/reporting-floor-server.ts"),
    ],
    { cwd: REPO, env: { ...process.env, ...env, NODE_ENV: "production" }, stdio: ["pipe", "pipe", "inherit"] },
  );
  const cpuWaiters: ((ms: number) => void)[] = [];
  const ready = await new Promise<{ url: string; token: string }>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on("line", (text) => {
      if (text.startsWith("READY ")) resolve(JSON.parse(text.slice(6)) as { url: string; token: string });
      if (text.startsWith("CPU ")) {
        const usage = JSON.parse(text.slice(4)) as { user: number; system: number };
        cpuWaiters.shift()?.((usage.user + usage.system) / 1000);
      }
    });
    child.once("exit", (code, signal) => reject(new Error(`the floor server exited (${code ?? signal})`)));
  });
  return {
    child,
    ...ready,
    cpuMs: () =>
      new Promise<number>((resolve) => {
        cpuWaiters.push(resolve);
        child.stdin!.write("cpu\n");
      }),
  };
}

/** A full Morning shift on Bagging Line 1: a count a minute, ten stops with their faults, andons and a note. */
async function seedFullShift(prisma: Awaited<ReturnType<typeof createTestDatabase>>["prisma"]) {
  const line = await prisma.line.findUniqueOrThrow({ where: { code: "bagging-1" } });
  const bagger = await prisma.equipment.findUniqueOrThrow({ where: { code: "BAGGER-1" } });
  const states: { equipmentId: string; state: "RUNNING" | "DOWN"; startedAt: Date; endedAt: Date | null }[] = [];
  for (let stop = 0; stop < 10; stop++) {
    states.push({
      equipmentId: bagger.id,
      state: "RUNNING",
      startedAt: minute(stop * 48),
      endedAt: minute(stop * 48 + 42),
    });
    states.push({
      equipmentId: bagger.id,
      state: "DOWN",
      startedAt: minute(stop * 48 + 42),
      endedAt: minute(stop * 48 + 48),
    });
  }
  await prisma.equipmentStateChange.createMany({ data: states });
  await prisma.downtimeEvent.createMany({
    data: Array.from({ length: 10 }, (_, stop) => ({
      equipmentId: bagger.id,
      lineId: line.id,
      startedAt: minute(stop * 48 + 42),
      endedAt: minute(stop * 48 + 48),
      category: "UNPLANNED" as const,
    })),
  });
  await prisma.productionCount.createMany({
    data: Array.from({ length: 480 }, (_, n) => ({
      equipmentId: bagger.id,
      lineId: line.id,
      recordedAt: new Date(minute(n).getTime() + 30_000),
      goodDelta: n % 48 >= 42 ? 0 : 38,
      rejectDelta: n % 48 >= 42 ? 0 : n % 7 === 0 ? 1 : 0,
    })),
  });
  await prisma.faultEvent.createMany({
    data: Array.from({ length: 30 }, (_, n) => ({
      equipmentId: bagger.id,
      bitIndex: n % 5,
      faultCode: `F-${n % 5}`,
      risingAt: minute(Math.floor(n / 3) * 48 + 42),
      fallingAt: minute(Math.floor(n / 3) * 48 + 44),
      isFirstOut: n % 3 === 0,
    })),
  });
  await prisma.andonEvent.createMany({
    data: Array.from({ length: 5 }, (_, n) => ({
      lineId: line.id,
      equipmentId: bagger.id,
      type: "MAINTENANCE" as const,
      priority: "HIGH" as const,
      status: "RESOLVED" as const,
      raisedAt: minute(n * 96 + 42),
      acknowledgedAt: minute(n * 96 + 43),
      resolvedAt: minute(n * 96 + 48),
    })),
  });
  return line.id;
}

/** Shift report render and the OEE year query: a database of its own, the machine's Redis. */
async function measureReportsAndRollup(): Promise<Record<string, BenchMetric>> {
  const serverUrl = testServerUrl();
  const runId = `bench${randomBytes(3).toString("hex")}`;
  const keyPrefix = `ms5bench:reporting:${randomUUID().slice(0, 8)}:`;
  const reportDir = mkdtempSync(path.join(tmpdir(), "ms5-bench-reporting-"));
  const templateDatabase = await createTemplateDatabase(serverUrl, runId);
  const db = await createTestDatabase({ serverUrl, runId, templateDatabase });
  const logger = createLogger({ service: "bench-reporting", level: "warn" });
  let floor: Awaited<ReturnType<typeof startFloor>> | undefined;
  const renderer = new ReportRenderer(1);
  const pool = new pg.Pool({ connectionString: db.url, max: BENCH.concurrency });
  try {
    const prisma = db.prisma;
    await seedPlant(prisma, { fastHashing: true, now: NOW });

    // --- a shift report with a full shift of data --------------------------------------------
    const lineId = await seedFullShift(prisma);
    await new OeeRollup({ prisma, logger, now: () => NOW }).runPass();
    const template = await prisma.reportTemplate.findUniqueOrThrow({ where: { key: "shift-summary" } });
    const runner = new ReportRunner({ prisma, logger, renderer, reportDirectory: reportDir });
    const renderMs: number[] = [];
    for (let i = 0; i < BENCH.shiftReportWarmups + BENCH.shiftReports; i++) {
      const run = await prisma.reportRun.create({
        data: {
          templateId: template.id,
          parameters: { from: SHIFT_START.toISOString(), to: SHIFT_END.toISOString(), lineIds: [lineId] },
        },
      });
      const started = performance.now();
      await runner.runQueued();
      const took = performance.now() - started;
      const done = await prisma.reportRun.findUniqueOrThrow({ where: { id: run.id } });
      if (done.status !== "SUCCEEDED") throw new Error(`the shift report failed: ${done.error}`);
      if (i >= BENCH.shiftReportWarmups) renderMs.push(took);
    }
    console.log(`shift report: p50 ${round(percentile(renderMs, 50))} ms over ${renderMs.length} runs`);

    // --- a year of DAY buckets for 20 lines ------------------------------------------------------
    const area = await prisma.line.findUniqueOrThrow({ where: { code: "bagging-1" }, select: { areaId: true } });
    const lineIds: string[] = [];
    for (let n = 0; n < BENCH.yearLines; n++) {
      const line = await prisma.line.create({
        data: { areaId: area.areaId, code: `bench-oee-${n}`, name: `Bench OEE line ${n + 1}`, active: false },
      });
      lineIds.push(line.id);
    }
    await pool.query(
      `INSERT INTO oee_record (id, scope, "lineId", "subjectKey", bucket, "bucketStart", "bucketEnd",
         "plannedProductionSeconds", "runSeconds", "idealCycleTimeSeconds", "totalCount", "goodCount", "rejectCount",
         availability, performance, quality, oee, "breakdownSeconds", "setupAdjustmentSeconds", "smallStopSeconds",
         "reducedSpeedSeconds", "startupRejectSeconds", "productionRejectSeconds")
       SELECT gen_random_uuid(), 'LINE', l.id, 'LINE:' || l.id || ':*', 'DAY', d, d + interval '1 day',
         72000, run, 1.5, total, total - reject, reject,
         run / 72000.0, 1.5 * total / run, (total - reject)::float8 / total, (1.5 * (total - reject)) / 72000.0,
         stops * 0.6, stops * 0.3, stops * 0.1, run - 1.5 * total, 0, 1.5 * reject
       FROM unnest($1::uuid[]) AS l(id), generate_series($2::timestamptz, $3::timestamptz, interval '1 day') AS d,
         LATERAL (SELECT 3600 + floor(random() * 7200) AS stops) s,
         LATERAL (SELECT 72000 - s.stops AS run) r,
         LATERAL (SELECT floor(r.run * (0.85 + random() * 0.1) / 1.5)::int AS total) t,
         LATERAL (SELECT floor(t.total * random() * 0.03)::int AS reject) j`,
      [lineIds, YEAR_START, new Date(YEAR_END.getTime() - 86_400_000)],
    );
    await pool.query("ANALYZE oee_record");
    const expectedRows = BENCH.yearLines * BENCH.yearDays;

    floor = await startFloor({
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl(),
      KEY_PREFIX: keyPrefix,
      REPORT_DIR: reportDir,
    });
    // The columnar shape (oeeAnalyticsTable) is what the targets are measured on; the Relay connection
    // of the same pages is measured after it, as context.
    const tableQuery = `query ($from: DateTime!, $to: DateTime!, $lineIds: [ID!], $first: Int, $after: String) {
      oeeAnalyticsTable(from: $from, to: $to, groupBy: [LINE, DAY], lineIds: $lineIds, first: $first, after: $after) {
        rowCount lineId day availability performance quality oee goodCount rejectCount
        pageInfo { hasNextPage endCursor } } }`;
    const connectionQuery = `query ($from: DateTime!, $to: DateTime!, $lineIds: [ID!], $first: Int, $after: String) {
      oeeAnalytics(from: $from, to: $to, groupBy: [LINE, DAY], lineIds: $lineIds, first: $first, after: $after) {
        edges { node { lineId day figures { availability performance quality oee goodCount rejectCount } } }
        pageInfo { hasNextPage endCursor } } }`;
    const { url, token } = floor;
    type Shape = "table" | "connection";
    async function page(shape: Shape, after: string | null): Promise<{ rows: number; pageInfo: PageInfo }> {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({
          query: shape === "table" ? tableQuery : connectionQuery,
          variables: {
            from: YEAR_START.toISOString(),
            to: YEAR_END.toISOString(),
            lineIds,
            first: BENCH.pageSize,
            after,
          },
        }),
      });
      const body = (await response.json()) as {
        data?: {
          oeeAnalyticsTable?: { rowCount: number; pageInfo: PageInfo };
          oeeAnalytics?: { edges: unknown[]; pageInfo: PageInfo };
        };
        errors?: unknown[];
      };
      if (body.errors || !body.data) throw new Error(`${shape} page failed: ${JSON.stringify(body.errors)}`);
      const table = body.data.oeeAnalyticsTable;
      if (table) return { rows: table.rowCount, pageInfo: table.pageInfo };
      const connection = body.data.oeeAnalytics!;
      return { rows: connection.edges.length, pageInfo: connection.pageInfo };
    }
    async function wholeAnswer(shape: Shape, pageMs: number[]): Promise<number> {
      let rows = 0;
      let after: string | null = null;
      for (;;) {
        const started = performance.now();
        const answer = await page(shape, after);
        pageMs.push(performance.now() - started);
        rows += answer.rows;
        if (!answer.pageInfo.hasNextPage) return rows;
        after = answer.pageInfo.endCursor;
      }
    }
    /** Ten clients each reading whole answers page after page for `seconds`. */
    async function readAnswers(shape: Shape, seconds: number) {
      const pageMs: number[] = [];
      const answerMs: number[] = [];
      let answers = 0;
      const cpuBefore = await floor!.cpuMs();
      const started = performance.now();
      const until = started + seconds * 1000;
      await Promise.all(
        Array.from({ length: BENCH.concurrency }, async () => {
          while (performance.now() < until) {
            const answerStarted = performance.now();
            await wholeAnswer(shape, pageMs);
            answerMs.push(performance.now() - answerStarted);
            answers++;
          }
        }),
      );
      const perSecond = answers / ((performance.now() - started) / 1000);
      // Pages still in flight at the end are counted in pageMs once they finish, as is their CPU.
      const cpuPerPage = ((await floor!.cpuMs()) - cpuBefore) / pageMs.length;
      return { pageMs, answerMs, perSecond, cpuPerPage };
    }
    // Warm-up: plans, connections, JIT; and the answer's size checked once in each shape.
    for (const shape of ["table", "connection"] as const) {
      const warmRows = await wholeAnswer(shape, []);
      if (warmRows !== expectedRows) throw new Error(`expected ${expectedRows} rows as a ${shape}, got ${warmRows}`);
    }
    // Where a late page's statement spends its time: the plan, printed for the record.
    const latePage = await pool.query(
      `EXPLAIN (ANALYZE, BUFFERS) ${lineDayPageStatement({ after: true, lines: true })}`,
      [
        YEAR_START,
        YEAR_END,
        new Date(YEAR_START.getTime() + 300 * 86_400_000),
        lineIds[9],
        lineIds,
        BENCH.pageSize + 1,
      ],
    );
    console.log(latePage.rows.map((row: { "QUERY PLAN": string }) => row["QUERY PLAN"]).join("\n"));
    const table = await readAnswers("table", BENCH.gatewaySeconds);
    const relay = await readAnswers("connection", BENCH.connectionSeconds);
    const sql = `SELECT "lineId", "bucketStart", sum("plannedProductionSeconds") AS planned, sum("runSeconds") AS run,
        sum("totalCount") AS total, sum("goodCount") AS good, sum("rejectCount") AS reject,
        sum("runSeconds") / nullif(sum("plannedProductionSeconds"), 0) AS availability
      FROM oee_record
      WHERE bucket = 'DAY' AND scope = 'LINE' AND "subjectKey" LIKE '%:*' AND "lineId" = ANY($1::uuid[])
        AND "bucketStart" >= $2 AND "bucketStart" < $3
      GROUP BY 1, 2 ORDER BY 2, 1`;
    const sqlCheck = await pool.query(sql, [lineIds, YEAR_START, YEAR_END]);
    if (sqlCheck.rowCount !== expectedRows) throw new Error(`SQL gave ${sqlCheck.rowCount} rows`);
    let sqlAnswers = 0;
    const sqlStarted = performance.now();
    const sqlUntil = sqlStarted + BENCH.sqlSeconds * 1000;
    await Promise.all(
      Array.from({ length: BENCH.concurrency }, async () => {
        while (performance.now() < sqlUntil) {
          await pool.query(sql, [lineIds, YEAR_START, YEAR_END]);
          sqlAnswers++;
        }
      }),
    );
    const sqlPerSecond = sqlAnswers / ((performance.now() - sqlStarted) / 1000);
    const gatewayPerSecond = table.perSecond;

    const metrics: Record<string, BenchMetric> = {
      shift_report_ms_p50: { value: round(percentile(renderMs, 50)), unit: "ms", target: "<= 2000" },
      shift_report_ms_p95: { value: round(percentile(renderMs, 95)), unit: "ms", target: "context" },
      oee_rollup_year_p95_ms: { value: round(percentile(table.pageMs, 95)), unit: "ms", target: "<= 200" },
      oee_rollup_year_p50_ms: { value: round(percentile(table.pageMs, 50)), unit: "ms", target: "context" },
      oee_rollup_year_answer_p95_ms: { value: round(percentile(table.answerMs, 95)), unit: "ms", target: "context" },
      rollup_vs_sql_ratio: {
        value: round(gatewayPerSecond / sqlPerSecond),
        unit: "ratio",
        target: ">= 0.5",
        baseline: round(sqlPerSecond),
      },
      rollup_answers_per_s: { value: round(gatewayPerSecond), unit: "answers/s", target: "context" },
      oee_rollup_page_floor_cpu_ms: { value: round(table.cpuPerPage), unit: "ms", target: "context" },
      oee_rollup_year_connection_p95_ms: { value: round(percentile(relay.pageMs, 95)), unit: "ms", target: "context" },
      oee_rollup_connection_answers_per_s: { value: round(relay.perSecond), unit: "answers/s", target: "context" },
      oee_rollup_connection_page_floor_cpu_ms: { value: round(relay.cpuPerPage), unit: "ms", target: "context" },
    };
    return metrics;
  } finally {
    floor?.child.kill("SIGTERM");
    await renderer.close();
    await pool.end();
    await db.prisma.$disconnect().catch(() => undefined);
    await dropRunDatabases(serverUrl, runId).catch(() => undefined);
    rmSync(reportDir, { recursive: true, force: true });
  }
}

/**
 * live_p99_during_reports_ms: production's sensor-to-subscriber measurement at plant load
 * (bench/production/sensor-to-subscriber.ts: emulated PLCs -> bridge -> Redis -> production's
 * consumer -> gateway subscriptions), once alone and once while a reporting instance renders shift
 * reports: generateReport through the gateway queues four at once every 5 s, rendered at the
 * deployed render concurrency (REPORT_RENDER_CONCURRENCY, default 1).
 */
async function measureLiveDuringReports(): Promise<Record<string, BenchMetric>> {
  const workDir = mkdtempSync(path.join(tmpdir(), "ms5-bench-reporting-live-"));
  const redisServer = await startRedisServer({
    port: await freePort(),
    dataDir: path.join(workDir, "redis"),
    readyTimeoutMs: 10_000,
    stopGraceMs: 5_000,
  });
  const redis = createRedisClient({ url: redisServer.url });
  await redis.connect();
  const plant = await openBenchPlant();
  let reporting: Floor | undefined;
  const logger = createLogger({ service: "bench-reporting-live", level: "warn" });
  try {
    const prisma = plant.db.prisma;
    const lineId = await seedFullShift(prisma);
    await new OeeRollup({ prisma, logger, now: () => NOW }).runPass();
    reporting = await startFloor({
      DATABASE_URL: plant.db.url,
      REDIS_URL: redisServer.url,
      KEY_PREFIX: "bench-reporting-live:",
      REPORT_DIR: path.join(workDir, "reports"),
      REPORT_RUNNER: "on",
      ...(process.env.REPORT_RENDER_CONCURRENCY
        ? { REPORT_RENDER_CONCURRENCY: process.env.REPORT_RENDER_CONCURRENCY }
        : {}),
    });
    const { url, token } = reporting;
    async function call<T>(query: string, variables: Record<string, unknown>): Promise<T> {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: T; errors?: unknown[] };
      if (body.errors || !body.data) throw new Error(`reporting call failed: ${JSON.stringify(body.errors)}`);
      return body.data;
    }
    const generate = async () =>
      (
        await call<{ generateReport: { id: string } }>(
          "mutation ($input: GenerateReportInput!) { generateReport(input: $input) { id } }",
          {
            input: {
              templateKey: "shift-summary",
              from: SHIFT_START.toISOString(),
              to: SHIFT_END.toISOString(),
              lineIds: [lineId],
            },
          },
        )
      ).generateReport.id;
    const rendered: number[] = [];
    /** performance.now() intervals from a burst's generateReport calls to its last report done. */
    const busy: [number, number][] = [];
    /**
     * Four reports queued at once, every `reportBurstEveryMs` (or as soon as the last four are
     * done, when they take longer) until `until`: the queue and the render concurrency take them.
     */
    async function reportBursts(until: number) {
      while (Date.now() < until) {
        const started = performance.now();
        const ids = await Promise.all(Array.from({ length: BENCH.reportsQueued }, generate));
        const pending = new Set(ids);
        while (pending.size > 0) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          const runs = await prisma.reportRun.findMany({
            where: { id: { in: [...pending] } },
            select: { id: true, status: true, error: true, queuedAt: true, finishedAt: true },
          });
          for (const run of runs) {
            if (run.status === "QUEUED" || run.status === "RUNNING") continue;
            if (run.status !== "SUCCEEDED") throw new Error(`a report run ended ${run.status}: ${run.error}`);
            pending.delete(run.id);
            if (run.finishedAt) rendered.push(run.finishedAt.getTime() - run.queuedAt.getTime());
          }
        }
        busy.push([started, performance.now()]);
        const next = started + BENCH.reportBurstEveryMs - performance.now();
        if (next > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(next, until - Date.now())));
      }
    }
    const measure = (whileMeasuring?: (until: number) => Promise<void>) =>
      measureSensorToSubscriber({
        plant,
        redis,
        redisUrl: redisServer.url,
        workDir,
        subscribersPerLine: BENCH.liveSubscribersPerLine,
        changeEveryMs: BENCH.liveChangeEveryMs,
        measureSeconds: BENCH.liveSeconds,
        warmupSeconds: BENCH.liveWarmupSeconds,
        bareRelay: false,
        ...(whileMeasuring ? { whileMeasuring } : {}),
      });
    console.log("live path alone ...");
    const alone = await measure();
    console.log({ p50: alone.p50, p99: alone.p99, delivered: alone.deliveredRatio });
    console.log("live path while reports render ...");
    const during = await measure(reportBursts);
    // The changes made while a burst was queued or rendering: what the target is about.
    const whileBusy = during.gatewaySamples
      .filter(({ at }) => busy.some(([from, to]) => at >= from && at <= to))
      .map(({ ms }) => ms);
    console.log({
      p50: during.p50,
      p99: during.p99,
      busyP99: percentile(whileBusy, 99),
      busySamples: whileBusy.length,
      busyMs: busy.reduce((sum, [from, to]) => sum + to - from, 0),
      delivered: during.deliveredRatio,
      reports: rendered.length,
    });
    if (rendered.length < BENCH.reportsQueued) throw new Error(`only ${rendered.length} reports rendered`);
    return {
      live_p99_during_reports_ms: {
        value: round(percentile(whileBusy, 99)),
        unit: "ms",
        target: "<= 250",
        baseline: round(alone.p99),
      },
      live_p50_during_reports_ms: {
        value: round(percentile(whileBusy, 50)),
        unit: "ms",
        target: "context",
        baseline: round(alone.p50),
      },
      live_samples_during_reports: { value: whileBusy.length, unit: "deliveries", target: "context" },
      live_p99_reports_window_ms: { value: round(during.p99), unit: "ms", target: "context" },
      live_delivered_ratio_during_reports: { value: round(during.deliveredRatio), unit: "ratio", target: "1" },
      live_reports_rendered: { value: rendered.length, unit: "reports", target: "context" },
      live_report_queued_to_done_p50_ms: { value: round(percentile(rendered, 50)), unit: "ms", target: "context" },
    };
  } finally {
    reporting?.child.kill("SIGTERM");
    redis.destroy();
    await plant.drop().catch(() => undefined);
    await redisServer.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** Parts to run (BENCH_PARTS=oee,live); all by default, and only a run of all writes the results. */
const parts = new Set((process.env.BENCH_PARTS ?? "oee,live").split(","));
const metrics: Record<string, BenchMetric> = {
  ...(parts.has("oee") ? await measureReportsAndRollup() : {}),
  ...(parts.has("live") ? await measureLiveDuringReports() : {}),
};
console.log(JSON.stringify(metrics, null, 2));
if (parts.size < 2) {
  console.log("only some parts ran (BENCH_PARTS): bench/results/reporting.json left as it was");
} else {
  const file = writeBenchResult(
    "reporting",
    "reporting subgraph: shift report render, OEE year query, live path while reports render",
    metrics,
  );
  console.log(`wrote ${file}`);
}
process.exit(0);
