// Keeps one PLC driver connected: connects, and after a failed connect or a lost connection
// reconnects with capped exponential backoff and full jitter; reads fail fast while it is down.
import { EventEmitter } from "node:events";
import type { Logger } from "@ms5/kit";
import { PlcCommsError } from "./plc-comms-error.ts";
import type { PlcDriver, TagReadResult, TagSpec, TagValue } from "./plc-driver.ts";

export interface PlcConnectionOptions {
  /** Backoff ceiling of the first retry; each failed attempt doubles it. @default 250 */
  initialDelayMs: number;
  /** Cap on the backoff ceiling. @default 30_000 */
  maxDelayMs: number;
  /** Uniform random in [0, 1), for the jitter. @default Math.random */
  random: () => number;
  /** Clock for lastGoodReadAt. @default Date.now */
  now: () => number;
  /** Names the PLC in log lines. @default "plc" */
  name: string;
  /** Connects and losses at info/warn, retries at debug; silent when omitted. */
  logger: Logger | undefined;
}

export const plcConnectionDefaults: PlcConnectionOptions = {
  initialDelayMs: 250,
  maxDelayMs: 30_000,
  random: Math.random,
  now: Date.now,
  name: "plc",
  logger: undefined,
};

export type PlcConnectionState = "connecting" | "connected" | "disconnected";

/** For /health and /metrics. */
export interface PlcConnectionCounters {
  /** Connections established after the first (each one follows a loss or a failed attempt). */
  reconnects: number;
  /** Connect attempts that failed. */
  failedConnects: number;
  /** readTags calls that threw. */
  failedReads: number;
  /** Epoch ms of the last readTags that returned. */
  lastGoodReadAt: number | undefined;
  /** Message of the last connect or read failure. */
  lastError: string | undefined;
}

export interface PlcConnectionEvents {
  state: [state: PlcConnectionState, previous: PlcConnectionState];
}

/**
 * Full-jitter backoff: a uniform delay in [0, min(maxDelayMs, initialDelayMs * 2^attempt)).
 * Spreads the reconnects of many bridges after a shared outage instead of synchronizing them.
 */
export function reconnectDelayMs(
  attempt: number,
  options: Pick<PlcConnectionOptions, "initialDelayMs" | "maxDelayMs" | "random">,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** Math.min(attempt, 30));
  return Math.floor(options.random() * ceiling);
}

export class PlcConnection extends EventEmitter<PlcConnectionEvents> {
  readonly counters: PlcConnectionCounters = {
    reconnects: 0,
    failedConnects: 0,
    failedReads: 0,
    lastGoodReadAt: undefined,
    lastError: undefined,
  };
  private readonly options: PlcConnectionOptions;
  private currentState: PlcConnectionState = "disconnected";
  /** Failed attempts since the last good connection; the backoff exponent. */
  private attempt = 0;
  private everConnected = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private started = false;
  private closed = false;

  constructor(
    readonly driver: PlcDriver,
    options: Partial<PlcConnectionOptions> = {},
  ) {
    super();
    this.options = { ...plcConnectionDefaults, ...options };
  }

  get state(): PlcConnectionState {
    return this.currentState;
  }

  /** Starts connecting in the background; watch `state` or the "state" event. */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    void this.attemptConnect();
  }

  /** Reads through the driver; throws PlcCommsError at once while not connected. */
  async readTags(tags: readonly TagSpec[]): Promise<TagReadResult[]> {
    try {
      const results = await this.whileConnected(() => this.driver.readTags(tags));
      this.counters.lastGoodReadAt = this.options.now();
      return results;
    } catch (error) {
      this.counters.failedReads++;
      throw error;
    }
  }

  /** Writes through the driver; throws PlcCommsError at once while not connected, PlcTagError if refused. */
  writeTag(tag: TagSpec, value: TagValue): Promise<void> {
    return this.whileConnected(() => this.driver.writeTag(tag, value));
  }

  /** Stops reconnecting and closes the driver. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.setState("disconnected");
    await this.closeDriver();
  }

  private async whileConnected<T>(work: () => Promise<T>): Promise<T> {
    if (this.currentState !== "connected" || !this.driver.connected) {
      if (this.currentState === "connected") this.connectionLost(new PlcCommsError("connection closed", "closed"));
      throw new PlcCommsError(`PLC not connected (${this.currentState})${this.reason()}`, "closed");
    }
    try {
      return await work();
    } catch (error) {
      // Any comms failure (timeout included: a silent PLC keeps its socket open) means reconnect
      if (error instanceof PlcCommsError) this.connectionLost(error);
      throw error;
    }
  }

  private reason(): string {
    return this.counters.lastError ? `: ${this.counters.lastError}` : "";
  }

  private async attemptConnect(): Promise<void> {
    this.retryTimer = undefined;
    if (this.closed) return;
    this.setState("connecting");
    try {
      await this.driver.connect();
    } catch (error) {
      if (this.closed) return;
      this.counters.failedConnects++;
      this.counters.lastError = error instanceof Error ? error.message : String(error);
      // A PLC switched off for a shift would otherwise log every retry
      const level = this.attempt === 0 ? "warn" : "debug";
      this.options.logger?.[level]({ plc: this.options.name, err: error, attempt: this.attempt }, "PLC connect failed");
      this.setState("disconnected");
      this.scheduleConnect();
      return;
    }
    if (this.closed) {
      await this.closeDriver();
      return;
    }
    if (this.everConnected) this.counters.reconnects++;
    this.options.logger?.info(
      { plc: this.options.name, reconnects: this.counters.reconnects, failedAttempts: this.attempt },
      this.everConnected ? "PLC reconnected" : "PLC connected",
    );
    this.everConnected = true;
    this.attempt = 0;
    this.setState("connected");
  }

  private connectionLost(error: PlcCommsError): void {
    if (this.currentState !== "connected" || this.closed) return;
    this.counters.lastError = error.message;
    this.options.logger?.warn(
      { plc: this.options.name, err: error, kind: error.kind },
      "PLC connection lost; reconnecting",
    );
    this.setState("disconnected");
    // Close before reconnecting so the old socket cannot answer for the new one
    void this.closeDriver().then(() => this.scheduleConnect());
  }

  /** The contract says close() never rejects; a driver that does must not take the process down. */
  private async closeDriver(): Promise<void> {
    try {
      await this.driver.close();
    } catch {
      // nothing to do: the next connect() starts from a fresh socket
    }
  }

  private scheduleConnect(): void {
    if (this.closed || this.retryTimer) return;
    const delay = reconnectDelayMs(this.attempt++, this.options);
    this.retryTimer = setTimeout(() => void this.attemptConnect(), delay);
  }

  private setState(state: PlcConnectionState): void {
    const previous = this.currentState;
    if (previous === state) return;
    this.currentState = state;
    this.emit("state", state, previous);
  }
}
