// Publish an analog value when it moves by at least its deadband, and at least every heartbeat
// interval even when it does not, so a consumer can tell "steady" from "silent". A reading that is
// not a number (NaN, an infinity from a REAL tag) is published once as bad quality, never as a value,
// and the next good reading is published whatever the deadband: a bad value spoils nothing after it.

export interface AnalogDeadbandOptions {
  /** Smallest change worth publishing, in the signal's units. @default 0 (every change) */
  deadband?: number;
  /** Publish at least this often. @default 10_000 */
  heartbeatMs?: number;
}

export type DeadbandDecision =
  | { publish: false }
  | { publish: true; reason: "change" | "heartbeat"; quality: "good" | "bad" };

export class AnalogDeadband {
  /** The last good value published; undefined before the first, after a reset or a bad one. */
  private lastValue: number | undefined;
  private lastBad = false;
  private lastPublishedAt = 0;
  private readonly deadband: number;
  private readonly heartbeatMs: number;

  constructor(options: AnalogDeadbandOptions = {}) {
    this.deadband = options.deadband ?? 0;
    this.heartbeatMs = options.heartbeatMs ?? 10_000;
  }

  offer(value: number, at: number): DeadbandDecision {
    const heartbeatDue = at - this.lastPublishedAt >= this.heartbeatMs;
    if (!Number.isFinite(value)) {
      if (!this.lastBad) return this.publish(undefined, at, "change");
      return heartbeatDue ? this.publish(undefined, at, "heartbeat") : { publish: false };
    }
    const changed =
      this.lastValue === undefined ||
      (this.deadband === 0 ? value !== this.lastValue : Math.abs(value - this.lastValue) >= this.deadband);
    if (changed) return this.publish(value, at, "change");
    if (heartbeatDue) return this.publish(value, at, "heartbeat");
    return { publish: false };
  }

  /** After comms loss the next value is always published. */
  reset(): void {
    this.lastValue = undefined;
    this.lastBad = false;
  }

  private publish(value: number | undefined, at: number, reason: "change" | "heartbeat"): DeadbandDecision {
    this.lastValue = value;
    this.lastBad = value === undefined;
    this.lastPublishedAt = at;
    return { publish: true, reason, quality: value === undefined ? "bad" : "good" };
  }
}
