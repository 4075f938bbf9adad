// `pnpm bench:bridge`: the PLC bridge's figures, measured side by side in one run on this machine.
//   tags_per_s          batched tag reads from the emulator over one connection
//   slc_tags_per_s      N-file integers read from the SLC 5/05 personality over one connection
//                       (merged reads); slc_unmerged_tags_per_s the same with one PCCC read per tag
//   xadd_ratio          bridge publisher XADD entries/s over redis-benchmark's pipelined XADD, same Redis
//   cpu_ms_per_1k_tags  bridge process CPU per 1,000 tags/s at 20 lines x 5 equipment x 50 tags at 1 Hz
//   rss_mb              bridge process resident memory at that load
//   config_change_to_first_read_ms
//                       from an API edit of a tag binding (setTagBinding, executed by the production
//                       schema on a seeded plant database) to the running bridge's first published
//                       read of the new binding: announcement, reload, new poller, first scan (the
//                       slowest of several edits)
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { seedPlant } from "@ms5/db/seed";
import { createTemplateDatabase, createTestDatabase, dropRunDatabases, testServerUrl } from "@ms5/db/test-database";
import { createLogger, createRedisClient, PlantChangeAnnouncer, startRedisServer } from "@ms5/kit";
import { createSubgraphContext } from "@ms5/kit/subgraph";
import { freePort } from "@ms5/kit/testing";
import { startBridgeOnPlantDatabase } from "@ms5/plc-bridge/testing/bridge-on-plant-database";
import { permissionsOf } from "@ms5/schema";
import { graphql } from "graphql";
import { type RunningLogixEmulator, startLogixEmulator, startSlcEmulator } from "../plc-bridge/emulator/index.ts";
import { DiskBuffer } from "../plc-bridge/src/disk-buffer.ts";
import type { TagSpec } from "../plc-bridge/src/driver/plc-driver.ts";
import { createPlcDriver } from "../plc-bridge/src/driver/plc-driver-registry.ts";
import { SlcPcccDriver, slcPcccDriverDefaults } from "../plc-bridge/src/driver/slc-pccc-driver.ts";
import type { UnsequencedEntry } from "../plc-bridge/src/equipment-signal-processor.ts";
import { StreamPublisher } from "../plc-bridge/src/stream-publisher.ts";
import { schema as productionSchema } from "../subgraphs/production/src/schema/index.ts";
import { writeBenchResult } from "./bench-result.ts";

const BENCH = {
  /** Equipment per emulator in the read benchmark (13 tags each). */
  readEquipment: 16,
  readSeconds: 5,
  /** N-file integers per readTags call in the SLC read benchmark. */
  slcBatch: 200,
  xaddEntries: 200_000,
  plantLines: 20,
  equipmentPerLine: 5,
  tagsPerEquipment: 50,
  warmupSeconds: 5,
  plantSeconds: 20,
  /** API edits of a tag binding timed to the bridge's first read of each. */
  configEdits: 7,
};

const logger = createLogger({ service: "bench-bridge", level: "silent" });
const workDir = mkdtempSync(path.join(tmpdir(), "ms5-bench-bridge-"));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function measureTagReads(): Promise<{ tagsPerSecond: number; batch: number }> {
  const equipment = Array.from({ length: BENCH.readEquipment }, (_, i) => ({
    tagPrefix: `Program:Eq${i}`,
    targetSpeedPerMinute: 40,
    faultWords: 2 as const,
    faultBits: [],
    autonomous: false,
  }));
  const emulator = await startLogixEmulator({ equipment });
  const types: Record<string, TagSpec["type"]> = {
    Running: "BOOL",
    StateCode: "DINT",
    Speed: "REAL",
    GoodCount: "DINT",
    RejectCount: "DINT",
    FirstOutFault: "DINT",
    EnergyKWh: "REAL",
    JawTempC: "REAL",
    Diag_SINT: "SINT",
    Diag_INT: "INT",
    Diag_LINT: "LINT",
    Diag_LREAL: "LREAL",
  };
  const tags: TagSpec[] = equipment.flatMap((eq) => [
    ...Object.entries(types).map(([tag, type]) => ({ name: `${eq.tagPrefix}.${tag}`, type })),
    { name: `${eq.tagPrefix}.Faults`, type: "DINT" as const, length: 2 },
  ]);
  const driver = createPlcDriver("LOGIX", {
    host: "127.0.0.1",
    port: emulator.port,
    slot: 0,
    timeoutMs: 2_000,
    connected: true,
  });
  await driver.connect();
  let read = 0;
  const until = performance.now() + BENCH.readSeconds * 1000;
  const started = performance.now();
  while (performance.now() < until) {
    const results = await driver.readTags(tags);
    read += results.filter((r) => r.ok).length;
  }
  const seconds = (performance.now() - started) / 1000;
  await driver.close();
  await emulator.stop();
  return { tagsPerSecond: read / seconds, batch: tags.length };
}

/**
 * N-file INTs read per second from the SLC 5/05 personality over one connection (connected messaging):
 * N7:0-N7:99 and N10:0-N10:99, merged into one typed read per 200 bytes, or with `maxReadBytes` 2
 * one PCCC request per tag.
 */
async function measureSlcReads(
  maxReadBytes: number,
): Promise<{ tagsPerSecond: number; batch: number; requests: number }> {
  const emulator = await startSlcEmulator({
    equipment: [{ tagPrefix: "", targetSpeedPerMinute: 40, faultWords: 2, faultBits: [], autonomous: false }],
  });
  const perFile = BENCH.slcBatch / 2;
  const tags: TagSpec[] = [7, 10].flatMap((file) =>
    Array.from({ length: perFile }, (_, i): TagSpec => ({ name: `N${file}:${i}`, type: "INT" })),
  );
  const driver = new SlcPcccDriver(
    { host: "127.0.0.1", port: emulator.port, slot: 0, timeoutMs: 2_000, connected: true },
    { maxReadBytes },
  );
  await driver.connect();
  const readsBefore = emulator.control.stats().tagsRead;
  await driver.readTags(tags);
  const requests = emulator.control.stats().tagsRead - readsBefore;
  let read = 0;
  const until = performance.now() + BENCH.readSeconds * 1000;
  const started = performance.now();
  while (performance.now() < until) {
    const results = await driver.readTags(tags);
    read += results.filter((r) => r.ok).length;
  }
  const seconds = (performance.now() - started) / 1000;
  await driver.close();
  await emulator.stop();
  return { tagsPerSecond: read / seconds, batch: tags.length, requests };
}

function redisBenchmarkXadd(port: number): number {
  const fields = Array.from({ length: 10 }, (_, i) => [`f${i}`, `value-${i}`]).flat();
  const output = execFileSync(
    "redis-benchmark",
    [
      "-h",
      "127.0.0.1",
      "-p",
      String(port),
      "-n",
      String(BENCH.xaddEntries),
      "-P",
      "16",
      "-q",
      "XADD",
      "bench:redis-benchmark",
      "*",
      ...fields,
    ],
    { encoding: "utf8" },
  );
  const match = /([\d.]+) requests per second/.exec(output);
  if (!match) throw new Error(`could not read redis-benchmark's output: ${output}`);
  return Number(match[1]);
}

async function bridgeXadd(url: string): Promise<number> {
  const redis = createRedisClient({ url, failFastWhenDisconnected: true });
  await redis.connect();
  const dir = path.join(workDir, "xadd-buffer");
  const publisher = new StreamPublisher({
    redis,
    buffer: new DiskBuffer({ dir, fsync: false }),
    stateDir: dir,
    logger,
    keyPrefix: "bench:",
  });
  const entry = (i: number): UnsequencedEntry => ({
    line: "bench-line",
    equipment: "EQ-1",
    ts: Date.now(),
    body: { type: "sample", quality: "good", signal: "speed", value: i, reason: "change" },
  });
  const started = performance.now();
  for (let i = 0; i < BENCH.xaddEntries; i += 1_000) {
    publisher.publish(
      "PLC-BENCH",
      Array.from({ length: 1_000 }, (_, j) => entry(i + j)),
    );
    // Let the publisher's pipeline drain as the bridge's pollers would: between reads.
    if (publisher.queued > 20_000) await publisher.drain();
  }
  await publisher.drain();
  const perSecond = BENCH.xaddEntries / ((performance.now() - started) / 1000);
  redis.destroy();
  return perSecond;
}

function procCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  // utime and stime, fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

function procRssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("VmRSS:"))!;
  return Number(line.split(/\s+/)[1]) / 1024;
}

async function measurePlantLoad(
  redisUrl: string,
): Promise<{ cpuMsPer1kTags: number; rssMb: number; tagsPerSecond: number }> {
  const emulators: RunningLogixEmulator[] = [];
  const extraTags = BENCH.tagsPerEquipment - 13;
  const plcs = [];
  for (let line = 0; line < BENCH.plantLines; line++) {
    const equipment = Array.from({ length: BENCH.equipmentPerLine }, (_, e) => ({
      tagPrefix: `Program:L${line}E${e}`,
      targetSpeedPerMinute: 40,
      faultWords: 2 as const,
      faultBits: [1, 2, 3, 4],
      extraTags,
    }));
    const emulator = await startLogixEmulator({ seed: line + 1, equipment });
    emulators.push(emulator);
    plcs.push({
      name: `PLC-L${line}`,
      host: "127.0.0.1",
      port: emulator.port,
      equipment: equipment.map((eq, e) => ({
        code: `L${line}-EQ${e}`,
        line: `line-${line}`,
        tagPrefix: eq.tagPrefix,
        tags: {
          running: { tag: "Running", type: "BOOL", scanMs: 1000 },
          stateCode: { tag: "StateCode", type: "DINT", scanMs: 1000 },
          faultWords: { tag: "Faults", type: "DINT", length: 2, scanMs: 1000 },
          firstOutFault: { tag: "FirstOutFault", type: "DINT", scanMs: 1000 },
          goodCount: { tag: "GoodCount", type: "DINT", scanMs: 1000 },
          rejectCount: { tag: "RejectCount", type: "DINT", scanMs: 1000 },
          speed: { tag: "Speed", type: "REAL", scanMs: 1000, deadband: 0.5 },
          energyKwh: { tag: "EnergyKWh", type: "REAL", scanMs: 1000, deadband: 0.01 },
          jawTemperature: { tag: "JawTempC", type: "REAL", scanMs: 1000, deadband: 0.5 },
          idleReason: { tag: "Diag_SINT", type: "SINT", scanMs: 1000 },
          recipe: { tag: "Diag_INT", type: "INT", scanMs: 1000 },
          lifetimeUnits: { tag: "Diag_LINT", type: "LINT", scanMs: 1000 },
          runningHours: { tag: "Diag_LREAL", type: "LREAL", scanMs: 1000, deadband: 0.01 },
          ...Object.fromEntries(
            Array.from({ length: extraTags }, (_, t) => [
              `analog${t}`,
              { tag: `Extra_${t}`, type: "REAL", scanMs: 1000, deadband: 0.1 },
            ]),
          ),
        },
      })),
    });
  }
  const plantFile = path.join(workDir, "plant.json");
  writeFileSync(plantFile, JSON.stringify({ plcs }));
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.resolve(import.meta.dirname, "../plc-bridge/src/server.ts")],
    {
      env: {
        ...process.env,
        BRIDGE_PLANT_CONFIG: plantFile,
        BRIDGE_BUFFER_DIR: path.join(workDir, "plant-buffer"),
        BRIDGE_OPS_PORT: String(await freePort()),
        REDIS_URL: redisUrl,
        STREAM_KEY_PREFIX: "bench-plant:",
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  try {
    await sleep(BENCH.warmupSeconds * 1000);
    const pid = child.pid!;
    const cpuStart = procCpuMs(pid);
    const wallStart = performance.now();
    await sleep(BENCH.plantSeconds * 1000);
    const cpuMs = procCpuMs(pid) - cpuStart;
    const seconds = (performance.now() - wallStart) / 1000;
    const rssMb = procRssMb(pid);
    const tagsPerSecond = BENCH.plantLines * BENCH.equipmentPerLine * BENCH.tagsPerEquipment;
    return { cpuMsPer1kTags: cpuMs / seconds / (tagsPerSecond / 1000), rssMb, tagsPerSecond };
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
    for (const emulator of emulators) await emulator.stop();
  }
}

/**
 * Edits Basket Loader 1's tag map through the production schema (as an engineer) while a bridge runs
 * on the same database and Redis, and times each edit to the first sample of the new binding.
 */
async function measureConfigChangeToFirstRead(redisUrl: string): Promise<{ ms: number[] }> {
  const serverUrl = testServerUrl();
  const runId = `benchbridge${randomBytes(3).toString("hex")}`;
  const keyPrefix = `ms5bench:${runId}:`;
  const templateDatabase = await createTemplateDatabase(serverUrl, runId);
  const db = await createTestDatabase({ serverUrl, runId, templateDatabase });
  const slc = await startSlcEmulator({
    port: 0,
    equipment: [{ tagPrefix: "", targetSpeedPerMinute: 60, faultWords: 2, faultBits: [], autonomous: false }],
  });
  const redis = createRedisClient({ url: redisUrl });
  await redis.connect();
  let running: Awaited<ReturnType<typeof startBridgeOnPlantDatabase>> | undefined;
  try {
    await seedPlant(db.prisma, { fastHashing: true });
    const engineer = await db.prisma.user.findUniqueOrThrow({ where: { username: "engineer" } });
    const plantChanges = new PlantChangeAnnouncer({ redis, keyPrefix, logger });
    const asEngineer = async (source: string, variableValues: Record<string, unknown>) => {
      const contextValue = createSubgraphContext(
        {
          identity: {
            kind: "user",
            userId: engineer.id,
            name: "bench engineer",
            roles: ["ENGINEER"],
            permissions: permissionsOf(["ENGINEER"]),
          },
          prisma: db.prisma,
          redis,
          logger,
          correlationId: "bench-bridge",
        },
        { plantChanges },
      );
      const result = await graphql({ schema: productionSchema, source, variableValues, contextValue });
      const typename = JSON.stringify(result.data ?? result.errors);
      if (result.errors || !typename.includes("Success")) throw new Error(`the edit was refused: ${typename}`);
    };
    const loaderPlc = await db.prisma.plc.findUniqueOrThrow({ where: { name: "PLC-LOAD1" } });
    await asEngineer(
      `mutation($id: ID!, $port: Int!) { updatePlc(id: $id, input: { host: "127.0.0.1", port: $port, timeoutMs: 500 }) { __typename } }`,
      { id: loaderPlc.id, port: slc.port },
    );
    running = await startBridgeOnPlantDatabase({
      prisma: db.prisma,
      redisUrl,
      keyPrefix,
      logger,
      plcNames: ["PLC-LOAD1"],
    });
    const telemetryKey = `${keyPrefix}{loading-1}:telemetry`;
    const firstSample = async (signal: string, deadlineMs: number) => {
      for (;;) {
        const recent = await redis.xRevRange(telemetryKey, "+", "-", { COUNT: 100 });
        if ((recent ?? []).some((entry) => entry.message.type === "sample" && entry.message.signal === signal)) return;
        if (performance.now() > deadlineMs) throw new Error(`no read of ${signal} within the deadline`);
        await sleep(2);
      }
    };
    await firstSample("speed", performance.now() + 10_000).catch(() => undefined);
    const tagMap = await db.prisma.tagMap.findUniqueOrThrow({ where: { name: "basket-loader-slc500-v1" } });
    const ms: number[] = [];
    for (let edit = 0; edit < BENCH.configEdits; edit++) {
      const signal = `benchProbe${edit}`;
      slc.control.setTag(`F8:${50 + edit}`, 10 + edit);
      await sleep(500);
      const editedAt = performance.now();
      await asEngineer(
        `mutation($id: ID!, $binding: TagBindingInput!) { setTagBinding(tagMapId: $id, binding: $binding) { __typename } }`,
        { id: tagMap.id, binding: { signal, address: `F8:${50 + edit}`, type: "REAL", scanMs: 100 } },
      );
      await firstSample(signal, editedAt + 10_000);
      ms.push(performance.now() - editedAt);
    }
    return { ms };
  } finally {
    await running?.stop();
    await slc.stop();
    redis.destroy();
    await db.drop();
    await dropRunDatabases(serverUrl, runId);
  }
}

const redisDir = path.join(workDir, "redis");
const redisServer = await startRedisServer({
  port: await freePort(),
  dataDir: redisDir,
  readyTimeoutMs: 10_000,
  stopGraceMs: 5_000,
});
try {
  const reads = await measureTagReads();
  console.log(`tag reads: ${Math.round(reads.tagsPerSecond)} tags/s (batches of ${reads.batch} over one connection)`);
  const slc = await measureSlcReads(slcPcccDriverDefaults.maxReadBytes);
  const slcUnmerged = await measureSlcReads(2);
  for (const [label, run] of [
    ["merged", slc],
    ["one read per tag", slcUnmerged],
  ] as const) {
    console.log(
      `SLC reads (${label}): ${Math.round(run.tagsPerSecond)} N-file INTs/s (batches of ${run.batch} in ${run.requests} PCCC reads)`,
    );
  }
  const port = Number(new URL(redisServer.url).port);
  const redisBenchmark = redisBenchmarkXadd(port);
  const bridge = await bridgeXadd(redisServer.url);
  console.log(`XADD: bridge ${Math.round(bridge)}/s, redis-benchmark -P16 ${Math.round(redisBenchmark)}/s`);
  const configChange = await measureConfigChangeToFirstRead(redisServer.url);
  const sortedChanges = [...configChange.ms].sort((a, b) => a - b);
  const slowestChange = sortedChanges.at(-1)!;
  const medianChange = sortedChanges[Math.floor(sortedChanges.length / 2)]!;
  console.log(
    `config change to first read: median ${Math.round(medianChange)} ms, slowest ${Math.round(slowestChange)} ms of ${sortedChanges.length} edits (${sortedChanges.map((m) => Math.round(m)).join(", ")})`,
  );
  const plant = await measurePlantLoad(redisServer.url);
  console.log(
    `plant: ${plant.tagsPerSecond} tags/s, ${plant.cpuMsPer1kTags.toFixed(1)} ms CPU per 1k tags/s, RSS ${plant.rssMb.toFixed(0)} MB`,
  );

  const file = writeBenchResult("bridge", "PLC bridge: reads, publishing, cost at plant load", {
    tags_per_s: {
      value: Math.round(reads.tagsPerSecond),
      unit: "tags/s",
      target: ">= 6000 (headroom to 60000 on loopback)",
    },
    slc_tags_per_s: {
      value: Math.round(slc.tagsPerSecond),
      unit: "tags/s",
      target: ">= 3000",
    },
    slc_unmerged_tags_per_s: {
      value: Math.round(slcUnmerged.tagsPerSecond),
      unit: "tags/s",
      target: "report",
    },
    xadd_ratio: {
      value: Number((bridge / redisBenchmark).toFixed(3)),
      unit: "ratio",
      target: ">= 0.25",
      baseline: Math.round(redisBenchmark),
    },
    cpu_ms_per_1k_tags: {
      value: Number(plant.cpuMsPer1kTags.toFixed(2)),
      unit: "ms CPU per second per 1000 tags/s",
      target: "report",
    },
    rss_mb: { value: Math.round(plant.rssMb), unit: "MB", target: "report" },
    config_change_to_first_read_ms: {
      value: Math.round(slowestChange),
      unit: "ms (slowest of the edits)",
      target: "<= 2000",
    },
    config_change_to_first_read_median_ms: {
      value: Math.round(medianChange),
      unit: "ms",
      target: "report",
    },
  });
  console.log(`wrote ${file}`);
} finally {
  await redisServer.stop();
  rmSync(workDir, { recursive: true, force: true });
}
