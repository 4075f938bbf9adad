// `pnpm bench:andon`: the andon path, measured side by side in one run.
//   raise_to_notify_p50_ms / _p99_ms  operator raises a critical andon over the gateway's HTTP ->
//                                     its first escalation level (due at once) fires on the
//                                     subgraph's scheduler -> the production manager's
//                                     myNotifications subscription over the gateway receives it
//   raise_mutation_p50_ms             the raise mutation's own HTTP round trip (the baseline)
//   timer_error_p50_ms / _p99_ms      an escalation's recorded fire time minus its due time, for
//                                     1,000 escalations falling due over 50 s while 10,000 are open
//   timer_notified_p99_ms             due time -> its in-app notification row sent
//   set_timeout_error_p99_ms          the same 1,000 due times as plain setTimeout in this process
//                                     (the baseline: what an in-memory timer would do meanwhile)
// The subgraph and gateway run as a child process over a database of their own and the machine's
// Redis under a fresh key prefix; this process runs the clients and inserts the open escalations.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { seedPlant } from "@ms5/db/seed";
import { createTemplateDatabase, createTestDatabase, dropRunDatabases, testServerUrl } from "@ms5/db/test-database";
import { createRedisClient } from "@ms5/kit";
import { testRedisUrl } from "@ms5/kit/testing";
import { gatewaySubscriptionClient } from "@ms5/test-support";
import { type BenchMetric, writeBenchResult } from "./bench-result.ts";

const BENCH = {
  warmupRaises: 20,
  raises: 300,
  /** Pause between raises: one at a time, as a floor raises them, not a load test. */
  raiseGapMs: 30,
  openEscalations: 10_000,
  measuredEscalations: 1_000,
  /** The measured ones fall due uniformly over this window, starting `leadSeconds` after insertion. */
  dueWindowSeconds: 50,
  leadSeconds: 10,
};

const REPO = path.resolve(import.meta.dirname, "..");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
const round = (value: number) => Math.round(value * 100) / 100;

interface Ready {
  url: string;
  wsUrl: string;
  operatorToken: string;
  managerToken: string;
}

async function startFloor(env: Record<string, string>): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(REPO, "bench/andon/andon-floor-server.ts")], {
    cwd: REPO,
    env: { ...process.env, ...env, NODE_ENV: "production" },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const ready = await new Promise<Ready>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on("line", (text) => {
      if (text.startsWith("READY ")) resolve(JSON.parse(text.slice(6)) as Ready);
    });
    child.once("exit", (code, signal) => reject(new Error(`the floor server exited (${code ?? signal})`)));
  });
  return { child, ready };
}

async function main() {
  const serverUrl = testServerUrl();
  const runId = `bench${randomBytes(3).toString("hex")}`;
  const keyPrefix = `ms5bench:andon:${randomUUID().slice(0, 8)}:`;
  const photoDir = mkdtempSync(path.join(tmpdir(), "ms5-bench-andon-"));
  const templateDatabase = await createTemplateDatabase(serverUrl, runId);
  const db = await createTestDatabase({ serverUrl, runId, templateDatabase });
  const redis = createRedisClient({ url: testRedisUrl() });
  await redis.connect();
  let floor: { child: ChildProcess; ready: Ready } | undefined;
  let client: ReturnType<typeof gatewaySubscriptionClient> | undefined;
  try {
    const prisma = db.prisma;
    await seedPlant(prisma, { fastHashing: true, now: new Date() });
    const manager = await prisma.user.findUniqueOrThrow({ where: { username: "pmanager" } });
    const shiftManager = await prisma.user.findUniqueOrThrow({ where: { username: "smanager" } });
    const loading = await prisma.line.findUniqueOrThrow({ where: { code: "loading-1" } });
    const bagging2 = await prisma.line.findUniqueOrThrow({ where: { code: "bagging-2" } });
    const level = (delaySeconds: number, userId: string) => ({
      level: 1,
      kind: "ACKNOWLEDGE" as const,
      delaySeconds,
      channels: ["IN_APP" as const],
      recipients: { create: [{ kind: "USER" as const, userId }] },
    });
    await prisma.escalationRule.create({
      data: {
        name: "Bench: critical safety on loading, at once",
        priority: "CRITICAL",
        lineId: loading.id,
        andonType: "SAFETY",
        acknowledgeTimeoutSeconds: 60,
        resolveTimeoutSeconds: 600,
        levels: { create: [level(0, manager.id)] },
      },
    });
    const timerRule = await prisma.escalationRule.create({
      data: {
        name: "Bench: help on bagging 2 after a minute",
        priority: "LOW",
        lineId: bagging2.id,
        andonType: "HELP",
        acknowledgeTimeoutSeconds: 60,
        resolveTimeoutSeconds: 600,
        levels: { create: [level(60, shiftManager.id)] },
      },
    });

    floor = await startFloor({
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl(),
      KEY_PREFIX: keyPrefix,
      PHOTO_DIR: photoDir,
    });
    const { ready } = floor;

    // --- raise -> notification through the gateway --------------------------------------------
    client = gatewaySubscriptionClient(ready.wsUrl, ready.managerToken);
    const arrivals = new Map<string, number>();
    const waiters = new Map<string, (at: number) => void>();
    client.subscribe(
      { query: "subscription { myNotifications { andonId } }" },
      {
        next: (payload) => {
          const at = performance.now();
          const andonId = (payload.data?.myNotifications as { andonId: string | null } | undefined)?.andonId;
          if (!andonId) return;
          arrivals.set(andonId, at);
          waiters.get(andonId)?.(at);
        },
        error: (error) => console.error("subscription failed", error),
        complete: () => {},
      },
    );
    const channel = `${keyPrefix}notifications:${manager.id}`;
    for (;;) {
      const counts = (await redis.pubSubNumSub(channel)) as Record<string, number>;
      if ((Object.values(counts)[0] ?? 0) > 0) break;
      await sleep(20);
    }
    const raiseBody = JSON.stringify({
      query: `mutation ($input: RaiseAndonInput!) { raiseAndon(input: $input) { ... on MutationRaiseAndonSuccess { data { id } } } }`,
      variables: { input: { lineId: loading.id, type: "SAFETY", priority: "CRITICAL", note: "bench" } },
    });
    const toNotify: number[] = [];
    const mutation: number[] = [];
    for (let i = 0; i < BENCH.warmupRaises + BENCH.raises; i++) {
      const started = performance.now();
      const response = await fetch(ready.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${ready.operatorToken}` },
        body: raiseBody,
      });
      const answered = performance.now();
      const body = (await response.json()) as { data?: { raiseAndon?: { data?: { id: string } } } };
      const andonId = body.data?.raiseAndon?.data?.id;
      if (!andonId) throw new Error(`raise failed: ${JSON.stringify(body)}`);
      const arrived =
        arrivals.get(andonId) ??
        (await new Promise<number>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no notification for andon ${andonId}`)), 30_000);
          waiters.set(andonId, (at) => {
            clearTimeout(timer);
            resolve(at);
          });
        }));
      waiters.delete(andonId);
      if (i >= BENCH.warmupRaises) {
        toNotify.push(arrived - started);
        mutation.push(answered - started);
      }
      await sleep(BENCH.raiseGapMs);
    }

    // --- timer accuracy with 10,000 open escalations ---------------------------------------------
    const insertedAt = Date.now();
    const firstDue = insertedAt + BENCH.leadSeconds * 1000;
    const dues = Array.from({ length: BENCH.openEscalations }, (_, i) =>
      i < BENCH.measuredEscalations
        ? new Date(firstDue + Math.round((i / BENCH.measuredEscalations) * BENCH.dueWindowSeconds * 1000))
        : new Date(insertedAt + 2 * 3600_000 + i * 10),
    );
    // One statement: andons raised a minute before their due time, each with its active escalation.
    const inserted = await prisma.$queryRaw<{ id: string; nextDueAt: Date }[]>`
      WITH raised AS (
        INSERT INTO "andon_event" ("id", "lineId", "type", "priority", "status", "source", "raisedAt", "updatedAt", "note")
        SELECT gen_random_uuid(), ${bagging2.id}::uuid, 'HELP', 'LOW', 'OPEN', 'MANUAL', due - interval '60 seconds', now(), 'bench timer'
        FROM unnest(${dues}::timestamptz[]) AS due
        RETURNING "id", "raisedAt")
      INSERT INTO "escalation" ("id", "andonId", "ruleId", "kind", "status", "currentLevel", "nextDueAt")
      SELECT gen_random_uuid(), raised."id", ${timerRule.id}::uuid, 'ACKNOWLEDGE', 'ACTIVE', 0, raised."raisedAt" + interval '60 seconds'
      FROM raised
      RETURNING "id", "nextDueAt"`;
    const measuredIds = inserted.filter((row) => row.nextDueAt.getTime() < insertedAt + 3600_000).map((row) => row.id);
    const baseline: number[] = [];
    for (const due of dues.slice(0, BENCH.measuredEscalations)) {
      setTimeout(() => baseline.push(Date.now() - due.getTime()), due.getTime() - Date.now());
    }
    const deadline = firstDue + BENCH.dueWindowSeconds * 1000 + 120_000;
    for (;;) {
      const open = await prisma.escalation.count({ where: { id: { in: measuredIds }, status: "ACTIVE" } });
      if (open === 0 && baseline.length === BENCH.measuredEscalations) break;
      if (Date.now() > deadline) throw new Error(`${open} measured escalations never fired`);
      await sleep(500);
    }
    const fired = await prisma.escalationHistory.findMany({
      where: { escalationId: { in: measuredIds }, action: "FIRED" },
      select: { escalationId: true, dueAt: true, firedAt: true },
    });
    if (fired.length !== BENCH.measuredEscalations) {
      throw new Error(`expected ${BENCH.measuredEscalations} fires, found ${fired.length}`);
    }
    const timerErrors = fired.map((row) => row.firedAt.getTime() - row.dueAt!.getTime());
    const notified = await prisma.notification.findMany({
      where: { escalationId: { in: measuredIds }, channel: "IN_APP", status: "SENT" },
      select: {
        sentAt: true,
        escalation: { select: { history: { where: { action: "FIRED" }, select: { dueAt: true } } } },
      },
    });
    const notifiedErrors = notified.map((row) => row.sentAt!.getTime() - row.escalation!.history[0]!.dueAt!.getTime());

    const metrics: Record<string, BenchMetric> = {
      raise_to_notify_p50_ms: {
        value: round(percentile(toNotify, 50)),
        unit: "ms",
        target: "< 500",
        baseline: round(percentile(mutation, 50)),
      },
      raise_to_notify_p99_ms: {
        value: round(percentile(toNotify, 99)),
        unit: "ms",
        target: "< 1000",
        baseline: round(percentile(mutation, 99)),
      },
      raise_mutation_p50_ms: { value: round(percentile(mutation, 50)), unit: "ms", target: "baseline" },
      timer_error_p50_ms: {
        value: round(percentile(timerErrors, 50)),
        unit: "ms",
        target: "< 250",
        baseline: round(percentile(baseline, 50)),
      },
      timer_error_p99_ms: {
        value: round(percentile(timerErrors, 99)),
        unit: "ms",
        target: "< 1000",
        baseline: round(percentile(baseline, 99)),
      },
      timer_notified_p99_ms: { value: round(percentile(notifiedErrors, 99)), unit: "ms", target: "informational" },
      set_timeout_error_p99_ms: { value: round(percentile(baseline, 99)), unit: "ms", target: "baseline" },
      open_escalations: { value: BENCH.openEscalations, unit: "escalations", target: "10000" },
    };
    const file = writeBenchResult("andon", "Andon raise to notification and escalation timer accuracy", metrics);
    console.log(JSON.stringify(metrics, null, 2));
    console.log(`wrote ${file}`);
  } finally {
    await client?.dispose();
    if (floor && floor.child.exitCode === null) {
      const exited = new Promise((resolve) => floor!.child.once("exit", resolve));
      floor.child.kill("SIGTERM");
      await exited;
    }
    for await (const keys of redis.scanIterator({ MATCH: `${keyPrefix}*`, COUNT: 500 })) {
      if (keys.length > 0) await redis.del(keys);
    }
    redis.destroy();
    await db.prisma.$disconnect();
    await dropRunDatabases(serverUrl, runId);
    rmSync(photoDir, { recursive: true, force: true });
  }
}

await main();
