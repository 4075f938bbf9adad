// Redis stream contracts between the PLC bridge and the subgraphs: keys, channels and entry types;
// the entries' fields, their parser and their encoder are in stream-entries.ts. PROTOCOL.md beside
// this folder explains them; a change here is a change of the wire format, so
// it bumps STREAM_SCHEMA_VERSION, except a new field that consumers of the version may ignore
// (`epoch`, `quality` were added so: a consumer that ignores them stays correct).

/** Written into every entry as field `v`. Consumers refuse entries of a version they do not know. */
export const STREAM_SCHEMA_VERSION = "1";

/**
 * The prefix of every stream key and channel unless STREAM_KEY_PREFIX says otherwise (read by the
 * one environment reader, `streamEnvironmentShape` in @ms5/kit).
 */
export const DEFAULT_KEY_PREFIX = "ms5:";

/** The kinds of stream per line. */
export const STREAM_KINDS = ["telemetry", "faults"] as const;
export type StreamKind = (typeof STREAM_KINDS)[number];

/**
 * `ms5:{<lineCode>}:<kind>`. The braces are a Redis Cluster hash tag: every stream of a line lands
 * on the same shard, so one consumer can read a line's streams with one XREADGROUP.
 */
export function streamKey(lineCode: string, kind: StreamKind, prefix = DEFAULT_KEY_PREFIX): string {
  return `${prefix}{${lineCode}}:${kind}`;
}

/** The dead-letter stream of a consumer group: entries that kept failing, with their error. */
export function deadLetterStreamKey(consumerGroup: string, prefix = DEFAULT_KEY_PREFIX): string {
  return `${prefix}dead-letter:${consumerGroup}`;
}

/**
 * The pub/sub channel announcing a committed change of the plant model (a line or equipment added,
 * changed or deactivated; a PLC or tag map edited): stream consumers follow new lines and drop cached
 * settings at once instead of at their next periodic rescan, and the PLC bridge reloads its PLCs and
 * tag bindings. Messages are JSON PlantChange.
 */
export function plantChangedChannel(prefix = DEFAULT_KEY_PREFIX): string {
  return `${prefix}plant-changed`;
}

export interface PlantChange {
  /** "plc" and "tagMap": the bridge reloads its configuration (connection settings, tag bindings). */
  entity: "line" | "equipment" | "plc" | "tagMap";
  /** The row's id. */
  id: string;
}

/**
 * Equipment states. COMMS_LOST means the bridge cannot read the PLC: the equipment's real state is
 * unknown, and it is never counted as downtime.
 */
export const EQUIPMENT_STATES = ["RUNNING", "IDLE", "DOWN", "PLANNED_STOP", "CHANGEOVER", "COMMS_LOST"] as const;
export type EquipmentState = (typeof EQUIPMENT_STATES)[number];

/** The PLC's `StateCode` tag convention (PackML-like) and the state each code means. */
export const PLC_STATE_CODES: Readonly<Record<number, EquipmentState>> = {
  1: "RUNNING",
  2: "IDLE",
  3: "DOWN",
  4: "PLANNED_STOP",
  5: "CHANGEOVER",
};

export const STREAM_ENTRY_TYPES = ["state", "counts", "sample", "energy", "fault", "weight"] as const;
export type StreamEntryType = (typeof STREAM_ENTRY_TYPES)[number];

/** Which stream an entry type goes to. */
export const STREAM_OF_ENTRY: Readonly<Record<StreamEntryType, StreamKind>> = {
  state: "telemetry",
  counts: "telemetry",
  sample: "telemetry",
  energy: "telemetry",
  fault: "faults",
  weight: "telemetry",
};

/**
 * The plant's stream of andon requests from the quality subgraph (an overdue check, an out-of-spec
 * measurement): the andon subgraph reads it in its own consumer group and raises a QUALITY andon per
 * entry, idempotent by entry id. The quality subgraph never writes andon tables.
 */
export function qualityAndonStreamKey(prefix = "ms5:"): string {
  return `${prefix}quality:andon-requests`;
}

/** Why quality asks for an andon. */
export const QUALITY_ANDON_REASONS = ["check-overdue", "out-of-spec", "spc-violation"] as const;
export type QualityAndonReason = (typeof QUALITY_ANDON_REASONS)[number];

/** An entry of qualityAndonStreamKey. */
export interface QualityAndonRequestEntry {
  /** STREAM_SCHEMA_VERSION */
  v: string;
  type: "quality-andon";
  reason: QualityAndonReason;
  lineId: string;
  /** Empty when the request is for the whole line. */
  equipmentId: string;
  priority: "LOW" | "MEDIUM" | "HIGH" | "CRITICAL";
  /** The quality record it is about (check, measurement, violation) and a note for the andon. */
  subjectId: string;
  note: string;
  /** When it happened: epoch milliseconds. */
  ts: string;
}

/**
 * The plant's stream of scrap notices from the quality subgraph: production reads it in its own
 * consumer group and recomputes the OEE buckets where the scrapped units were made (its OEE
 * definition reads the scrap records), then publishes oeeUpdated.
 */
export function scrapStreamKey(prefix = "ms5:"): string {
  return `${prefix}quality:scrap-recorded`;
}

/** An entry of scrapStreamKey. */
export interface ScrapRecordedEntry {
  /** STREAM_SCHEMA_VERSION */
  v: string;
  type: "scrap-recorded";
  scrapId: string;
  lineId: string;
  /** The equipment whose buckets change (the line's constraint when the scrap named none). */
  equipmentId: string;
  /** When the units were made: epoch milliseconds. */
  madeAt: string;
}
