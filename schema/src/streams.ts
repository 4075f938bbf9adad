// Redis stream contracts between the PLC bridge and the subgraphs: keys, entry types and fields.
// PROTOCOL.md beside this folder explains them; a change here is a change of the wire format, so
// it bumps STREAM_SCHEMA_VERSION, except a new field that consumers of the version may ignore
// (`epoch`, `quality` were added so: a consumer that ignores them stays correct).

/** Written into every entry as field `v`. Consumers refuse entries of a version they do not know. */
export const STREAM_SCHEMA_VERSION = "1";

/** The kinds of stream per line. */
export const STREAM_KINDS = ["telemetry", "faults"] as const;
export type StreamKind = (typeof STREAM_KINDS)[number];

/**
 * `ms5:{<lineCode>}:<kind>`. The braces are a Redis Cluster hash tag: every stream of a line lands
 * on the same shard, so one consumer can read a line's streams with one XREADGROUP.
 */
export function streamKey(lineCode: string, kind: StreamKind, prefix = "ms5:"): string {
  return `${prefix}{${lineCode}}:${kind}`;
}

/** The dead-letter stream of a consumer group: entries that kept failing, with their error. */
export function deadLetterStreamKey(consumerGroup: string, prefix = "ms5:"): string {
  return `${prefix}dead-letter:${consumerGroup}`;
}

/**
 * The pub/sub channel announcing a committed change of the plant model (a line or equipment added,
 * changed or deactivated): stream consumers follow new lines and drop cached settings at once
 * instead of at their next periodic rescan. Messages are JSON PlantChange.
 */
export function plantChangedChannel(prefix = "ms5:"): string {
  return `${prefix}plant-changed`;
}

export interface PlantChange {
  entity: "line" | "equipment";
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

/** Fields every entry carries. All Redis stream values are strings. */
export interface StreamEntryHeader {
  /** STREAM_SCHEMA_VERSION */
  v: string;
  type: StreamEntryType;
  /** PLC name (as in the `plc` table). */
  plc: string;
  /**
   * The bridge epoch `seq` counts in: a new one whenever the bridge starts without its saved sequence
   * state (an emptied buffer folder, an unreadable or unsaveable state). Absent from entries of
   * bridges before epochs.
   */
  epoch?: string;
  /** Per-PLC sequence number within the epoch: increases by exactly 1 for every entry the bridge publishes for that PLC. */
  seq: string;
  /** Equipment code. */
  equipment: string;
  /** Line code (also in the key). */
  line: string;
  /** When the PLC value was read: epoch milliseconds. */
  ts: string;
}

export const STREAM_ENTRY_TYPES = ["state", "counts", "sample", "energy", "fault", "weight"] as const;
export type StreamEntryType = (typeof STREAM_ENTRY_TYPES)[number];

/** telemetry: the equipment changed state (or the bridge lost / regained the PLC). */
export interface StateEntry extends StreamEntryHeader {
  type: "state";
  state: EquipmentState;
  /** The PLC's raw StateCode; empty for COMMS_LOST. */
  stateCode: string;
  /** Fault code of the first-out fault latched when the equipment stopped; empty if none. */
  firstOutFaultCode: string;
  /** Bit index of that fault; empty if none. */
  firstOutFaultBit: string;
  /** State before this one. */
  previousState: EquipmentState | "";
}

/** telemetry: counter increments since the previous counts entry (rollover of the DINT handled). */
export interface CountsEntry extends StreamEntryHeader {
  type: "counts";
  goodDelta: string;
  rejectDelta: string;
  /** The PLC counters as read, for audit and for re-basing after a bridge restart. */
  goodTotal: string;
  rejectTotal: string;
}

/**
 * A reading the PLC gave as NaN or an infinity (a REAL tag): published with `quality` "bad" and its
 * value fields empty, never as a number. Absent means "good".
 */
export type ReadingQuality = "good" | "bad";

/** telemetry: an analog value that moved beyond its deadband, or its periodic heartbeat. */
export interface SampleEntry extends StreamEntryHeader {
  type: "sample";
  /** Canonical signal (`speed`) or a free-form tag's name. */
  signal: string;
  /** Empty when `quality` is "bad". */
  value: string;
  /** "change" or "heartbeat"; a bad value is re-sent at the heartbeat while it lasts. */
  reason: "change" | "heartbeat";
  quality?: ReadingQuality;
}

/** telemetry: the equipment's energy meter (running total and increment). */
export interface EnergyEntry extends StreamEntryHeader {
  type: "energy";
  /** Empty when `quality` is "bad". */
  meterKwh: string;
  /** Since the previous good reading; empty when `quality` is "bad". */
  deltaKwh: string;
  quality?: ReadingQuality;
}

/** faults: a fault bit rose or fell. */
export interface FaultEntry extends StreamEntryHeader {
  type: "fault";
  edge: "rising" | "falling";
  bitIndex: string;
  /** From the fault catalog; `UNKNOWN-<bit>` for a bit the catalog does not know. */
  faultCode: string;
  faultText: string;
  /** "true" when this is the first-out fault of a stop. */
  firstOut: "true" | "false";
}

/**
 * telemetry: one weighing of a check weigher, published once per weighing (by the PLC's weigh counter,
 * so several weighings within one scan are neither missed nor repeated). Consumers that do not chart
 * weights (production) acknowledge it and move on.
 */
export interface WeightEntry extends StreamEntryHeader {
  type: "weight";
  /** The weight in `unit`; empty when `quality` is "bad". */
  value: string;
  unit: string;
  /** The PLC's weigh counter for this weighing (DINT, increases by 1 per weighing). */
  weighCount: string;
  quality?: ReadingQuality;
}

export type StreamEntry = StateEntry | CountsEntry | SampleEntry | EnergyEntry | FaultEntry | WeightEntry;

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
