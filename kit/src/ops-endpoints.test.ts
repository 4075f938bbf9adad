import { Counter } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { createMetricsRegistry, createOpsEndpoints, startOpsServer } from "./ops-endpoints.ts";

describe("/health and /metrics", () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  async function serve(checks: Parameters<typeof createOpsEndpoints>[0]["checks"]) {
    const registry = createMetricsRegistry("test-service");
    const ops = await startOpsServer(createOpsEndpoints({ service: "test-service", registry, checks }), 0);
    closers.push(ops.close);
    return { base: `http://127.0.0.1:${ops.port}`, registry };
  }

  it("reports 200 and every check when all dependencies answer", async () => {
    const { base } = await serve({
      database: async () => ({ ok: true }),
      redis: async () => ({ ok: true, detail: { pingMs: 1 } }),
    });
    const response = await fetch(`${base}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      service: "test-service",
      status: "ok",
      checks: { database: { ok: true }, redis: { ok: true, detail: { pingMs: 1 } } },
    });
  });

  it("reports 503 naming the dependency that failed", async () => {
    const { base } = await serve({
      database: async () => ({ ok: true }),
      redis: async () => {
        throw new Error("connect ECONNREFUSED 127.0.0.1:6379");
      },
    });
    const response = await fetch(`${base}/health`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      status: "degraded",
      checks: { redis: { ok: false, error: "connect ECONNREFUSED 127.0.0.1:6379" } },
    });
  });

  it("stays 200 and ok with a warning on a healthy check, listing the warning for the operator", async () => {
    const { base } = await serve({
      database: async () => ({ ok: true }),
      streams: async () => ({ ok: true, warning: "3 dead letter(s) waiting", detail: { deadLetters: 3 } }),
    });
    const response = await fetch(`${base}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: "ok",
      checks: { streams: { ok: true, warning: "3 dead letter(s) waiting" } },
      warnings: ["streams: 3 dead letter(s) waiting"],
    });
  });

  it("serves Prometheus text with the service's own metrics and the process defaults", async () => {
    const { base, registry } = await serve({});
    new Counter({ name: "ms5_test_events_total", help: "Events seen", registers: [registry] }).inc(3);
    const response = await fetch(`${base}/metrics`);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const body = await response.text();
    expect(body).toContain('ms5_test_events_total{service="test-service"} 3');
    expect(body).toContain("process_cpu_user_seconds_total");
  });

  it("answers 404 for anything else", async () => {
    const { base } = await serve({});
    expect((await fetch(`${base}/admin`)).status).toBe(404);
  });
});
