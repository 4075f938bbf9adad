// The bridge as a process: killed with SIGKILL while Redis is unreachable, restarted, it replays
// what it had buffered on disk and carries on, with no gap in the sequence; killed while the line
// keeps producing, restarted, it counts every unit made while it was down, once; and it answers the
// API's PLC connection tests over Redis.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createRedisClient } from "@ms5/kit";
import { freePort, testRedisPrefix } from "@ms5/kit/testing";
import {
  PLC_TEST_VERSION,
  type PlcTestReply,
  type PlcTestRequest,
  plcTestReplyKey,
  plcTestRequestsKey,
} from "@ms5/schema";
import { afterAll, describe, expect, inject, it } from "vitest";
import { startLogixEmulator } from "../emulator/index.ts";

const serverEntry = path.join(import.meta.dirname, "server.ts");

describe("the bridge process", () => {
  const { runId, redisUrl } = inject("testRun");
  const keyPrefix = `${testRedisPrefix(runId)}sigkill:`;
  const dir = mkdtempSync(path.join(tmpdir(), "ms5-bridge-process-"));
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  function runBridge(env: Record<string, string>): ChildProcess {
    const child = spawn(process.execPath, ["--import", "tsx", serverEntry], {
      env: { ...process.env, LOG_LEVEL: "warn", ...env },
      stdio: ["ignore", "ignore", "inherit"],
    });
    children.push(child);
    return child;
  }

  it("loses nothing it buffered on disk when killed with SIGKILL while Redis is down", async () => {
    const emulator = await startLogixEmulator({
      seed: 3,
      equipment: [
        { tagPrefix: "Program:Bagger1", targetSpeedPerMinute: 600, faultWords: 2, faultBits: [], autonomous: false },
      ],
    });
    try {
      const plantFile = path.join(dir, "plant.json");
      writeFileSync(
        plantFile,
        JSON.stringify({
          plcs: [
            {
              name: "PLC-K",
              host: "127.0.0.1",
              port: emulator.port,
              equipment: [
                {
                  code: "BAGGER-K",
                  line: "line-k",
                  tagPrefix: "Program:Bagger1",
                  tags: {
                    running: { tag: "Running", type: "BOOL", scanMs: 100 },
                    goodCount: { tag: "GoodCount", type: "DINT", scanMs: 100 },
                    rejectCount: { tag: "RejectCount", type: "DINT", scanMs: 100 },
                    speed: { tag: "Speed", type: "REAL", scanMs: 100, deadband: 0 },
                  },
                },
              ],
            },
          ],
        }),
      );
      const bufferDir = path.join(dir, "buffer");
      const common = {
        BRIDGE_PLANT_CONFIG: plantFile,
        BRIDGE_BUFFER_DIR: bufferDir,
        STREAM_KEY_PREFIX: keyPrefix,
        BRIDGE_REDIS_SEND_TIMEOUT_MS: "300",
      };

      // Redis at an address where nothing listens: everything goes to the disk buffer.
      const deadRedis = `redis://127.0.0.1:${await freePort()}`;
      const first = runBridge({ ...common, REDIS_URL: deadRedis, BRIDGE_OPS_PORT: String(await freePort()) });
      const segmentsWritten = async () => readdirSync(bufferDir).filter((f) => f.endsWith(".log")).length > 0;
      const firstWriteBy = Date.now() + 60_000;
      while (!(await segmentsWritten().catch(() => false))) {
        if (Date.now() > firstWriteBy) throw new Error("the first bridge wrote no buffer segment in 60 s");
        await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      first.kill("SIGKILL");
      const killedAt = Date.now();
      await new Promise((resolve) => first.once("exit", resolve));

      const second = runBridge({ ...common, REDIS_URL: redisUrl, BRIDGE_OPS_PORT: String(await freePort()) });
      const redis = createRedisClient({ url: redisUrl });
      await redis.connect();
      try {
        const key = `${keyPrefix}{line-k}:telemetry`;
        let entries: Record<string, string>[] = [];
        // Starting a process takes seconds on a busy machine: wait for the condition, not a count of polls.
        const deadline = Date.now() + 60_000;
        while (Date.now() < deadline) {
          entries = ((await redis.xRange(key, "-", "+")) ?? []).map((e) => e.message);
          if (entries.some((e) => Number(e.ts) > killedAt)) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        // Counts and speed read every 100 ms for ~1.5 s before the kill: dozens of entries were
        // only on disk when the first process died; they arrive first, then the new process's.
        const readBeforeKill = entries.filter((e) => Number(e.ts) < killedAt);
        expect(readBeforeKill.length).toBeGreaterThan(10);
        expect(entries.some((e) => Number(e.ts) > killedAt)).toBe(true);
        const seqs = entries.map((e) => Number(e.seq));
        expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
      } finally {
        second.kill("SIGTERM");
        await new Promise((resolve) => second.once("exit", resolve));
        redis.destroy();
      }
    } finally {
      await emulator.stop();
    }
  }, 120_000);

  it("counts every unit made while it was killed, exactly once, on its first read after the restart", async () => {
    const emulator = await startLogixEmulator({
      seed: 5,
      equipment: [
        { tagPrefix: "Program:Bagger1", targetSpeedPerMinute: 600, faultWords: 2, faultBits: [], autonomous: false },
      ],
    });
    const redis = createRedisClient({ url: redisUrl });
    await redis.connect();
    try {
      const plantFile = path.join(dir, "plant-counts.json");
      // One scan rate: the bridge sends twice a second, so a kill right after a send lands between sends.
      writeFileSync(
        plantFile,
        JSON.stringify({
          plcs: [
            {
              name: "PLC-C",
              host: "127.0.0.1",
              port: emulator.port,
              equipment: [
                {
                  code: "BAGGER-C",
                  line: "line-counts",
                  tagPrefix: "Program:Bagger1",
                  tags: {
                    running: { tag: "Running", type: "BOOL", scanMs: 500 },
                    goodCount: { tag: "GoodCount", type: "DINT", scanMs: 500 },
                    rejectCount: { tag: "RejectCount", type: "DINT", scanMs: 500 },
                  },
                },
              ],
            },
          ],
        }),
      );
      const env = {
        BRIDGE_PLANT_CONFIG: plantFile,
        BRIDGE_BUFFER_DIR: path.join(dir, "buffer-counts"),
        STREAM_KEY_PREFIX: `${keyPrefix}counts:`,
        REDIS_URL: redisUrl,
      };
      const key = `${keyPrefix}counts:{line-counts}:telemetry`;
      const counts = async () =>
        ((await redis.xRange(key, "-", "+")) ?? []).map((e) => e.message).filter((e) => e.type === "counts");
      const waitForCounts = async (atLeast: number, after = 0) => {
        const deadline = Date.now() + 30_000;
        while (Date.now() < deadline) {
          const found = (await counts()).filter((e) => Number(e.ts) > after);
          if (found.length >= atLeast) return found;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        throw new Error(`fewer than ${atLeast} counts entries in 30 s`);
      };

      const first = runBridge({ ...env, BRIDGE_OPS_PORT: String(await freePort()) });
      const seen = (await waitForCounts(3)).length;
      await waitForCounts(seen + 1);
      first.kill("SIGKILL");
      await new Promise((resolve) => first.once("exit", resolve));
      // While the bridge is down the line makes 500 good units and 7 rejects more than it would anyway.
      const good = Number(emulator.control.getTag("Program:Bagger1.GoodCount"));
      const rejects = Number(emulator.control.getTag("Program:Bagger1.RejectCount"));
      emulator.control.setTag("Program:Bagger1.GoodCount", good + 500);
      emulator.control.setTag("Program:Bagger1.RejectCount", rejects + 7);
      const restartedAt = Date.now();

      const second = runBridge({ ...env, BRIDGE_OPS_PORT: String(await freePort()) });
      try {
        const afterRestart = await waitForCounts(2, restartedAt);
        expect(Number(afterRestart[0]!.goodDelta)).toBeGreaterThanOrEqual(500);
        const all = await counts();
        const firstEntry = all[0]!;
        const lastEntry = all.at(-1)!;
        const sum = (field: string) => all.reduce((total, e) => total + Number(e[field]), 0);
        // Every unit between the first base and the last reading, none missing and none twice.
        expect(sum("goodDelta")).toBe(
          Number(lastEntry.goodTotal) - (Number(firstEntry.goodTotal) - Number(firstEntry.goodDelta)),
        );
        expect(sum("rejectDelta")).toBe(
          Number(lastEntry.rejectTotal) - (Number(firstEntry.rejectTotal) - Number(firstEntry.rejectDelta)),
        );
        expect(new Set(all.map((e) => e.epoch)).size).toBe(1);
        const seqs = all.map((e) => Number(e.seq));
        expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
      } finally {
        second.kill("SIGTERM");
        await new Promise((resolve) => second.once("exit", resolve));
      }
    } finally {
      redis.destroy();
      await emulator.stop();
    }
  }, 120_000);

  it("answers a connection test the API asks over Redis, each tag with its value or its own error", async () => {
    const emulator = await startLogixEmulator({
      seed: 5,
      equipment: [
        { tagPrefix: "Program:Bagger1", targetSpeedPerMinute: 600, faultWords: 2, faultBits: [], autonomous: false },
      ],
    });
    const prefix = `${testRedisPrefix(runId)}plc-test:`;
    const plantFile = path.join(dir, "plant-empty.json");
    writeFileSync(plantFile, JSON.stringify({ plcs: [] }));
    const redis = createRedisClient({ url: redisUrl });
    await redis.connect();
    const bridge = runBridge({
      BRIDGE_PLANT_CONFIG: plantFile,
      BRIDGE_BUFFER_DIR: path.join(dir, "buffer-plc-test"),
      STREAM_KEY_PREFIX: prefix,
      REDIS_URL: redisUrl,
      BRIDGE_OPS_PORT: String(await freePort()),
    });
    try {
      const request: PlcTestRequest = {
        v: PLC_TEST_VERSION,
        requestId: "process-test-1",
        plc: { driver: "LOGIX", host: "127.0.0.1", port: emulator.port, slot: 0, timeoutMs: 2_000, connected: true },
        tags: [
          { name: "Program:Bagger1.GoodCount", type: "DINT" },
          { name: "Program:Bagger1.NoSuchTag", type: "DINT" },
        ],
        // The process may take seconds to start on a busy machine: the request waits in the list.
        deadline: Date.now() + 60_000,
      };
      await redis.lPush(plcTestRequestsKey(prefix), JSON.stringify(request));
      const popped = await redis.brPop(plcTestReplyKey(request.requestId, prefix), 60);
      expect(popped).not.toBeNull();
      const reply = JSON.parse(popped!.element) as PlcTestReply;
      expect(reply).toMatchObject({ requestId: "process-test-1", ok: true });
      expect(reply.tags[0]).toMatchObject({ ok: true, value: expect.any(Number) });
      expect(reply.tags[1]).toMatchObject({ ok: false, error: expect.any(String) });
    } finally {
      bridge.kill("SIGTERM");
      await new Promise((resolve) => bridge.once("exit", resolve));
      redis.destroy();
      await emulator.stop();
    }
  }, 120_000);
});
