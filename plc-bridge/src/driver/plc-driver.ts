// The PLC driver contract the bridge codes against: types only, so every driver imports it without
// importing the others. The registry that creates a driver by name is plc-driver-registry.ts.

export { PlcCommsError, type PlcCommsErrorKind, PlcTagError } from "./plc-comms-error.ts";

export type TagType = "BOOL" | "SINT" | "INT" | "DINT" | "LINT" | "REAL" | "LREAL";

export interface TagSpec {
  name: string;
  type: TagType;
  /** array elements; default 1 (scalar) */
  length?: number;
}

/** LINT values are bigint; BOOL boolean; other types number. Arrays hold `length` elements. */
export type TagValue = boolean | number | bigint | readonly (boolean | number | bigint)[];

export type TagReadResult =
  | { name: string; ok: true; value: TagValue }
  /** `code` is the CIP general status when the controller refused the tag. */
  | { name: string; ok: false; error: string; code?: number };

export interface PlcEndpoint {
  host: string;
  port: number;
  slot: number;
  /** request timeout */
  timeoutMs: number;
  /** connected messaging (Forward Open) */
  connected: boolean;
}

/**
 * One controller connection. Drivers for other protocols (SLC/PCCC, Modbus, OPC UA) implement the
 * same interface. connect() may be called again after close() or after the connection was lost.
 */
export interface PlcDriver {
  /** Rejects with PlcCommsError. */
  connect(): Promise<void>;
  /**
   * Batched read (Multiple Service Packet / TagGroup). Results are in the order of `tags`. Per-tag
   * failures (unknown tag) are results, not throws; a lost connection or timeout throws PlcCommsError.
   */
  readTags(tags: readonly TagSpec[]): Promise<TagReadResult[]>;
  /** Rejects with PlcCommsError (no answer) or PlcTagError (refused, or the value does not fit). */
  writeTag(tag: TagSpec, value: TagValue): Promise<void>;
  /** Never rejects. */
  close(): Promise<void>;
  readonly connected: boolean;
}
