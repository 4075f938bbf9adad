// equipmentDiagnostics: a machine seen from its PLC for engineers (equipment-diagnostics/). Behind
// system:read, not plant:read: tag addresses, PLC hosts and raw fault words are engineering detail
// an operator's screen has no use for. The screen asks again every 2 s; a subscription would keep
// Redis and PostgreSQL busy for nobody once the screen is closed.
import { ApiError } from "@ms5/kit/subgraph";
import { builder, type Context, uuidArgument } from "../builder.ts";
import {
  type DiagnosticsSnapshotReader,
  EQUIPMENT_DIAGNOSTICS_DEFAULTS,
  type EquipmentDiagnostics,
  equipmentDiagnostics,
  type FaultBitDiagnostics,
  type TagDiagnostics,
  type TrendPoint,
  type TrendSeries,
  trendRangeOf,
} from "../equipment-diagnostics/equipment-diagnostics.ts";
import { FaultCategoryEnum } from "./fault-catalog.ts";
import { EquipmentRef } from "./plant.ts";

/** Assumed list sizes for the cost estimate. */
const ASSUMED_ROWS = { tags: 30, faultBits: 64, signals: 10 } as const;

const SnapshotStatusRef = builder.enumType("DiagnosticsSnapshotStatus", {
  description:
    "LIVE: the bridge's snapshot is fresh. STALE: the bridge wrote none for over 10 s. ABSENT: no snapshot (the bridge is not running or has not reached Redis for 30 s). NOT_BOUND: the equipment has no PLC or tag map.",
  values: ["LIVE", "STALE", "ABSENT", "NOT_BOUND"] as const,
});

const TagQualityRef = builder.enumType("TagQuality", {
  description:
    "GOOD: read at the bridge's last poll. BAD: the PLC refused the tag (see error). STALE: a value, but the connection or the snapshot is not current. UNKNOWN: never read.",
  values: ["GOOD", "BAD", "STALE", "UNKNOWN"] as const,
});

const PlcConnectionStateRef = builder.enumType("PlcConnectionState", {
  values: ["CONNECTING", "CONNECTED", "DISCONNECTED"] as const,
});

const DiagnosticsPlcRef = builder.objectRef<NonNullable<EquipmentDiagnostics["plc"]>>("DiagnosticsPlc").implement({
  description: "The controller the equipment's tags are on.",
  fields: (t) => ({
    name: t.exposeString("name", { nullable: false }),
    driver: t.exposeString("driver", { nullable: false }),
    host: t.exposeString("host", { nullable: false }),
    port: t.exposeInt("port", { nullable: false }),
  }),
});

const PlcConnectionHealthRef = builder
  .objectRef<NonNullable<EquipmentDiagnostics["connection"]>>("PlcConnectionHealth")
  .implement({
    description: "The PLC bridge's connection to the controller, as of the snapshot.",
    fields: (t) => ({
      state: t.field({
        type: PlcConnectionStateRef,
        nullable: false,
        resolve: (c) => c.state.toUpperCase() as "CONNECTING" | "CONNECTED" | "DISCONNECTED",
      }),
      connected: t.boolean({ nullable: false, resolve: (c) => c.state === "connected" }),
      commsLost: t.exposeBoolean("commsLost", {
        nullable: false,
        description: "No good read for the comms timeout: the equipment shows COMMS_LOST.",
      }),
      goodReads: t.exposeInt("goodReads", {
        nullable: false,
        description: "Batched reads that succeeded since the bridge started.",
      }),
      failedReads: t.exposeInt("failedReads", { nullable: false }),
      lastRoundTripMs: t.exposeFloat("lastRoundTripMs", {
        nullable: true,
        description: "Milliseconds of the last good batched read, request to answer.",
      }),
      reconnects: t.exposeInt("reconnects", { nullable: false }),
      failedConnects: t.exposeInt("failedConnects", { nullable: false }),
      lastGoodReadAt: t.field({ type: "DateTime", nullable: true, resolve: (c) => c.lastGoodReadAt }),
      lastError: t.exposeString("lastError", { nullable: true }),
    }),
  });

const DiagnosticsTagRef = builder.objectRef<TagDiagnostics>("DiagnosticsTag").implement({
  description: "One binding of the equipment's tag map and what the bridge last read from it.",
  fields: (t) => ({
    signal: t.exposeString("signal", {
      nullable: false,
      description: "The tag map's key: a canonical signal or a free-form name.",
    }),
    address: t.exposeString("address", {
      nullable: false,
      description: "The tag as the PLC knows it, with the program scope.",
    }),
    type: t.exposeString("type", {
      nullable: false,
      description: "The PLC data type, with the element count of an array.",
    }),
    scanMs: t.exposeInt("scanMs", { nullable: false }),
    value: t.string({
      nullable: true,
      description: "The last value as JSON (a LINT as a decimal string, an array as a list); null until read.",
      resolve: (tag) => (tag.value === null ? null : JSON.stringify(tag.value)),
    }),
    quality: t.field({ type: TagQualityRef, nullable: false, resolve: (tag) => tag.quality }),
    error: t.exposeString("error", { nullable: true, description: "Why the PLC refused the tag." }),
    readAt: t.field({ type: "DateTime", nullable: true, resolve: (tag) => tag.readAt }),
    changedAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When the value last changed since the bridge started.",
      resolve: (tag) => tag.changedAt,
    }),
  }),
});

const FaultBitRef = builder.objectRef<FaultBitDiagnostics>("DiagnosticsFaultBit").implement({
  description: "A bit of the fault words: every catalogued bit, and any set bit the catalog does not describe.",
  fields: (t) => ({
    bitIndex: t.exposeInt("bitIndex", {
      nullable: false,
      description: "Bit across the fault words, word 0's bit 0 first.",
    }),
    set: t.exposeBoolean("set", { nullable: true, description: "Null when the fault words have not been read." }),
    faultCode: t.string({ nullable: true, resolve: (bit) => bit.catalog?.faultCode ?? null }),
    text: t.string({
      nullable: true,
      description: "The catalog's text; null for an uncatalogued bit.",
      resolve: (bit) => bit.catalog?.text ?? null,
    }),
    category: t.field({ type: FaultCategoryEnum, nullable: true, resolve: (bit) => bit.catalog?.category ?? null }),
    catalogActive: t.boolean({
      nullable: true,
      description: "False for a catalog entry switched off (it raises no andon).",
      resolve: (bit) => bit.catalog?.active ?? null,
    }),
  }),
});

const TrendPointRef = builder.objectRef<TrendPoint>("DiagnosticsTrendPoint").implement({
  fields: (t) => ({
    at: t.field({ type: "DateTime", nullable: false, description: "Start of the bucket.", resolve: (p) => p.at }),
    average: t.exposeFloat("average", { nullable: false }),
    min: t.exposeFloat("min", { nullable: false }),
    max: t.exposeFloat("max", { nullable: false }),
    samples: t.exposeInt("samples", { nullable: false }),
  }),
});

const TrendSeriesRef = builder.objectRef<TrendSeries>("DiagnosticsTrendSeries").implement({
  description: "One signal's stored samples in the trend's range, averaged per bucket.",
  fields: (t) => ({
    signal: t.exposeString("signal", { nullable: false }),
    points: t.field({
      type: [TrendPointRef],
      nullable: { list: false, items: false },
      listSize: { assumedSize: EQUIPMENT_DIAGNOSTICS_DEFAULTS.maxTrendPoints },
      resolve: (s) => s.points,
    }),
  }),
});

const EquipmentDiagnosticsRef = builder.objectRef<EquipmentDiagnostics>("EquipmentDiagnostics").implement({
  description: "A machine seen from its PLC: tags, fault bits, the connection's health and a trend of its samples.",
  fields: (t) => ({
    equipment: t.field({ type: EquipmentRef, nullable: false, resolve: (d) => d.equipment }),
    plc: t.field({ type: DiagnosticsPlcRef, nullable: true, resolve: (d) => d.plc }),
    snapshotStatus: t.field({ type: SnapshotStatusRef, nullable: false, resolve: (d) => d.snapshotStatus }),
    snapshotAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When the bridge wrote the snapshot shown.",
      resolve: (d) => d.snapshotAt,
    }),
    connection: t.field({
      type: PlcConnectionHealthRef,
      nullable: true,
      description: "Null without a snapshot.",
      resolve: (d) => d.connection,
    }),
    tags: t.field({
      type: [DiagnosticsTagRef],
      nullable: { list: false, items: false },
      listSize: { assumedSize: ASSUMED_ROWS.tags },
      resolve: (d) => d.tags,
    }),
    faultBits: t.field({
      type: [FaultBitRef],
      nullable: { list: false, items: false },
      listSize: { assumedSize: ASSUMED_ROWS.faultBits },
      resolve: (d) => d.faultBits,
    }),
    trendFrom: t.field({ type: "DateTime", nullable: false, resolve: (d) => d.trendFrom }),
    trendTo: t.field({ type: "DateTime", nullable: false, resolve: (d) => d.trendTo }),
    trendBucketSeconds: t.exposeInt("trendBucketSeconds", { nullable: false }),
    trend: t.field({
      type: [TrendSeriesRef],
      nullable: { list: false, items: false },
      listSize: { assumedSize: ASSUMED_ROWS.signals },
      resolve: (d) => d.trend,
    }),
  }),
});

function readerOf(context: Context): DiagnosticsSnapshotReader {
  if (!context.diagnostics) {
    throw new ApiError("SERVICE_UNAVAILABLE", "This production subgraph was started without the diagnostics reader.");
  }
  return context.diagnostics;
}

builder.queryFields((t) => ({
  equipmentDiagnostics: t.field({
    type: EquipmentDiagnosticsRef,
    description: `A machine's tags with live values, its fault bits, its PLC connection's health and a trend of its samples in [from, to) (the last 15 minutes by default, at most 7 days, at most ${EQUIPMENT_DIAGNOSTICS_DEFAULTS.maxTrendPoints} points per signal).`,
    authScopes: { permission: "system:read" },
    args: {
      equipmentId: t.arg.id({ required: true }),
      from: t.arg({ type: "DateTime" }),
      to: t.arg({ type: "DateTime" }),
    },
    resolve: (_root, args, context) => {
      const equipmentId = uuidArgument(args.equipmentId, "equipmentId");
      const range = trendRangeOf(args);
      return equipmentDiagnostics({ prisma: context.prisma, reader: readerOf(context), equipmentId, range });
    },
  }),
}));
