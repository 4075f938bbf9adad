// The live events of a line as they cross Redis pub/sub: their channel, their JSON shape and the
// tunables of publishing and fanning them out.
import type { EquipmentState } from "@ms5/schema";
import { DEFAULT_KEY_PREFIX } from "@ms5/schema";

/** Tunables of live events. */
export const LIVE_EVENT_DEFAULTS = {
  /** @default 1,000 ms: oeeUpdated is recomputed and published at most this often per line. */
  oeeThrottleMs: 1_000,
  /** @default 1,000 events: a subscriber further behind loses its oldest events. */
  maxQueuedEventsPerSubscriber: 1_000,
  /** @default 200 stops, and as many jobs, of one line sent again after a gap in the subscriber connection. */
  maxResyncedRowsPerKind: 200,
} as const;

export type LiveEventSettings = { -readonly [K in keyof typeof LIVE_EVENT_DEFAULTS]: number };

/**
 * The pub/sub channel of a line's live events: `<prefix>{<line id>}:live`, e.g.
 * `ms5:{0b7e...}:live`. The braces are a Redis Cluster hash tag of the line's id, not the tag of the
 * line's streams (those use the line's code), so the channel and the streams may live on different
 * shards: nothing needs them together, as events are published after the entries' effect committed.
 */
export function liveEventChannel(lineId: string, prefix = DEFAULT_KEY_PREFIX): string {
  return `${prefix}{${lineId}}:live`;
}

/** One message on a line's channel, as JSON; dates are ISO 8601 strings. */
export type LiveEvent =
  | { kind: "line-state"; lineId: string; state: EquipmentState; since: string }
  | { kind: "equipment-state"; lineId: string; equipmentId: string; state: EquipmentState; since: string }
  | { kind: "downtime-started" | "downtime-ended"; lineId: string; equipmentId: string; downtimeEventId: string }
  // A person changed a stop: reason confirmed or reclassified, or the stop split or merged (each
  // superseded and each new stop gets one).
  | { kind: "downtime-edited"; lineId: string; equipmentId: string; downtimeEventId: string }
  | { kind: "counts"; lineId: string; equipmentId: string; good: number; reject: number; at: string }
  | { kind: "oee"; lineId: string; oeeRecordId: string; at: string }
  | { kind: "job"; lineId: string; jobId: string; assigneeId: string; status: string; at: string };

export type LiveEventKind = LiveEvent["kind"];

const KINDS: ReadonlySet<string> = new Set<LiveEventKind>([
  "line-state",
  "equipment-state",
  "downtime-started",
  "downtime-ended",
  "downtime-edited",
  "counts",
  "oee",
  "job",
]);

/** The event of a channel message, or null for anything that is not one (logged by the caller). */
export function parseLiveEvent(message: string): LiveEvent | null {
  try {
    const value = JSON.parse(message) as { kind?: unknown; lineId?: unknown };
    return typeof value === "object" &&
      value !== null &&
      typeof value.kind === "string" &&
      KINDS.has(value.kind) &&
      typeof value.lineId === "string"
      ? (value as LiveEvent)
      : null;
  } catch {
    return null;
  }
}
