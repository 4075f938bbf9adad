// Sensor to subscriber at plant load, shared by the benchmarks that measure the live path: emulated
// PLCs -> bridge -> Redis stream -> production's consumer -> gateway subscription (and, beside it, a
// bare bridge -> Redis -> ws relay of the same events). `pnpm bench:production` measures it alone,
// `pnpm bench:reporting` while reports render.
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { createLogger, type RedisClient } from "@ms5/kit";
import { freePort } from "@ms5/kit/testing";
import { gatewaySubscriptionClient } from "@ms5/test-support";
import WebSocket from "ws";
import { type RunningLogixEmulator, startLogixEmulator } from "../../plc-bridge/emulator/index.ts";
import { streamKey } from "../../schema/src/streams.ts";
import { type BenchPlant, bridgePlantConfig, PLANT_LOAD } from "./bench-plant.ts";

const REPO = path.resolve(import.meta.dirname, "../..");
const logger = createLogger({ service: "bench-sensor-to-subscriber", level: "warn" });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Every child this module started: killed on any exit, a crash included, so none outlives the run. */
const spawned = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of spawned) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

/** Entries of the streams the production group has not applied yet: not delivered, or delivered and not acknowledged. */
export async function entriesBehind(redis: RedisClient, streams: readonly string[]): Promise<number> {
  let behind = 0;
  for (const key of streams) {
    const [group] = (await redis.xInfoGroups(key)) as unknown as { lag: number; pending: number }[];
    behind += (group?.lag ?? 0) + (group?.pending ?? 0);
  }
  return behind;
}

export function startChild(
  script: string,
  env: Record<string, string>,
): { child: ChildProcess; firstLine: Promise<string> } {
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    cwd: REPO,
    env: { ...process.env, ...env },
    // stdin stays open: the child ends itself when it closes, i.e. when this process is gone.
    stdio: ["pipe", "pipe", "inherit"],
  });
  spawned.add(child);
  const firstLine = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on("line", (text) => {
      if (text.startsWith("READY ")) resolve(text.slice("READY ".length));
    });
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return { child, firstLine };
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

export interface SensorToSubscriberOptions {
  plant: BenchPlant;
  /** A client of the plant's own redis-server (redisUrl). */
  redis: RedisClient;
  redisUrl: string;
  /** Where the bridge's plant file and buffer go. */
  workDir: string;
  subscribersPerLine: number;
  /** One state change every this many ms, round-robin over the lines. */
  changeEveryMs: number;
  measureSeconds: number;
  warmupSeconds: number;
  /** Also measure the bare bridge -> Redis -> ws relay with the same events. @default true */
  bareRelay?: boolean;
  /**
   * Started when recording starts, with the time recording ends (Date.now() ms), and awaited before
   * the results are read: the work whose effect on the live path is measured (reporting's renders).
   */
  whileMeasuring?: (until: number) => Promise<void>;
}

/** Sensor to subscriber at plant load, through the gateway and through the bare relay, same events. */
export async function measureSensorToSubscriber(options: SensorToSubscriberOptions) {
  const { plant, redis, redisUrl, workDir } = options;
  const BENCH = options;
  const withBareRelay = options.bareRelay ?? true;
  const keyPrefix = "bench-plant:";
  const emulators: RunningLogixEmulator[] = [];
  const children: ChildProcess[] = [];
  const sockets: WebSocket[] = [];
  const clients: ReturnType<typeof gatewaySubscriptionClient>[] = [];
  try {
    for (const [l, line] of plant.lines.entries()) {
      emulators.push(
        await startLogixEmulator({
          seed: l + 1,
          equipment: line.equipment.map((eq, e) => ({
            tagPrefix: eq.tagPrefix,
            targetSpeedPerMinute: 40,
            faultWords: 2 as const,
            faultBits: [1, 2, 3, 4],
            extraTags: PLANT_LOAD.tagsPerEquipment - 13,
            // The measured machine changes state only when told; the others live their own lives.
            autonomous: e !== 0,
          })),
        }),
      );
    }
    const plantFile = path.join(workDir, "plant.json");
    writeFileSync(
      plantFile,
      JSON.stringify(
        bridgePlantConfig(
          plant.lines,
          emulators.map((emulator) => emulator.port),
        ),
      ),
    );

    const floor = startChild("bench/production/floor-server.ts", {
      DATABASE_URL: plant.db.url,
      REDIS_URL: redisUrl,
      STREAM_KEY_PREFIX: keyPrefix,
    });
    children.push(floor.child);
    const relay = withBareRelay
      ? startChild("bench/production/bare-relay.ts", {
          REDIS_URL: redisUrl,
          STREAM_KEY_PREFIX: keyPrefix,
          LINE_CODES: plant.lines.map((line) => line.code).join(","),
        })
      : null;
    if (relay) children.push(relay.child);
    const { wsUrl, token } = JSON.parse(await floor.firstLine) as { wsUrl: string; token: string };
    const relayUrl = relay ? (JSON.parse(await relay.firstLine) as { url: string }).url : null;
    const bridge = spawn(process.execPath, ["--import", "tsx", "plc-bridge/src/server.ts"], {
      cwd: REPO,
      env: {
        ...process.env,
        BRIDGE_PLANT_CONFIG: plantFile,
        BRIDGE_BUFFER_DIR: path.join(workDir, "bridge-buffer"),
        BRIDGE_OPS_PORT: String(await freePort()),
        REDIS_URL: redisUrl,
        STREAM_KEY_PREFIX: keyPrefix,
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "ignore", "inherit"],
    });
    children.push(bridge);
    spawned.add(bridge);

    // Changes in flight: per line, the measured machine's expected state and when it was made.
    const inFlight = new Map<string, { state: string; at: number }>();
    const gatewayLatencies: number[] = [];
    /** Each gateway delivery: when its change was made (performance.now()) and how long it took. */
    const gatewaySamples: { at: number; ms: number }[] = [];
    const bareLatencies: number[] = [];
    let recording = false;
    const measuredId = new Map(plant.lines.map((line) => [line.equipment[0]!.id, line.code]));
    const measuredCode = new Map(plant.lines.map((line) => [line.equipment[0]!.code, line.code]));

    for (const line of plant.lines) {
      for (let s = 0; s < BENCH.subscribersPerLine; s++) {
        const client = gatewaySubscriptionClient(wsUrl, token);
        clients.push(client);
        client.subscribe<{ equipmentStatusChanged: { id: string; liveState: { state: string } | null } }>(
          {
            query:
              "subscription ($lineId: ID!) { equipmentStatusChanged(lineId: $lineId) { id code liveState { state } } }",
            variables: { lineId: line.id },
          },
          {
            next: (payload) => {
              const now = performance.now();
              const changed = payload.data?.equipmentStatusChanged;
              const lineCode = changed ? measuredId.get(changed.id) : undefined;
              const expected = lineCode ? inFlight.get(lineCode) : undefined;
              if (recording && expected && changed?.liveState?.state === expected.state) {
                gatewayLatencies.push(now - expected.at);
                gatewaySamples.push({ at: expected.at, ms: now - expected.at });
              }
            },
            error: (error) => logger.warn({ err: error }, "subscriber error"),
            complete: () => {},
          },
        );
        if (!relayUrl) continue;
        const socket = new WebSocket(`${relayUrl}/?line=${line.code}`);
        sockets.push(socket);
        socket.on("message", (data) => {
          const now = performance.now();
          const message = JSON.parse(String(data)) as { equipment: string; state: string };
          const lineCode = measuredCode.get(message.equipment);
          const expected = lineCode ? inFlight.get(lineCode) : undefined;
          if (recording && expected && message.state === expected.state) bareLatencies.push(now - expected.at);
        });
      }
    }

    const toggle = (index: number) => {
      const l = index % plant.lines.length;
      const line = plant.lines[l]!;
      const state = Math.floor(index / plant.lines.length) % 2 === 0 ? "IDLE" : "RUNNING";
      inFlight.set(line.code, { state, at: performance.now() });
      emulators[l]!.control.setState(line.equipment[0]!.tagPrefix, state);
    };
    // Warm-up: connections, plans, the consumer catching up with the bridge's first reads.
    let index = 0;
    const warmupEnd = Date.now() + BENCH.warmupSeconds * 1_000;
    while (Date.now() < warmupEnd) {
      toggle(index++);
      await sleep(BENCH.changeEveryMs);
    }
    const plantStreams = plant.lines.map((line) => streamKey(line.code, "telemetry", keyPrefix));
    const streamLength = async () => {
      let total = 0;
      for (const key of plantStreams) total += await redis.xLen(key);
      return total;
    };
    const lengthAtStart = await streamLength();
    const measureStarted = performance.now();
    recording = true;
    const measureEnd = Date.now() + BENCH.measureSeconds * 1_000;
    const alongside = options.whileMeasuring?.(measureEnd);
    let changes = 0;
    while (Date.now() < measureEnd) {
      toggle(index++);
      changes++;
      await sleep(BENCH.changeEveryMs);
    }
    await alongside;
    const plantEntriesPerSecond =
      ((await streamLength()) - lengthAtStart) / ((performance.now() - measureStarted) / 1000);
    // Entries not yet applied, sampled every 100 ms while late deliveries still count (the next
    // change of a line comes 5 s after its last): the bridge's 1 Hz scans land as bursts, so one
    // sample can fall on a burst; a consumer that keeps up is back at 0 between them.
    const behindSamples: number[] = [];
    const sampleUntil = Date.now() + 4_000;
    while (Date.now() < sampleUntil) {
      behindSamples.push(await entriesBehind(redis, plantStreams));
      await sleep(100);
    }
    const consumerBehind = Math.min(...behindSamples);
    const consumerBehindPeak = Math.max(...behindSamples);
    recording = false;
    return {
      plantEntriesPerSecond,
      consumerBehind,
      consumerBehindPeak,
      deliveredRatio: gatewayLatencies.length / (changes * BENCH.subscribersPerLine),
      bareDeliveredRatio: bareLatencies.length / (changes * BENCH.subscribersPerLine),
      changes,
      gatewayDeliveries: gatewayLatencies.length,
      bareDeliveries: bareLatencies.length,
      gatewaySamples,
      p50: percentile(gatewayLatencies, 50),
      p99: percentile(gatewayLatencies, 99),
      bareP50: percentile(bareLatencies, 50),
      bareP99: percentile(bareLatencies, 99),
    };
  } finally {
    for (const client of clients) void client.dispose();
    for (const socket of sockets) socket.terminate();
    for (const child of children.reverse()) await stopChild(child);
    for (const emulator of emulators) await emulator.stop();
  }
}
