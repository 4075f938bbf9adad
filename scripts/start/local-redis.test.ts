import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { createClient } from "redis";
import { afterEach, describe, expect, it } from "vitest";
import { resolveRedis, startRedisServer } from "./local-redis.ts";

const tempDirs: string[] = [];

afterEach(async () => {
  for (const dir of tempDirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
});

async function freshDataDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "ms5-local-redis-"));
  tempDirs.push(dir);
  return dir;
}

/** A port nothing listens on right now: bound by the OS, then released. */
async function unusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return address.port;
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("local Redis resolution", () => {
  it("fails naming REDIS_URL when REDIS_URL points where nothing answers", async () => {
    const port = await unusedPort();
    const resolution = resolveRedis({
      env: { REDIS_URL: `redis://127.0.0.1:${port}` },
      localUrl: "redis://127.0.0.1:1",
      pingTimeoutMs: 1000,
      spawn: { port: await unusedPort(), dataDir: await freshDataDir(), readyTimeoutMs: 5000, stopGraceMs: 2000 },
    });
    await expect(resolution).rejects.toThrow(/REDIS_URL/);
    await expect(resolution).rejects.toThrow(`127.0.0.1:${port}`);
  });

  it("spawns its own redis-server when REDIS_URL is unset and nothing answers at the local URL", async () => {
    const port = await unusedPort();
    const redis = await resolveRedis({
      env: {},
      localUrl: `redis://127.0.0.1:${await unusedPort()}`,
      pingTimeoutMs: 1000,
      spawn: { port, dataDir: await freshDataDir(), readyTimeoutMs: 10_000, stopGraceMs: 5000 },
    });
    try {
      expect(redis.origin).toBe("spawned");
      expect(redis.url).toBe(`redis://127.0.0.1:${port}`);
    } finally {
      await redis.stop();
    }
    expect(redis.pid !== undefined && isProcessAlive(redis.pid)).toBe(false);
  }, 30_000);

  it("spawns a redis-server that answers PING, keeps its data in the given directory, and stop() ends it", async () => {
    const dataDir = await freshDataDir();
    const port = await unusedPort();
    const server = await startRedisServer({ port, dataDir, readyTimeoutMs: 10_000, stopGraceMs: 5000 });
    let stopped = false;
    try {
      expect(server.url).toBe(`redis://127.0.0.1:${port}`);
      expect(isProcessAlive(server.pid)).toBe(true);

      const client = createClient({ url: server.url });
      client.on("error", () => undefined);
      await client.connect();
      try {
        expect(await client.ping()).toBe("PONG");
        expect(await client.configGet("appendonly")).toEqual({ appendonly: "yes" });
        expect(await client.configGet("dir")).toEqual({ dir: await fs.realpath(dataDir) });
      } finally {
        client.destroy();
      }

      await server.stop();
      stopped = true;
      expect(isProcessAlive(server.pid)).toBe(false);
    } finally {
      if (!stopped) await server.stop();
    }
  }, 30_000);

  it("reports a spawned redis-server that cannot bind its port instead of waiting", async () => {
    // Accepts and reads (so it notices the readiness probe hanging up) but never answers.
    const holder = net.createServer((socket) => socket.resume());
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const address = holder.address();
    if (address === null || typeof address === "string") throw new Error("no TCP address");
    try {
      await expect(
        startRedisServer({
          port: address.port,
          dataDir: await freshDataDir(),
          readyTimeoutMs: 10_000,
          stopGraceMs: 2000,
        }),
      ).rejects.toThrow(/exited during start/);
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  }, 30_000);
});
