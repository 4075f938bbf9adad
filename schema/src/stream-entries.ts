// The entries of the Redis streams as values: one zod schema per entry type, the one parser every
// consumer reads them with (parseStreamEntry) and the one encoder the bridge writes them with
// (encodeStreamEntry). PROTOCOL.md explains each field. A separate entry point from the package's
// index (`@ms5/schema/stream-entries`) so the browser bundle of the web app, which imports the
// permission matrix from the index, never carries zod.
import { z } from "zod";
import {
  EQUIPMENT_STATES,
  STREAM_OF_ENTRY,
  STREAM_SCHEMA_VERSION,
  type StreamEntryType,
  type StreamKind,
} from "./streams.ts";

/**
 * Thrown for an entry that can never be applied as it is (it does not parse, or it breaks a rule of
 * the plant model): a stream consumer dead-letters it at once with `reason`, never retries it.
 * Recognised by its `code` as well as its class.
 */
export class StreamEntryRejected extends Error {
  readonly code = "STREAM_ENTRY_REJECTED";
  override name = "StreamEntryRejected";
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** A reading the PLC gave as NaN or an infinity: published with quality "bad" and no value. */
export type ReadingQuality = "good" | "bad";

// Redis stream values are strings; the bridge writes an absent optional value as "".
const emptyAsUndefined = (v: unknown) => (v === "" ? undefined : v);
const optionalInt = z.preprocess(emptyAsUndefined, z.coerce.number().int().optional());
const optionalText = z.preprocess(emptyAsUndefined, z.string().optional());

const headerShape = {
  v: z.literal(STREAM_SCHEMA_VERSION, {
    error: `unsupported stream schema version (this consumer reads v${STREAM_SCHEMA_VERSION})`,
  }),
  /** PLC name (as in the `plc` table). */
  plc: z.string().min(1),
  /** The bridge epoch `seq` counts in; absent from entries of bridges before epochs. */
  epoch: optionalText,
  /** Per-PLC sequence number within the epoch. */
  seq: z.coerce.number().int().positive(),
  /** Equipment code. */
  equipment: z.string().min(1),
  /** Line code (also in the key). */
  line: z.string().min(1),
  /** When the PLC value was read (written as epoch milliseconds). */
  ts: z.coerce
    .number()
    .int()
    .positive()
    .transform((ms) => new Date(ms)),
};

/** telemetry: the equipment changed state (or the bridge lost / regained the PLC). */
export const stateEntrySchema = z.object({
  ...headerShape,
  type: z.literal("state"),
  state: z.enum(EQUIPMENT_STATES),
  /** State before this one; absent for the first state the bridge saw. */
  previousState: z.preprocess(emptyAsUndefined, z.enum(EQUIPMENT_STATES).optional()),
  /** The PLC's raw StateCode; absent for COMMS_LOST. */
  stateCode: optionalInt,
  /** Fault code of the first-out fault latched when the equipment stopped. */
  firstOutFaultCode: optionalText,
  /** Bit index of that fault. */
  firstOutFaultBit: optionalInt,
});

/** telemetry: counter increments since the previous counts entry (rollover of the DINT handled). */
export const countsEntrySchema = z.object({
  ...headerShape,
  type: z.literal("counts"),
  goodDelta: z.coerce.number().int().nonnegative(),
  rejectDelta: z.coerce.number().int().nonnegative(),
  /** The PLC counters as read (a DINT may read negative past 2^31), for audit and for re-basing after a bridge restart. */
  goodTotal: optionalInt,
  rejectTotal: optionalInt,
});

const sampleReason = z.enum(["change", "heartbeat"]).optional();

/** telemetry: an analog value that moved beyond its deadband, or its periodic heartbeat. */
export const sampleEntrySchema = z.discriminatedUnion("quality", [
  z.object({
    ...headerShape,
    type: z.literal("sample"),
    quality: z.literal("good").default("good"),
    /** Canonical signal (`speed`) or a free-form tag's name. */
    signal: z.string().min(1),
    value: z.coerce.number(),
    reason: sampleReason,
  }),
  z.object({
    ...headerShape,
    type: z.literal("sample"),
    quality: z.literal("bad"),
    signal: z.string().min(1),
    reason: sampleReason,
  }),
]);

/** telemetry: the equipment's energy meter (running total and increment since the previous good reading). */
export const energyEntrySchema = z.discriminatedUnion("quality", [
  z.object({
    ...headerShape,
    type: z.literal("energy"),
    quality: z.literal("good").default("good"),
    meterKwh: z.coerce.number().nonnegative(),
    deltaKwh: z.coerce.number().nonnegative(),
  }),
  z.object({ ...headerShape, type: z.literal("energy"), quality: z.literal("bad") }),
]);

/**
 * telemetry: one weighing of a check weigher, published once per weighing (by the PLC's weigh
 * counter). Consumers that do not chart weights (production) acknowledge it and move on.
 */
export const weightEntrySchema = z.discriminatedUnion("quality", [
  z.object({
    ...headerShape,
    type: z.literal("weight"),
    quality: z.literal("good").default("good"),
    value: z.coerce.number(),
    unit: z.string().min(1),
    /** The PLC's weigh counter for this weighing. */
    weighCount: z.coerce.number().int(),
  }),
  z.object({
    ...headerShape,
    type: z.literal("weight"),
    quality: z.literal("bad"),
    unit: z.string().min(1),
    weighCount: z.coerce.number().int(),
  }),
]);

/** faults: a fault bit rose or fell. */
export const faultEntrySchema = z.object({
  ...headerShape,
  type: z.literal("fault"),
  edge: z.enum(["rising", "falling"]),
  bitIndex: z.coerce.number().int().nonnegative(),
  /** From the fault catalog; `UNKNOWN-<bit>` for a bit the catalog does not know. */
  faultCode: z.string().min(1),
  faultText: z.string().default(""),
  /** The rising edge of the fault that stopped the equipment. */
  firstOut: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true"),
  /**
   * A rising edge of the bridge's first read after it started: the bit is set, but it may have risen
   * long before (the bridge restarted under a standing fault). Written only when true.
   */
  atStart: z.preprocess(emptyAsUndefined, z.enum(["true", "false"]).default("false")).transform((v) => v === "true"),
});

/** Every entry type a stream of each kind carries. */
export const streamEntrySchemas = {
  telemetry: z.union([stateEntrySchema, countsEntrySchema, sampleEntrySchema, energyEntrySchema, weightEntrySchema]),
  faults: faultEntrySchema,
} as const;

export type StateEntry = z.output<typeof stateEntrySchema>;
export type CountsEntry = z.output<typeof countsEntrySchema>;
export type SampleEntry = z.output<typeof sampleEntrySchema>;
export type EnergyEntry = z.output<typeof energyEntrySchema>;
export type FaultEntry = z.output<typeof faultEntrySchema>;
export type WeightEntry = z.output<typeof weightEntrySchema>;
export type TelemetryEntry = StateEntry | CountsEntry | SampleEntry | EnergyEntry | WeightEntry;
export type StreamEntry = TelemetryEntry | FaultEntry;
/** The entries a stream of `kind` carries. */
export type StreamEntryOf<Kind extends StreamKind> = z.output<(typeof streamEntrySchemas)[Kind]>;

/** The fields every entry carries, as values. */
export type StreamEntryHeader = Pick<StreamEntry, keyof typeof headerShape>;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/**
 * What the bridge knows of an entry before it numbers it: everything but the header, whose
 * version, epoch and sequence number the publisher adds.
 */
export type StreamEntryBody = DistributiveOmit<StreamEntry, keyof typeof headerShape>;

/**
 * Parses an entry read from a stream of `kind`; throws StreamEntryRejected naming every field at
 * fault (an entry of another schema version, a missing or malformed field, a type that does not
 * belong on that stream).
 */
export function parseStreamEntry<Kind extends StreamKind>(
  kind: Kind,
  fields: Readonly<Record<string, string>>,
): StreamEntryOf<Kind> {
  const result = streamEntrySchemas[kind].safeParse(fields);
  if (result.success) return result.data as StreamEntryOf<Kind>;
  if (fields.v !== undefined && fields.v !== STREAM_SCHEMA_VERSION) {
    throw new StreamEntryRejected(
      `unsupported stream schema version '${fields.v}' (this consumer reads v${STREAM_SCHEMA_VERSION})`,
    );
  }
  throw new StreamEntryRejected(
    `malformed ${kind} entry: ${result.error.issues.map((i) => `${i.path.join(".") || "(entry)"}: ${i.message}`).join("; ")}`,
  );
}

/** Which stream an entry goes to. */
export function streamKindOf(entry: { type: StreamEntryType }): StreamKind {
  return STREAM_OF_ENTRY[entry.type];
}

const text = (value: number | string | undefined): string => (value === undefined ? "" : String(value));

/**
 * The fields of an entry's body as the bridge writes them: every value a string, an absent optional
 * value as "", a bad reading as quality "bad" with its value fields empty (a good one carries no
 * `quality` field).
 */
export function encodeStreamEntryBody(body: StreamEntryBody): Record<string, string> {
  switch (body.type) {
    case "state":
      return {
        state: body.state,
        previousState: body.previousState ?? "",
        stateCode: text(body.stateCode),
        firstOutFaultBit: text(body.firstOutFaultBit),
        firstOutFaultCode: body.firstOutFaultCode ?? "",
      };
    case "counts":
      return {
        goodDelta: String(body.goodDelta),
        rejectDelta: String(body.rejectDelta),
        goodTotal: text(body.goodTotal),
        rejectTotal: text(body.rejectTotal),
      };
    case "sample":
      return body.quality === "bad"
        ? { signal: body.signal, value: "", ...reasonField(body.reason), quality: "bad" }
        : { signal: body.signal, value: String(body.value), ...reasonField(body.reason) };
    case "energy":
      return body.quality === "bad"
        ? { meterKwh: "", deltaKwh: "", quality: "bad" }
        : { meterKwh: String(body.meterKwh), deltaKwh: String(body.deltaKwh) };
    case "weight":
      return body.quality === "bad"
        ? { value: "", unit: body.unit, weighCount: String(body.weighCount), quality: "bad" }
        : { value: String(body.value), unit: body.unit, weighCount: String(body.weighCount) };
    case "fault":
      return {
        edge: body.edge,
        bitIndex: String(body.bitIndex),
        faultCode: body.faultCode,
        faultText: body.faultText,
        firstOut: String(body.firstOut),
        ...(body.atStart ? { atStart: "true" } : {}),
      };
  }
}

function reasonField(reason: "change" | "heartbeat" | undefined): { reason?: string } {
  return reason === undefined ? {} : { reason };
}

/** What the publisher adds to a body: who wrote it, its number, when it was read. */
export interface StreamEntryAddress {
  plc: string;
  /** Absent only for entries of bridges before epochs. */
  epoch?: string | undefined;
  seq: number;
  equipment: string;
  line: string;
  /** When the PLC value was read: a Date, or epoch milliseconds. */
  ts: Date | number;
}

/** An entry as the fields of one XADD: the header (version included), then the body's fields. */
export function encodeStreamEntry(address: StreamEntryAddress, body: StreamEntryBody): Record<string, string> {
  return {
    v: STREAM_SCHEMA_VERSION,
    type: body.type,
    plc: address.plc,
    ...(address.epoch === undefined ? {} : { epoch: address.epoch }),
    seq: String(address.seq),
    equipment: address.equipment,
    line: address.line,
    ts: String(typeof address.ts === "number" ? address.ts : address.ts.getTime()),
    ...encodeStreamEntryBody(body),
  };
}
