// /health and /metrics for every service: one implementation that a standalone process serves on
// its own port and an HTTP framework mounts as two routes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { collectDefaultMetrics, Registry } from "prom-client";

/**
 * One dependency a service needs (database, Redis, a PLC): healthy or not, with detail. A `warning`
 * on a healthy check (dead letters waiting, entries lost upstream) is reported without failing the
 * check: the service is up and working, and an operator should look.
 */
export type HealthCheck = () => Promise<{ ok: boolean; detail?: unknown; warning?: string }>;

export interface HealthReport {
  service: string;
  /** "degraded" (503) when a check failed; warnings alone leave it "ok" (200). */
  status: "ok" | "degraded";
  uptimeSeconds: number;
  checks: Record<string, { ok: boolean; detail?: unknown; warning?: string; error?: string }>;
  /** Every check's warning, prefixed with the check's name. */
  warnings: string[];
}

/** A Prometheus registry with Node's process metrics and a `service` label on every series. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

const CHECK_TIMEOUT_MS = 2_000;

export async function runHealthChecks(service: string, checks: Record<string, HealthCheck>): Promise<HealthReport> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        const result = await Promise.race([
          check(),
          new Promise<never>((_, reject) =>
            setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS).unref(),
          ),
        ]);
        return [name, result] as const;
      } catch (error) {
        return [name, { ok: false, error: error instanceof Error ? error.message : String(error) }] as const;
      }
    }),
  );
  const report: HealthReport["checks"] = Object.fromEntries(entries);
  return {
    service,
    status: Object.values(report).every((c) => c.ok) ? "ok" : "degraded",
    uptimeSeconds: Math.round(process.uptime()),
    checks: report,
    warnings: Object.entries(report).flatMap(([name, c]) =>
      "warning" in c && c.warning ? [`${name}: ${c.warning}`] : [],
    ),
  };
}

export interface OpsEndpoints {
  /** Answers /health and /metrics; returns false for any other path so a caller can go on. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
}

export function createOpsEndpoints(options: {
  service: string;
  registry: Registry;
  checks: Record<string, HealthCheck>;
}): OpsEndpoints {
  return {
    async handle(req, res) {
      const path = (req.url ?? "/").split("?")[0];
      if (req.method !== "GET" && req.method !== "HEAD") return false;
      if (path === "/health") {
        const report = await runHealthChecks(options.service, options.checks);
        res.writeHead(report.status === "ok" ? 200 : 503, { "content-type": "application/json" });
        res.end(JSON.stringify(report));
        return true;
      }
      if (path === "/metrics") {
        const body = await options.registry.metrics();
        res.writeHead(200, { "content-type": options.registry.contentType });
        res.end(body);
        return true;
      }
      return false;
    },
  };
}

/** A process's own ops port (for services with no HTTP server of their own, such as the bridge). */
export async function startOpsServer(
  endpoints: OpsEndpoints,
  port: number,
  host = "127.0.0.1",
): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    endpoints.handle(req, res).then(
      (handled) => {
        if (!handled) {
          res.writeHead(404, { "content-type": "application/json" });
          res.end(JSON.stringify({ error: "not found" }));
        }
      },
      (error: unknown) => {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: error instanceof Error ? error.message : "internal error" }));
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The two dependencies every API service has: PostgreSQL answers a query, Redis answers PING. */
export function databaseAndRedisChecks(deps: {
  prisma: { $queryRaw(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<unknown> };
  redis: { ping(): Promise<string> };
}): Record<"database" | "redis", HealthCheck> {
  return {
    database: async () => {
      await deps.prisma.$queryRaw`SELECT 1`;
      return { ok: true };
    },
    redis: async () => ({ ok: (await deps.redis.ping()) === "PONG" }),
  };
}
