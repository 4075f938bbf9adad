// The wire contract of the bridge's diagnostics snapshot: every ~2 s the PLC bridge writes one JSON
// document per PLC (each bound tag's last value, read time, last change and read error, and the
// connection's health) to a Redis key with a short TTL, apart from the telemetry stream; the API
// reads it for `equipmentDiagnostics`. A bridge that dies leaves no snapshot behind once the TTL
// runs out. See PROTOCOL.md, "Diagnostics snapshots".
import { z } from "zod";

/** Wire version of the snapshot. */
export const DIAGNOSTICS_SNAPSHOT_VERSION = 1;

/** Seconds a snapshot lives in Redis: several write intervals, so one late write does not blank the screen. */
export const DIAGNOSTICS_SNAPSHOT_TTL_S = 30;

/** How often the bridge writes a PLC's snapshot, in ms. */
export const DIAGNOSTICS_SNAPSHOT_INTERVAL_MS = 2_000;

/** Redis string holding one PLC's latest snapshot (the hash tag keeps one PLC's keys in one slot). */
export function diagnosticsSnapshotKey(plcName: string, prefix = "ms5:"): string {
  return `${prefix}diagnostics:{${plcName}}`;
}

/** A PLC tag's address as the bridge reads it: the equipment's program scope or prefix, then the tag. */
export function plcTagAddress(tagPrefix: string | null | undefined, tag: string): string {
  return tagPrefix ? `${tagPrefix}.${tag}` : tag;
}

/** A tag value as JSON: a LINT (bigint) as a decimal string, an array element by element. */
const scalarValue = z.union([z.boolean(), z.number(), z.string()]);

export const diagnosticsTagSchema = z.object({
  /** The full address (plcTagAddress). */
  name: z.string(),
  /** The last value read; null until a read succeeded. */
  value: z.union([scalarValue, z.array(scalarValue)]).nullable(),
  /** Epoch ms of the last successful read of this tag. */
  readAt: z.number().nullable(),
  /** Epoch ms the value last differed from the read before (the first read counts as a change). */
  changedAt: z.number().nullable(),
  /** Why the PLC refused the tag at its last read; null when the last read was good. */
  error: z.string().nullable(),
});
export type DiagnosticsTag = z.infer<typeof diagnosticsTagSchema>;

export const diagnosticsConnectionSchema = z.object({
  state: z.enum(["connecting", "connected", "disconnected"]),
  /** No good read for the comms timeout: the bridge publishes its equipment as COMMS_LOST. */
  commsLost: z.boolean(),
  goodReads: z.number().int().nonnegative(),
  failedReads: z.number().int().nonnegative(),
  /** Milliseconds of the last good batched read, request to answer. */
  lastRoundTripMs: z.number().nonnegative().nullable(),
  reconnects: z.number().int().nonnegative(),
  failedConnects: z.number().int().nonnegative(),
  lastGoodReadAt: z.number().nullable(),
  lastError: z.string().nullable(),
});
export type DiagnosticsConnection = z.infer<typeof diagnosticsConnectionSchema>;

export const diagnosticsSnapshotSchema = z.object({
  v: z.literal(DIAGNOSTICS_SNAPSHOT_VERSION),
  plc: z.string(),
  /** Epoch ms the bridge wrote it. */
  writtenAt: z.number(),
  connection: diagnosticsConnectionSchema,
  tags: z.array(diagnosticsTagSchema),
});
export type DiagnosticsSnapshot = z.infer<typeof diagnosticsSnapshotSchema>;
