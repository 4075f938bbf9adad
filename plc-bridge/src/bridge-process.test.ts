// The bridge as a process: killed with SIGKILL while Redis is unreachable, restarted, it replays
// what it had buffered on disk and carries on, with no gap in the sequence.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createRedisClient } from "@ms5/kit";
import { freePort, testRedisPrefix } from "@ms5/kit/testing";
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
      for (let i = 0; i < 100 && !(await segmentsWritten().catch(() => false)); i++)
        await new Promise((r) => setTimeout(r, 100));
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
        for (let i = 0; i < 150; i++) {
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
  });
});
