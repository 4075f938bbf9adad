// The login rate limiter on the real Redis server: per-account and per-address sliding windows, and
// what a sign-in gets when Redis stalls (a redis-server of the test's own, paused by its PID).
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createRedisClient, type RedisClient } from "../redis-client.ts";
import { startRedisServer } from "../redis-server-process.ts";
import { freePort } from "../testing/free-port.ts";
import { testRedisPrefix } from "../testing/index.ts";
import { refusal } from "./auth-test-fixtures.ts";
import { createLoginRateLimiter, type LoginRateLimiterOptions } from "./login-rate-limiter.ts";

describe("the login rate limiter", () => {
  const { runId, redisUrl } = inject("testRun");
  let redis: RedisClient;

  beforeAll(async () => {
    redis = createRedisClient({ url: redisUrl });
    await redis.connect();
  });
  afterAll(() => {
    redis.destroy();
  });

  /** A limiter with its own key prefix, so tests never share windows. */
  function limiter(options: Omit<LoginRateLimiterOptions, "redis" | "keyPrefix"> = {}) {
    const keyPrefix = `${testRedisPrefix(runId)}login-limiter:${randomUUID()}:`;
    return { keyPrefix, limiter: createLoginRateLimiter({ redis, keyPrefix, ...options }) };
  }

  it("refuses the attempt after the account's limit with the seconds until one frees up", async () => {
    const { limiter: limit } = limiter({ perAccount: { maxAttempts: 3, windowSeconds: 60 } });
    for (let attempt = 1; attempt <= 3; attempt++)
      await limit.consumeAttempt({ login: "operator", address: "10.0.0.5" });
    const error = await refusal(
      limit.consumeAttempt({ login: "operator", address: "10.0.0.6" }),
      "RATE_LIMITED",
      "too-many-attempts",
    );
    expect(error.retryAfterSeconds).toBeGreaterThan(55);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(error.message).toMatch(/Too many sign-in attempts\. Try again in \d+ seconds\./);
  });

  it("counts a login name the same whatever its case and surrounding spaces", async () => {
    const { limiter: limit } = limiter({ perAccount: { maxAttempts: 2, windowSeconds: 60 } });
    await limit.consumeAttempt({ login: "Operator" });
    await limit.consumeAttempt({ login: " operator " });
    await refusal(limit.consumeAttempt({ login: "OPERATOR" }), "RATE_LIMITED", "too-many-attempts");
  });

  it("limits guessing from one address across many login names, known or not", async () => {
    const { limiter: limit } = limiter({ perAddress: { maxAttempts: 3, windowSeconds: 60 } });
    for (const login of ["admin", "pmanager", "no-such-user"])
      await limit.consumeAttempt({ login, address: "::ffff:192.0.2.7" });
    await refusal(
      limit.consumeAttempt({ login: "engineer", address: "192.0.2.7" }),
      "RATE_LIMITED",
      "too-many-attempts",
    );
    await expect(limit.consumeAttempt({ login: "engineer", address: "192.0.2.8" })).resolves.toBeDefined();
  });

  it("does not hold a shared tablet's successful sign-ins against its address", async () => {
    const { limiter: limit } = limiter({ perAddress: { maxAttempts: 2, windowSeconds: 60 } });
    for (const login of ["E1005", "E1006", "E1007", "E1009"]) {
      const attempt = await limit.consumeAttempt({ login, address: "10.20.0.31" });
      await attempt.succeeded();
    }
    await expect(limit.consumeAttempt({ login: "E1003", address: "10.20.0.31" })).resolves.toBeDefined();
  });

  it("forgets an account's failures after it signs in", async () => {
    const { limiter: limit } = limiter({ perAccount: { maxAttempts: 2, windowSeconds: 60 } });
    await limit.consumeAttempt({ login: "smanager" });
    const attempt = await limit.consumeAttempt({ login: "smanager" });
    await attempt.succeeded();
    await limit.consumeAttempt({ login: "smanager" });
    await limit.consumeAttempt({ login: "smanager" });
    await refusal(limit.consumeAttempt({ login: "smanager" }), "RATE_LIMITED", "too-many-attempts");
  });

  it("slides: attempts older than the window no longer count, and refused ones never did", async () => {
    const { limiter: limit } = limiter({ perAccount: { maxAttempts: 2, windowSeconds: 1 } });
    await limit.consumeAttempt({ login: "viewer" });
    await limit.consumeAttempt({ login: "viewer" });
    for (let hammer = 0; hammer < 5; hammer++) {
      await refusal(limit.consumeAttempt({ login: "viewer" }), "RATE_LIMITED", "too-many-attempts");
    }
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await expect(limit.consumeAttempt({ login: "viewer" })).resolves.toBeDefined();
  });

  it("keeps its keys under the prefix, without the login name, and lets them expire", async () => {
    const { keyPrefix, limiter: limit } = limiter({ perAccount: { maxAttempts: 5, windowSeconds: 60 } });
    await limit.consumeAttempt({ login: "Priya.Naidoo", address: "10.0.0.9" });
    const keys = await redis.keys(`${keyPrefix}*`);
    expect(keys).toHaveLength(2);
    expect(keys.join(" ").toLowerCase()).not.toContain("priya");
    for (const key of keys) {
      const ttl = await redis.pTTL(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(15 * 60_000);
    }
  });

  it("counts PIN attempts apart: a full PIN window never refuses the password, whose success clears both", async () => {
    const { limiter: limit } = limiter({ perAccount: { maxAttempts: 3, windowSeconds: 60 } });
    for (let attempt = 1; attempt <= 3; attempt++) await limit.consumeAttempt({ login: "admin", method: "pin" });
    await refusal(limit.consumeAttempt({ login: "admin", method: "pin" }), "RATE_LIMITED", "too-many-attempts");
    const password = await limit.consumeAttempt({ login: "admin", method: "password" });
    await password.succeeded();
    await expect(limit.consumeAttempt({ login: "admin", method: "pin" })).resolves.toBeDefined();
  });

  describe("with a redis-server of its own that stalls", () => {
    let dataDir: string;
    let server: Awaited<ReturnType<typeof startRedisServer>> | undefined;
    let stalledRedis: RedisClient | undefined;

    afterAll(async () => {
      stalledRedis?.destroy();
      if (server) {
        process.kill(server.pid, "SIGCONT");
        await server.stop();
      }
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it("refuses a sign-in with SERVICE_UNAVAILABLE when Redis does not answer, instead of waiting or letting it through", async () => {
      dataDir = mkdtempSync(path.join(tmpdir(), "ms5-login-limiter-"));
      server = await startRedisServer({ port: await freePort(), dataDir, readyTimeoutMs: 10_000, stopGraceMs: 5_000 });
      stalledRedis = createRedisClient({ url: server.url });
      await stalledRedis.connect();
      const limit = createLoginRateLimiter({ redis: stalledRedis, keyPrefix: "ms5:", timeoutMs: 200 });
      await expect(limit.consumeAttempt({ login: "operator", address: "10.0.0.5" })).resolves.toBeDefined();

      // Paused by its PID: the connection stays open and the script is sent, but no answer comes.
      process.kill(server.pid, "SIGSTOP");
      const error = await refusal(
        limit.consumeAttempt({ login: "operator", address: "10.0.0.5" }),
        "SERVICE_UNAVAILABLE",
        "limiter-unavailable",
      );
      expect(error.message).toMatch(/Sign-in is unavailable/);

      process.kill(server.pid, "SIGCONT");
      await expect(limit.consumeAttempt({ login: "operator", address: "10.0.0.5" })).resolves.toBeDefined();
    });
  });
});
