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
    name: t.exposeString("name", { nullable: false }),
    ok: t.exposeBoolean("ok", { nullable: false }),
    warning: t.exposeString("warning", { nullable: true }),
    error: t.exposeString("error", { nullable: true }),
  }),
});

const ServiceHealthRef = builder.objectRef<ServiceHealth>("ServiceHealth").implement({
  description: "A service's own /health report, as it answered it now.",
  fields: (t) => ({
    name: t.exposeString("name", { nullable: false }),
    url: t.exposeString("url", { nullable: false }),
    status: t.field({ nullable: false, type: ServiceStatusRef, resolve: (s) => s.status }),
    uptimeSeconds: t.exposeInt("uptimeSeconds", { nullable: true }),
    responseMs: t.exposeFloat("responseMs", { nullable: true }),
    checks: t.field({
      nullable: { list: false, items: false },
      type: [ServiceCheckRef],
      listSize: { assumedSize: ASSUMED_ROWS.checks },
      resolve: (s) => s.checks,
    }),
    warnings: t.exposeStringList("warnings", {
      nullable: { list: false, items: false },
      listSize: { assumedSize: ASSUMED_ROWS.checks },
    }),
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
    group: t.exposeString("group", { nullable: false }),
    consumers: t.exposeInt("consumers", { nullable: false }),
    lag: t.exposeInt("lag", {
      nullable: true,
      description: "Entries not yet read by the group; null when Redis cannot tell after trimming.",
    }),
    pending: t.exposeInt("pending", { nullable: false, description: "Entries read and not yet acknowledged." }),
  }),
});

const StreamHealthRef = builder.objectRef<SystemSurvey["streams"][number]>("StreamHealth").implement({
  fields: (t) => ({
    stream: t.exposeString("stream", { nullable: false }),
    length: t.exposeInt("length", { nullable: false }),
    groups: t.field({
      nullable: { list: false, items: false },
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
    fields: (t) => ({
      stream: t.exposeString("stream", { nullable: false }),
      entries: t.exposeInt("entries", { nullable: false }),
    }),
  });

const DatabaseHealthRef = builder.objectRef<SystemSurvey["database"]>("DatabaseHealth").implement({
  fields: (t) => ({
    sizeBytes: t.exposeFloat("sizeBytes", { nullable: false }),
    version: t.exposeString("version", { nullable: false }),
  }),
});

const RedisHealthRef = builder.objectRef<SystemSurvey["redis"]>("RedisHealth").implement({
  fields: (t) => ({
    usedMemoryBytes: t.exposeFloat("usedMemoryBytes", { nullable: false }),
    peakMemoryBytes: t.exposeFloat("peakMemoryBytes", { nullable: false }),
    connectedClients: t.exposeInt("connectedClients", { nullable: false }),
    version: t.exposeString("version", { nullable: false }),
  }),
});

const SystemVersionsRef = builder.objectRef<SystemSurvey["versions"]>("SystemVersions").implement({
  fields: (t) => ({
    application: t.exposeString("application", { nullable: false }),
    node: t.exposeString("node", { nullable: false }),
  }),
});

const SystemHealthRef = builder.objectRef<SystemSurvey>("SystemHealth").implement({
  description: "The whole system at one moment, for administrators.",
  fields: (t) => ({
    checkedAt: t.field({ nullable: false, type: "DateTime", resolve: (s) => s.checkedAt }),
    status: t.field({
      nullable: false,
      type: ServiceStatusRef,
      description: "The worst of the services; DEGRADED too while dead letters wait.",
      resolve: (s) => s.status,
    }),
    services: t.field({
      nullable: { list: false, items: false },
      type: [ServiceHealthRef],
      listSize: { assumedSize: ASSUMED_ROWS.services },
      resolve: (s) => s.services,
    }),
    streams: t.field({
      nullable: { list: false, items: false },
      type: [StreamHealthRef],
      listSize: { assumedSize: ASSUMED_ROWS.streams },
      resolve: (s) => s.streams,
    }),
    deadLetters: t.field({
      nullable: { list: false, items: false },
      type: [DeadLetterStreamHealthRef],
      listSize: { assumedSize: ASSUMED_ROWS.services },
      resolve: (s) => s.deadLetters,
    }),
    database: t.field({ nullable: false, type: DatabaseHealthRef, resolve: (s) => s.database }),
    redis: t.field({ nullable: false, type: RedisHealthRef, resolve: (s) => s.redis }),
    versions: t.field({ nullable: false, type: SystemVersionsRef, resolve: (s) => s.versions }),
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
