// Publish an analog value when it moves by at least its deadband, and at least every heartbeat
// interval even when it does not, so a consumer can tell "steady" from "silent".

export interface AnalogDeadbandOptions {
  /** Smallest change worth publishing, in the signal's units. @default 0 (every change) */
  deadband?: number;
  /** Publish at least this often. @default 10_000 */
  heartbeatMs?: number;
}

export type DeadbandDecision = { publish: false } | { publish: true; reason: "change" | "heartbeat" };

export class AnalogDeadband {
  private lastValue: number | undefined;
  private lastPublishedAt = 0;
  private readonly deadband: number;
  private readonly heartbeatMs: number;

  constructor(options: AnalogDeadbandOptions = {}) {
    this.deadband = options.deadband ?? 0;
    this.heartbeatMs = options.heartbeatMs ?? 10_000;
  }

  offer(value: number, at: number): DeadbandDecision {
    const changed =
      this.lastValue === undefined ||
      (this.deadband === 0 ? value !== this.lastValue : Math.abs(value - this.lastValue) >= this.deadband);
    if (changed) return this.publish(value, at, "change");
    if (at - this.lastPublishedAt >= this.heartbeatMs) return this.publish(value, at, "heartbeat");
    return { publish: false };
  }

  /** After comms loss the next value is always published. */
  reset(): void {
    this.lastValue = undefined;
  }

  private publish(value: number, at: number, reason: "change" | "heartbeat"): DeadbandDecision {
    this.lastValue = value;
    this.lastPublishedAt = at;
    return { publish: true, reason };
  }
}
