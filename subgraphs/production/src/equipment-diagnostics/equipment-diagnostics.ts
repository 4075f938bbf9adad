// A machine seen from its PLC, for engineers: every bound tag with its live value, read quality and
// last change, the fault words as bits with their catalog texts and the PLC connection's health, all
// from the bridge's diagnostics snapshot in Redis (contract: @ms5/schema equipment-diagnostics.ts),
// plus a trend of the stored telemetry samples, downsampled in PostgreSQL with date_bin.
import type { Equipment, FaultCatalogEntry, PrismaClient } from "@ms5/db";
import type { RedisClient } from "@ms5/kit";
import { ApiError } from "@ms5/kit/subgraph";
import {
  type DiagnosticsConnection,
  type DiagnosticsSnapshot,
  type DiagnosticsTag,
  diagnosticsSnapshotKey,
  diagnosticsSnapshotSchema,
  plcTagAddress,
} from "@ms5/schema";

export const EQUIPMENT_DIAGNOSTICS_DEFAULTS = {
  /** @default 10 s: a snapshot older than this (the bridge writes one every 2 s) is called stale. */
  staleAfterMs: 10_000,
  /** @default 15 minutes of trend when no range is given. */
  defaultTrendRangeMs: 15 * 60_000,
  /** @default 7 days at most in one trend: a diagnostics trend, not a history report. */
  maxTrendRangeMs: 7 * 24 * 3_600_000,
  /** @default 200 points per signal at most: a chart's width, whatever the range. */
  maxTrendPoints: 200,
} as const;

/** LIVE: a fresh snapshot. STALE: the bridge wrote none lately. ABSENT: none (bridge down for 30 s, or never ran). NOT_BOUND: the equipment has no PLC or tag map. */
export type SnapshotStatus = "LIVE" | "STALE" | "ABSENT" | "NOT_BOUND";

/** GOOD: read at the last poll. BAD: the PLC refused the tag. STALE: a value, but not a current one. UNKNOWN: never read. */
export type TagQuality = "GOOD" | "BAD" | "STALE" | "UNKNOWN";

export interface TagDiagnostics {
  signal: string;
  address: string;
  type: string;
  scanMs: number;
  value: DiagnosticsTag["value"];
  quality: TagQuality;
  error: string | null;
  readAt: Date | null;
  changedAt: Date | null;
}

export interface FaultBitDiagnostics {
  bitIndex: number;
  /** Null when the fault words were not read. */
  set: boolean | null;
  catalog: Pick<FaultCatalogEntry, "faultCode" | "text" | "category" | "active"> | null;
}

export interface TrendPoint {
  at: Date;
  average: number;
  min: number;
  max: number;
  samples: number;
}

export interface TrendSeries {
  signal: string;
  points: TrendPoint[];
}

export interface EquipmentDiagnostics {
  equipment: Equipment;
  plc: { name: string; driver: string; host: string; port: number } | null;
  snapshotStatus: SnapshotStatus;
  snapshotAt: Date | null;
  connection: (Omit<DiagnosticsConnection, "lastGoodReadAt"> & { lastGoodReadAt: Date | null }) | null;
  tags: TagDiagnostics[];
  faultBits: FaultBitDiagnostics[];
  trendFrom: Date;
  trendTo: Date;
  trendBucketSeconds: number;
  trend: TrendSeries[];
}

/** Reads the bridge's latest snapshot of a PLC; null when there is none or it is not in the contract's shape. */
export class DiagnosticsSnapshotReader {
  constructor(private readonly options: { redis: RedisClient; keyPrefix: string }) {}

  async read(plcName: string): Promise<DiagnosticsSnapshot | null> {
    const raw = await this.options.redis.get(diagnosticsSnapshotKey(plcName, this.options.keyPrefix));
    if (!raw) return null;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return null;
    }
    const parsed = diagnosticsSnapshotSchema.safeParse(json);
    return parsed.success ? parsed.data : null;
  }
}

interface TagBindingJson {
  tag: string;
  type: string;
  scanMs: number;
  length?: number;
}

const FAULT_WORD_BITS: Record<string, number> = { SINT: 8, INT: 16, DINT: 32 };

/** Bit `bitIndex` across the fault words, as the bridge numbers them: word 0's bit 0 first. */
export function faultBitsSet(value: DiagnosticsTag["value"], wordType: string): Set<number> {
  const bitsPerWord = FAULT_WORD_BITS[wordType] ?? 32;
  const words = Array.isArray(value) ? value : [value];
  const set = new Set<number>();
  words.forEach((word, w) => {
    const n = typeof word === "number" ? word : Number(word);
    if (!Number.isFinite(n)) return;
    for (let bit = 0; bit < bitsPerWord; bit++) if ((n >>> bit) & 1) set.add(w * bitsPerWord + bit);
  });
  return set;
}

export interface TrendRange {
  from: Date;
  to: Date;
}

/** The trend's range from the arguments: reversed or too long is bad input, nothing is read. */
export function trendRangeOf(args: { from?: Date | null; to?: Date | null }, now = new Date()): TrendRange {
  const to =
    args.to ?? (args.from ? new Date(args.from.getTime() + EQUIPMENT_DIAGNOSTICS_DEFAULTS.defaultTrendRangeMs) : now);
  const from = args.from ?? new Date(to.getTime() - EQUIPMENT_DIAGNOSTICS_DEFAULTS.defaultTrendRangeMs);
  if (to.getTime() <= from.getTime()) throw new ApiError("BAD_USER_INPUT", "to must be after from.");
  if (to.getTime() - from.getTime() > EQUIPMENT_DIAGNOSTICS_DEFAULTS.maxTrendRangeMs) {
    throw new ApiError("BAD_USER_INPUT", "The trend may span at most 7 days.");
  }
  return { from, to };
}

/** Whole seconds per bucket so that the range gives at most maxTrendPoints buckets. */
export function trendBucketSeconds(range: TrendRange): number {
  const ms = range.to.getTime() - range.from.getTime();
  return Math.max(1, Math.ceil(ms / 1000 / EQUIPMENT_DIAGNOSTICS_DEFAULTS.maxTrendPoints));
}

/** Every sample signal of the equipment in the range, averaged (with min and max) per bucket. */
export async function sampleTrend(
  prisma: PrismaClient,
  equipmentId: string,
  range: TrendRange,
  bucketSeconds: number,
): Promise<TrendSeries[]> {
  const rows = await prisma.$queryRaw<
    { signal: string; bucket: Date; average: number; min: number; max: number; samples: bigint }[]
  >`
    SELECT signal,
           date_bin(make_interval(secs => ${bucketSeconds}::int), "recordedAt", ${range.from}::timestamptz) AS bucket,
           avg(value)::float8 AS average, min(value)::float8 AS min, max(value)::float8 AS max, count(*) AS samples
    FROM telemetry_sample
    WHERE "equipmentId" = ${equipmentId}::uuid
      AND "recordedAt" >= ${range.from}::timestamptz AND "recordedAt" < ${range.to}::timestamptz
    GROUP BY signal, bucket
    ORDER BY signal, bucket`;
  const bySignal = new Map<string, TrendPoint[]>();
  for (const row of rows) {
    const points = bySignal.get(row.signal) ?? [];
    points.push({ at: row.bucket, average: row.average, min: row.min, max: row.max, samples: Number(row.samples) });
    bySignal.set(row.signal, points);
  }
  return [...bySignal].map(([signal, points]) => ({ signal, points }));
}

function tagQuality(
  tag: DiagnosticsTag | undefined,
  snapshotStatus: SnapshotStatus,
  connection: DiagnosticsConnection | undefined,
): TagQuality {
  if (!tag || tag.value === null) return tag?.error ? "BAD" : "UNKNOWN";
  if (tag.error) return "BAD";
  if (snapshotStatus !== "LIVE" || connection?.commsLost || connection?.state !== "connected") return "STALE";
  return "GOOD";
}

export async function equipmentDiagnostics(options: {
  prisma: PrismaClient;
  reader: DiagnosticsSnapshotReader;
  equipmentId: string;
  range: TrendRange;
  now?: Date;
}): Promise<EquipmentDiagnostics> {
  const { prisma, equipmentId, range } = options;
  const now = options.now ?? new Date();
  const equipment = await prisma.equipment.findUnique({
    where: { id: equipmentId },
    include: { plc: true, tagMap: true, faults: { orderBy: { bitIndex: "asc" } } },
  });
  if (!equipment) throw new ApiError("NOT_FOUND", `Equipment ${equipmentId} does not exist.`);
  const bucketSeconds = trendBucketSeconds(range);
  const [snapshot, trend] = await Promise.all([
    equipment.plc && equipment.tagMap ? options.reader.read(equipment.plc.name) : Promise.resolve(null),
    sampleTrend(prisma, equipment.id, range, bucketSeconds),
  ]);
  const status: SnapshotStatus =
    !equipment.plc || !equipment.tagMap
      ? "NOT_BOUND"
      : !snapshot
        ? "ABSENT"
        : now.getTime() - snapshot.writtenAt > EQUIPMENT_DIAGNOSTICS_DEFAULTS.staleAfterMs
          ? "STALE"
          : "LIVE";
  const snapshotTags = new Map(snapshot?.tags.map((tag) => [tag.name, tag]));
  const bindings = Object.entries((equipment.tagMap?.tags ?? {}) as unknown as Record<string, TagBindingJson>);
  const tags = bindings.map(([signal, binding]): TagDiagnostics => {
    const address = plcTagAddress(equipment.plcTagPrefix, binding.tag);
    const tag = snapshotTags.get(address);
    return {
      signal,
      address,
      type: binding.length ? `${binding.type}[${binding.length}]` : binding.type,
      scanMs: binding.scanMs,
      value: tag?.value ?? null,
      quality: tagQuality(tag, status, snapshot?.connection),
      error: tag?.error ?? null,
      readAt: tag?.readAt ? new Date(tag.readAt) : null,
      changedAt: tag?.changedAt ? new Date(tag.changedAt) : null,
    };
  });

  const faultTag = tags.find((tag) => tag.signal === "faultWords");
  const faultBinding = bindings.find(([signal]) => signal === "faultWords")?.[1];
  const setBits = faultTag && faultTag.value !== null ? faultBitsSet(faultTag.value, faultBinding!.type) : null;
  const catalogByBit = new Map(equipment.faults.map((entry) => [entry.bitIndex, entry]));
  // Catalogued bits always, and a set bit the catalog does not describe: that is the one to chase
  const bitIndexes = [...new Set([...catalogByBit.keys(), ...(setBits ?? [])])].sort((a, b) => a - b);
  const faultBits = bitIndexes.map((bitIndex): FaultBitDiagnostics => {
    const entry = catalogByBit.get(bitIndex);
    return {
      bitIndex,
      set: setBits ? setBits.has(bitIndex) : null,
      catalog: entry
        ? { faultCode: entry.faultCode, text: entry.text, category: entry.category, active: entry.active }
        : null,
    };
  });

  const { plc, tagMap: _tagMap, faults: _faults, ...plain } = equipment;
  return {
    equipment: plain,
    plc: plc ? { name: plc.name, driver: plc.driver, host: plc.host, port: plc.port } : null,
    snapshotStatus: status,
    snapshotAt: snapshot ? new Date(snapshot.writtenAt) : null,
    connection: snapshot
      ? {
          ...snapshot.connection,
          lastGoodReadAt: snapshot.connection.lastGoodReadAt ? new Date(snapshot.connection.lastGoodReadAt) : null,
        }
      : null,
    tags,
    faultBits,
    trendFrom: range.from,
    trendTo: range.to,
    trendBucketSeconds: bucketSeconds,
    trend,
  };
}
