// The administrators' system overview: systemHealth gathers every service's /health, the streams'
// consumer groups and dead letters, the database's and Redis's size, subscribers and versions
// (system-health/system-survey.ts). Asked again by the screen every few seconds: it is cheap, and
// a subscription would keep a survey running for nobody when the screen is closed.
import { ApiError } from "@ms5/kit/subgraph";
import { builder, type Context } from "../builder.ts";
import type { ServiceHealth, StreamGroupHealth, SystemSurvey, SystemSurveyor } from "../system-health/system-survey.ts";

/** At most this many rows in each of the overview's lists, for the cost estimate. */
const ASSUMED_ROWS = { services: 10, checks: 5, streams: 50, groups: 3 } as const;

const ServiceStatusRef = builder.enumType("ServiceStatus", {
  description: "OK: every check passed. DEGRADED: up, with a failed check. UNREACHABLE: no health report.",
  values: ["OK", "DEGRADED", "UNREACHABLE"] as const,
});

const ServiceCheckRef = builder.objectRef<ServiceHealth["checks"][number]>("ServiceCheck").implement({
  description: "One dependency a service checks (database, Redis, a PLC, its stream consumer).",
  fields: (t) => ({
    name: t.exposeString("name"),
    ok: t.exposeBoolean("ok"),
    warning: t.exposeString("warning", { nullable: true }),
    error: t.exposeString("error", { nullable: true }),
  }),
});

const ServiceHealthRef = builder.objectRef<ServiceHealth>("ServiceHealth").implement({
  description: "A service's own /health report, as it answered it now.",
  fields: (t) => ({
    name: t.exposeString("name"),
    url: t.exposeString("url"),
    status: t.field({ type: ServiceStatusRef, resolve: (s) => s.status }),
    uptimeSeconds: t.exposeInt("uptimeSeconds", { nullable: true }),
    responseMs: t.exposeFloat("responseMs", { nullable: true }),
    checks: t.field({
      type: [ServiceCheckRef],
      listSize: { assumedSize: ASSUMED_ROWS.checks },
      resolve: (s) => s.checks,
    }),
    warnings: t.exposeStringList("warnings", { listSize: { assumedSize: ASSUMED_ROWS.checks } }),
    error: t.exposeString("error", { nullable: true, description: "Why it could not be asked, when UNREACHABLE." }),
    subscriptions: t.exposeInt("subscriptions", {
      nullable: true,
      description: "Open GraphQL subscriptions (the gateway's).",
    }),
    webSocketConnections: t.exposeInt("webSocketConnections", {
      nullable: true,
      description: "Connected WebSocket clients (the gateway's).",
    }),
  }),
});

const StreamGroupHealthRef = builder.objectRef<StreamGroupHealth>("StreamGroupHealth").implement({
  description: "A consumer group reading a stream: how far behind it is.",
  fields: (t) => ({
    group: t.exposeString("group"),
    consumers: t.exposeInt("consumers"),
    lag: t.exposeInt("lag", {
      nullable: true,
      description: "Entries not yet read by the group; null when Redis cannot tell after trimming.",
    }),
    pending: t.exposeInt("pending", { description: "Entries read and not yet acknowledged." }),
  }),
});

const StreamHealthRef = builder.objectRef<SystemSurvey["streams"][number]>("StreamHealth").implement({
  fields: (t) => ({
    stream: t.exposeString("stream"),
    length: t.exposeInt("length"),
    groups: t.field({
      type: [StreamGroupHealthRef],
      listSize: { assumedSize: ASSUMED_ROWS.groups },
      resolve: (s) => s.groups,
    }),
  }),
});

const DeadLetterStreamHealthRef = builder
  .objectRef<SystemSurvey["deadLetters"][number]>("DeadLetterStreamHealth")
  .implement({
    description:
      "Entries a consumer group set aside after they kept failing (`pnpm streams:dead-letters` replays them).",
    fields: (t) => ({ stream: t.exposeString("stream"), entries: t.exposeInt("entries") }),
  });

const DatabaseHealthRef = builder.objectRef<SystemSurvey["database"]>("DatabaseHealth").implement({
  fields: (t) => ({
    sizeBytes: t.exposeFloat("sizeBytes"),
    version: t.exposeString("version"),
  }),
});

const RedisHealthRef = builder.objectRef<SystemSurvey["redis"]>("RedisHealth").implement({
  fields: (t) => ({
    usedMemoryBytes: t.exposeFloat("usedMemoryBytes"),
    peakMemoryBytes: t.exposeFloat("peakMemoryBytes"),
    connectedClients: t.exposeInt("connectedClients"),
    version: t.exposeString("version"),
  }),
});

const SystemVersionsRef = builder.objectRef<SystemSurvey["versions"]>("SystemVersions").implement({
  fields: (t) => ({
    application: t.exposeString("application"),
    node: t.exposeString("node"),
  }),
});

const SystemHealthRef = builder.objectRef<SystemSurvey>("SystemHealth").implement({
  description: "The whole system at one moment, for administrators.",
  fields: (t) => ({
    checkedAt: t.field({ type: "DateTime", resolve: (s) => s.checkedAt }),
    status: t.field({
      type: ServiceStatusRef,
      description: "The worst of the services; DEGRADED too while dead letters wait.",
      resolve: (s) => s.status,
    }),
    services: t.field({
      type: [ServiceHealthRef],
      listSize: { assumedSize: ASSUMED_ROWS.services },
      resolve: (s) => s.services,
    }),
    streams: t.field({
      type: [StreamHealthRef],
      listSize: { assumedSize: ASSUMED_ROWS.streams },
      resolve: (s) => s.streams,
    }),
    deadLetters: t.field({
      type: [DeadLetterStreamHealthRef],
      listSize: { assumedSize: ASSUMED_ROWS.services },
      resolve: (s) => s.deadLetters,
    }),
    database: t.field({ type: DatabaseHealthRef, resolve: (s) => s.database }),
    redis: t.field({ type: RedisHealthRef, resolve: (s) => s.redis }),
    versions: t.field({ type: SystemVersionsRef, resolve: (s) => s.versions }),
  }),
});

function surveyorOf(context: Context): SystemSurveyor {
  if (!context.systemSurveyor) {
    throw new ApiError("SERVICE_UNAVAILABLE", "This production subgraph was started without the system survey.");
  }
  return context.systemSurveyor;
}

builder.queryFields((t) => ({
  systemHealth: t.field({
    type: SystemHealthRef,
    description:
      "Every service's health, stream lag per consumer group, dead letters, database size, Redis memory, subscribers and versions, gathered now.",
    authScopes: { permission: "system:read" },
    resolve: (_root, _args, context) => surveyorOf(context).survey(),
  }),
}));
