// The administrators' system overview in one answer: every service's own /health report (the checks
// each service already runs), every Redis stream's consumer groups with their lag and pending entries,
// the dead letters waiting, the database's size, Redis's memory, the subscribers connected to the
// gateway, and versions. Gathered on demand, each source bounded by a timeout, so one service that
// hangs shows as unreachable instead of holding the screen.
import { readFileSync } from "node:fs";
import type { PrismaClient } from "@ms5/db";
import {
  BRIDGE_DEFAULT_OPS_PORT,
  ConfigError,
  GATEWAY_DEFAULT_PORT,
  type HealthReport,
  type RedisClient,
} from "@ms5/kit";
import { SUBGRAPH_DEFAULT_PORTS, type SubgraphName } from "@ms5/kit/subgraph";
import { DEFAULT_KEY_PREFIX, deadLetterStreamKey } from "@ms5/schema";

export interface ServiceHealthSource {
  /** The name shown on the overview, e.g. "gateway", "plc-bridge". */
  name: string;
  /** The service's /health URL; its /metrics is read beside it. */
  healthUrl: string;
}

export interface SystemSurveySettings {
  /** @default 2,500 ms: a service's /health runs checks bounded at 2 s each. */
  serviceTimeoutMs: number;
  /** @default 500 streams: the SCAN stops there, so a runaway key space cannot make the answer unbounded. */
  maxStreams: number;
}

export const SYSTEM_SURVEY_DEFAULTS: SystemSurveySettings = { serviceTimeoutMs: 2_500, maxStreams: 500 };

export type ServiceStatus = "OK" | "DEGRADED" | "UNREACHABLE";

export interface ServiceHealth {
  name: string;
  url: string;
  status: ServiceStatus;
  uptimeSeconds: number | null;
  responseMs: number | null;
  checks: { name: string; ok: boolean; warning: string | null; error: string | null }[];
  warnings: string[];
  /** Why the service could not be asked, when UNREACHABLE. */
  error: string | null;
  /** Open subscriptions and WebSocket connections, from the service's /metrics when it has them (the gateway). */
  subscriptions: number | null;
  webSocketConnections: number | null;
}

export interface StreamGroupHealth {
  stream: string;
  group: string;
  consumers: number;
  /** Entries added to the stream that the group has not read yet; null when Redis cannot tell (after trimming). */
  lag: number | null;
  /** Entries read and not yet acknowledged. */
  pending: number;
}

export interface SystemSurvey {
  checkedAt: Date;
  status: ServiceStatus;
  services: ServiceHealth[];
  streams: { length: number; groups: StreamGroupHealth[]; stream: string }[];
  deadLetters: { stream: string; entries: number }[];
  database: { sizeBytes: number; version: string };
  redis: { usedMemoryBytes: number; peakMemoryBytes: number; connectedClients: number; version: string };
  versions: { application: string; node: string };
}

export interface SystemSurveyorOptions {
  prisma: PrismaClient;
  redis: RedisClient;
  services: readonly ServiceHealthSource[];
  keyPrefix?: string;
  /** @default the version in the repository's package.json */
  applicationVersion?: string;
  settings?: Partial<SystemSurveySettings>;
}

/**
 * Reads `SERVICE_HEALTH_URLS`: `name=url` pairs separated by commas, e.g.
 * `gateway=http://127.0.0.1:4000/health,plc-bridge=http://127.0.0.1:4100/health`.
 */
export function parseServiceHealthUrls(text: string | undefined): ServiceHealthSource[] {
  if (!text?.trim()) return [];
  return text
    .split(",")
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => {
      const at = pair.indexOf("=");
      const name = pair.slice(0, at).trim();
      const healthUrl = pair.slice(at + 1).trim();
      if (at <= 0 || !URL.canParse(healthUrl)) {
        throw new ConfigError([
          {
            variable: "SERVICE_HEALTH_URLS",
            message: `"${pair}" is not name=url (e.g. gateway=http://127.0.0.1:4000/health)`,
          },
        ]);
      }
      return { name, healthUrl };
    });
}

/** The platform's version: the repository's package.json, which releases are tagged from. */
function repositoryVersion(): string {
  try {
    const manifest = JSON.parse(readFileSync(new URL("../../../../package.json", import.meta.url), "utf8"));
    return typeof manifest.version === "string" ? manifest.version : "unknown";
  } catch {
    return "unknown";
  }
}

/**
 * SERVICE_HEALTH_URLS when set; otherwise every service of `pnpm start` on 127.0.0.1 at the port its
 * own variable gives it (GATEWAY_PORT, <NAME>_SUBGRAPH_PORT, BRIDGE_OPS_PORT) or its default.
 */
export function serviceHealthSourcesOf(env: Readonly<Record<string, string | undefined>>): ServiceHealthSource[] {
  const configured = parseServiceHealthUrls(env.SERVICE_HEALTH_URLS);
  if (configured.length > 0) return configured;
  const local = (name: string, port: string | undefined, fallback: number) => ({
    name,
    healthUrl: `http://127.0.0.1:${port?.trim() || fallback}/health`,
  });
  return [
    local("gateway", env.GATEWAY_PORT, GATEWAY_DEFAULT_PORT),
    ...(Object.keys(SUBGRAPH_DEFAULT_PORTS) as SubgraphName[]).map((name) =>
      local(`${name}-subgraph`, env[`${name.toUpperCase()}_SUBGRAPH_PORT`], SUBGRAPH_DEFAULT_PORTS[name]),
    ),
    local("plc-bridge", env.BRIDGE_OPS_PORT, BRIDGE_DEFAULT_OPS_PORT),
  ];
}

export class SystemSurveyor {
  private readonly settings: SystemSurveySettings;
  private readonly keyPrefix: string;

  constructor(private readonly options: SystemSurveyorOptions) {
    this.settings = { ...SYSTEM_SURVEY_DEFAULTS, ...options.settings };
    this.keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  }

  async survey(): Promise<SystemSurvey> {
    const [services, streamReport, database, redis] = await Promise.all([
      Promise.all(this.options.services.map((source) => this.serviceHealth(source))),
      this.streams(),
      this.database(),
      this.redisFacts(),
    ]);
    const status: ServiceStatus = services.some((s) => s.status === "UNREACHABLE")
      ? "UNREACHABLE"
      : services.some((s) => s.status === "DEGRADED") || streamReport.deadLetters.some((d) => d.entries > 0)
        ? "DEGRADED"
        : "OK";
    return {
      checkedAt: new Date(),
      status,
      services,
      streams: streamReport.streams,
      deadLetters: streamReport.deadLetters,
      database,
      redis,
      versions: { application: this.options.applicationVersion ?? repositoryVersion(), node: process.version },
    };
  }

  private async serviceHealth(source: ServiceHealthSource): Promise<ServiceHealth> {
    const started = performance.now();
    const unreachable = (error: string): ServiceHealth => ({
      name: source.name,
      url: source.healthUrl,
      status: "UNREACHABLE",
      uptimeSeconds: null,
      responseMs: null,
      checks: [],
      warnings: [],
      error,
      subscriptions: null,
      webSocketConnections: null,
    });
    let report: HealthReport;
    try {
      // A degraded service answers 503 with its report: read the body whatever the status.
      const response = await fetch(source.healthUrl, { signal: AbortSignal.timeout(this.settings.serviceTimeoutMs) });
      report = (await response.json()) as HealthReport;
      if (typeof report !== "object" || report === null || typeof report.checks !== "object") {
        return unreachable(`answered ${response.status} without a health report`);
      }
    } catch (error) {
      return unreachable(error instanceof Error ? error.message : String(error));
    }
    const responseMs = Math.round((performance.now() - started) * 10) / 10;
    const metrics = await this.gaugesOf(new URL("/metrics", source.healthUrl).toString());
    return {
      name: source.name,
      url: source.healthUrl,
      status: report.status === "ok" ? "OK" : "DEGRADED",
      uptimeSeconds: typeof report.uptimeSeconds === "number" ? report.uptimeSeconds : null,
      responseMs,
      checks: Object.entries(report.checks).map(([name, check]) => ({
        name,
        ok: check.ok === true,
        warning: check.warning ?? null,
        error: check.error ?? null,
      })),
      warnings: Array.isArray(report.warnings) ? report.warnings : [],
      error: null,
      subscriptions: metrics.get("gateway_subscriptions") ?? null,
      webSocketConnections: metrics.get("gateway_websocket_connections") ?? null,
    };
  }

  /** The unlabelled sum of each gauge in a Prometheus text exposition; empty when /metrics is not there. */
  private async gaugesOf(url: string): Promise<Map<string, number>> {
    const sums = new Map<string, number>();
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(this.settings.serviceTimeoutMs) });
      if (!response.ok) return sums;
      for (const line of (await response.text()).split("\n")) {
        const match = /^([a-zA-Z_:][\w:]*)(?:\{[^}]*\})?\s+(-?[\d.eE+-]+|NaN)$/.exec(line.trim());
        if (!match) continue;
        const value = Number(match[2]);
        if (Number.isFinite(value)) sums.set(match[1]!, (sums.get(match[1]!) ?? 0) + value);
      }
    } catch {
      // A service without /metrics simply has no gauges to show.
    }
    return sums;
  }

  private async streams(): Promise<{ streams: SystemSurvey["streams"]; deadLetters: SystemSurvey["deadLetters"] }> {
    const { redis } = this.options;
    const keys: string[] = [];
    for await (const batch of redis.scanIterator({ MATCH: `${this.keyPrefix}*`, TYPE: "stream", COUNT: 200 })) {
      keys.push(...batch);
      if (keys.length >= this.settings.maxStreams) break;
    }
    keys.sort();
    const deadLetterPrefix = deadLetterStreamKey("", this.keyPrefix);
    // Every stream asked at once: the client pipelines them into a few round trips instead of two each.
    const kept = keys.slice(0, this.settings.maxStreams);
    const deadLetterKeys = kept.filter((stream) => stream.startsWith(deadLetterPrefix));
    const streamKeys = kept.filter((stream) => !stream.startsWith(deadLetterPrefix));
    const [deadLetterLengths, streamFacts] = await Promise.all([
      Promise.all(deadLetterKeys.map((stream) => redis.xLen(stream))),
      Promise.all(
        streamKeys.map((stream) =>
          Promise.all([
            redis.xLen(stream),
            redis.xInfoGroups(stream) as unknown as Promise<Array<Record<string, unknown>>>,
          ]),
        ),
      ),
    ]);
    const deadLetters = deadLetterKeys.map((stream, index) => ({ stream, entries: deadLetterLengths[index]! }));
    const streams = streamKeys.map((stream, index) => {
      const [length, groups] = streamFacts[index]!;
      return {
        stream,
        length,
        groups: groups.map((group) => ({
          stream,
          group: String(group.name),
          consumers: Number(group.consumers ?? 0),
          lag: typeof group.lag === "number" ? group.lag : null,
          pending: Number(group.pending ?? 0),
        })),
      };
    });
    return { streams, deadLetters };
  }

  private async database(): Promise<SystemSurvey["database"]> {
    const [row] = await this.options.prisma.$queryRaw<{ size: bigint; version: string }[]>`
      SELECT pg_database_size(current_database()) AS size, current_setting('server_version') AS version`;
    return { sizeBytes: Number(row?.size ?? 0), version: row?.version ?? "unknown" };
  }

  private async redisFacts(): Promise<SystemSurvey["redis"]> {
    const info = await this.options.redis.info();
    const field = (name: string) => new RegExp(`^${name}:(.*)$`, "m").exec(info)?.[1]?.trim() ?? "";
    return {
      usedMemoryBytes: Number(field("used_memory")) || 0,
      peakMemoryBytes: Number(field("used_memory_peak")) || 0,
      connectedClients: Number(field("connected_clients")) || 0,
      version: field("redis_version") || "unknown",
    };
  }
}
