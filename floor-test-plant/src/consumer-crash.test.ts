// The telemetry consumer killed with SIGKILL while it works through the bridge's stream, then
// restarted: what the database holds must equal what the emulated PLC did (its counters and the
// faults the test forced on it), with no entry applied twice and none missed.
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createLogger } from "@ms5/kit";
import { testRedisPrefix } from "@ms5/kit/testing";
import { TELEMETRY_CONSUMER_GROUP } from "@ms5/production/telemetry-consumer";
import { openSeededTestPlant, type SeededTestPlant } from "@ms5/production/testing";
import { deadLetterStreamKey } from "@ms5/schema";
import { eventually } from "@ms5/test-support";
import { afterEach, describe, expect, inject, it } from "vitest";
import { BAGGER, type EmulatedBaggingLine, startEmulatedBaggingLine, streamEntries } from "./emulated-bagging-line.ts";

const logger = createLogger({ service: "consumer-crash-test", level: "silent" });
const CONSUMER_PROCESS = fileURLToPath(new URL("./telemetry-consumer-process.ts", import.meta.url));
const REPOSITORY_ROOT = path.resolve(path.dirname(CONSUMER_PROCESS), "../..");

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A seeded plant, Bagger 1 emulated and bridged into its own streams, and consumer processes to kill. */
async function openCrashFloor(testRun: ReturnType<typeof inject<"testRun">>) {
  const keyPrefix = `${testRedisPrefix(testRun.runId)}crash-${randomUUID().slice(0, 8)}:`;
  const plant: SeededTestPlant = await openSeededTestPlant(testRun, new Date());
  const line: EmulatedBaggingLine = await startEmulatedBaggingLine({
    prisma: plant.db.prisma,
    redisUrl: testRun.redisUrl,
    keyPrefix,
    logger,
    startPaused: true,
  });
  const children = new Set<ChildProcess>();
  const bagger = await plant.db.prisma.equipment.findUniqueOrThrow({
    where: { code: BAGGER.code },
    include: { faults: true },
  });
  const forcedFaultCodes: string[] = [];
  let base = { good: 0, reject: 0 };

  async function kill(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }

  return {
    plant,
    line,
    kill,

    /** Lets the PLC run once the bridge's first read of its counters has set the base of the deltas. */
    async startProduction(): Promise<void> {
      // Speed shares the counters' scan group and is published at its first read.
      await eventually(
        async () => {
          const entries = await streamEntries(plant.redis, line.telemetryStream);
          const state = entries.some((e) => e.type === "state");
          return state && entries.some((e) => e.type === "sample" && e.signal === "speed") ? true : undefined;
        },
        { what: "the bridge's first state and speed entries", timeoutMs: 15_000 },
      );
      base = line.counters();
      line.emulator.control.setSpeed(BAGGER.tagPrefix, 1_200);
      line.emulator.control.resume();
    },

    /** Jams Bagger 1 with fault `bit` for half a second, then resets it; remembered as ground truth. */
    async stopWithFault(bit: number): Promise<void> {
      line.emulator.control.forceFault(BAGGER.tagPrefix, bit);
      forcedFaultCodes.push(bagger.faults.find((fault) => fault.bitIndex === bit)!.faultCode);
      await sleep(500);
      line.emulator.control.clearFaults(BAGGER.tagPrefix);
    },

    /** Starts a consumer process; resolves once it reads the stream. */
    async startConsumer(name: string): Promise<ChildProcess> {
      const child = spawn(process.execPath, ["--import", "tsx", CONSUMER_PROCESS], {
        cwd: REPOSITORY_ROOT,
        env: {
          ...process.env,
          DATABASE_URL: plant.db.url,
          REDIS_URL: testRun.redisUrl,
          STREAM_KEY_PREFIX: keyPrefix,
          CONSUMER_NAME: name,
          CLAIM_IDLE_MS: "1000",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      children.add(child);
      child.once("exit", () => children.delete(child));
      let stderr = "";
      child.stderr!.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      await new Promise<void>((resolve, reject) => {
        createInterface({ input: child.stdout! }).on("line", (text) => {
          if (text === "ready") resolve();
        });
        child.once("exit", (code, signal) =>
          reject(new Error(`consumer ${name} exited (${code ?? signal}) before it was ready: ${stderr}`)),
        );
      });
      return child;
    },

    /** Entries the group has delivered but nobody acknowledged. */
    async pendingCount(): Promise<number> {
      return Number((await plant.redis.xPending(line.telemetryStream, TELEMETRY_CONSUMER_GROUP)).pending);
    },

    /** Stops the PLC and waits until the bridge has published the counters as they now stand. */
    async stopProduction(): Promise<{ good: number; reject: number }> {
      line.emulator.control.pause();
      const final = line.counters();
      await eventually(
        async () => {
          const counts = (await streamEntries(plant.redis, line.telemetryStream)).filter((e) => e.type === "counts");
          const last = counts.at(-1);
          return Number(last?.goodTotal) === final.good && Number(last?.rejectTotal) === final.reject
            ? true
            : undefined;
        },
        { what: "the bridge's last counts", timeoutMs: 15_000 },
      );
      return final;
    },

    /** Runs a consumer that lives until the group has applied and acknowledged every entry. */
    async drainWithSurvivor(): Promise<void> {
      const survivor = await this.startConsumer("survivor");
      await eventually(
        async () => {
          const [group] = (await plant.redis.xInfoGroups(line.telemetryStream)) as unknown as {
            pending: number;
            lag: number;
          }[];
          return group?.pending === 0 && group.lag === 0 ? true : undefined;
        },
        { what: "the group to have applied and acknowledged every entry", timeoutMs: 30_000 },
      );
      await kill(survivor);
    },

    /** The database against the PLC's counters and fault history, and against the stream entry by entry. */
    async expectGroundTruth(final: { good: number; reject: number }): Promise<void> {
      const prisma = plant.db.prisma;
      const entries = await streamEntries(plant.redis, line.telemetryStream);
      const stateEntries = entries.filter((entry) => entry.type === "state");
      const countEntries = entries.filter((entry) => entry.type === "counts");

      const counted = await prisma.productionCount.aggregate({
        where: { equipmentId: bagger.id },
        _sum: { goodDelta: true, rejectDelta: true },
        _count: true,
      });
      expect(final.good - base.good).toBeGreaterThan(0);
      expect(counted._sum.goodDelta).toBe(final.good - base.good);
      expect(counted._sum.rejectDelta).toBe(final.reject - base.reject);
      expect(counted._count).toBe(countEntries.length);

      // One stop per forced fault, in order, with its first-out code, closed; nothing else.
      const stops = await prisma.downtimeEvent.findMany({
        where: { equipmentId: bagger.id, supersededAt: null },
        orderBy: { startedAt: "asc" },
      });
      expect(stops.map((stop) => stop.firstOutFaultCode)).toEqual(forcedFaultCodes);
      expect(stops.every((stop) => stop.category === "UNPLANNED" && stop.endedAt !== null)).toBe(true);
      // Each stop ends when the PLC said it was running again.
      const runningAgainAt = stateEntries
        .filter((entry, index) => entry.state === "RUNNING" && stateEntries[index - 1]?.state === "DOWN")
        .map((entry) => new Date(Number(entry.ts)));
      expect(stops.map((stop) => stop.endedAt)).toEqual(runningAgainAt);

      // The state log: one row per state entry, gap-free (each row ends where the next begins).
      const states = await prisma.equipmentStateChange.findMany({
        where: { equipmentId: bagger.id },
        orderBy: { startedAt: "asc" },
      });
      expect(states.map((state) => state.state)).toEqual(stateEntries.map((entry) => entry.state));
      for (const [index, state] of states.slice(0, -1).entries()) {
        expect(state.endedAt).toEqual(states[index + 1]!.startedAt);
      }
      expect(states.at(-1)?.endedAt).toBeNull();
      const live = await prisma.equipmentLiveState.findUniqueOrThrow({ where: { equipmentId: bagger.id } });
      expect(live.state).toBe("RUNNING");

      // Nothing was given up on.
      expect(await plant.redis.exists(deadLetterStreamKey(TELEMETRY_CONSUMER_GROUP, keyPrefix))).toBe(0);
    },

    async close(): Promise<void> {
      for (const child of [...children]) await kill(child);
      await line.stop();
      plant.redis.destroy();
      await plant.db.drop();
    },
  };
}

describe("the telemetry consumer killed with SIGKILL mid-stream and restarted", () => {
  const testRun = inject("testRun");
  const opened: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const floor of opened.splice(0)) await floor.close();
  });

  it("ends with counts and downtime events equal to the PLC's counters and fault history, none twice, none missing", async () => {
    const floor = await openCrashFloor(testRun);
    opened.push(floor);
    await floor.startProduction();
    const script = (async () => {
      for (const bit of [4, 2, 33, 3, 63, 0]) {
        await sleep(700);
        await floor.stopWithFault(bit);
      }
    })();

    // Consumers come and go while the PLC runs: each finds a backlog (the stream grew while none
    // ran) and is killed while it works through it, leaving entries delivered but not acknowledged.
    const pendingAtKill: number[] = [];
    for (const [index, delay] of [0, 40, 120, 20, 250].entries()) {
      const consumer = await floor.startConsumer(`crash-${index}`);
      await sleep(delay);
      await floor.kill(consumer);
      pendingAtKill.push(await floor.pendingCount());
    }
    await script;
    const final = await floor.stopProduction();
    await floor.drainWithSurvivor();

    // The test did what it says: consumers died holding unacknowledged entries.
    expect(pendingAtKill.some((pending) => pending > 0)).toBe(true);
    await floor.expectGroundTruth(final);
  }, 90_000);

  it("applies a stop the dead consumer was holding after the newer entries a restarted one applied first", async () => {
    const floor = await openCrashFloor(testRun);
    opened.push(floor);
    const { plant, line } = floor;
    await floor.startProduction();
    await sleep(300);
    await floor.stopWithFault(4);
    await sleep(500);

    // A consumer reads a batch and dies with SIGKILL before acknowledging any of it: Redis keeps the
    // batch pending under its name. (Reading it here makes the batch exactly the stop above.)
    await plant.redis.xGroupCreate(line.telemetryStream, TELEMETRY_CONSUMER_GROUP, "0", { MKSTREAM: true });
    const held = (await plant.redis.xReadGroup(TELEMETRY_CONSUMER_GROUP, "killed", [
      { key: line.telemetryStream, id: ">" },
    ])) as { messages: { message: Record<string, string> }[] }[] | null;
    expect(held?.[0]?.messages.some((message) => message.message.state === "DOWN")).toBe(true);

    // The PLC carries on; the restarted consumer sees these newer entries before it may claim the batch.
    await floor.stopWithFault(2);
    await sleep(500);
    const final = await floor.stopProduction();
    await floor.drainWithSurvivor();
    await floor.expectGroundTruth(final);
  }, 60_000);
});
