// Time as durable timers see it (andon's escalations, reporting's schedules, quality's due checks):
// injected, so tests move it by hand instead of waiting. A running subgraph reads the database's
// clock, so instances whose own clocks disagree still agree on when a timer is due and when a lease
// runs out.
import type { PrismaClient } from "@ms5/db";
import type { Logger } from "./logger.ts";

export const DATABASE_CLOCK_DEFAULTS = {
  /**
   * @default 30,000 ms: how often the offset to the database's clock is measured again; a step of
   * this machine's clock (NTP) is corrected by the next sample.
   */
  sampleIntervalMs: 30_000,
  /** @default 3 round trips per sample; the fastest one gives the offset (least queueing in it). */
  roundTripsPerSample: 3,
} as const;

export type DatabaseClockSettings = { -readonly [K in keyof typeof DATABASE_CLOCK_DEFAULTS]: number };

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to: for tests of timers. */
export class ManualClock implements Clock {
  #ms: number;
  constructor(start: Date) {
    this.#ms = start.getTime();
  }
  now(): Date {
    return new Date(this.#ms);
  }
  advance(ms: number): Date {
    this.#ms += ms;
    return this.now();
  }
  set(at: Date): void {
    this.#ms = at.getTime();
  }
}

export interface DatabaseClockOptions {
  /** The database's current time: `SELECT clock_timestamp()`. */
  readDatabaseTime: () => Promise<Date>;
  logger: Logger;
  /** The machine's own clock, corrected by the measured offset. @default systemClock */
  local?: Clock;
  settings?: Partial<DatabaseClockSettings>;
}

/**
 * The database's time without a round trip per reading: the offset between the database's clock
 * and this machine's is measured at start and then every `sampleIntervalMs` (half the fastest round
 * trip is the error bound), and `now()` is the local clock plus that offset.
 */
export class DatabaseClock implements Clock {
  readonly #options: DatabaseClockOptions;
  readonly #local: Clock;
  readonly #settings: DatabaseClockSettings;
  #offsetMs = 0;
  #synced = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: DatabaseClockOptions) {
    this.#options = options;
    this.#local = options.local ?? systemClock;
    this.#settings = { ...DATABASE_CLOCK_DEFAULTS, ...options.settings };
  }

  /** How far the database's clock is ahead of this machine's (negative: behind), as last measured. */
  get offsetMs(): number {
    return this.#offsetMs;
  }

  now(): Date {
    return new Date(this.#local.now().getTime() + this.#offsetMs);
  }

  /** Measures the offset now; the first call must succeed before the clock is used. */
  async sync(): Promise<void> {
    let best: { offsetMs: number; roundTripMs: number } | undefined;
    for (let i = 0; i < this.#settings.roundTripsPerSample; i++) {
      const sent = this.#local.now().getTime();
      const database = (await this.#options.readDatabaseTime()).getTime();
      const received = this.#local.now().getTime();
      const roundTripMs = received - sent;
      if (!best || roundTripMs < best.roundTripMs)
        best = { offsetMs: database - (sent + roundTripMs / 2), roundTripMs };
    }
    if (!best) return;
    if (!this.#synced || Math.abs(best.offsetMs - this.#offsetMs) > 1_000) {
      this.#options.logger.info(
        { offsetMs: Math.round(best.offsetMs), roundTripMs: best.roundTripMs },
        "clock offset to the database measured",
      );
    }
    this.#offsetMs = best.offsetMs;
    this.#synced = true;
  }

  /** Measures once (throws when the database cannot be read), then again every sample interval. */
  async start(): Promise<void> {
    await this.sync();
    clearInterval(this.#timer);
    this.#timer = setInterval(() => {
      this.sync().catch((error: unknown) => {
        // The last offset stays in force: clocks drift by milliseconds per minute, not more.
        this.#options.logger.warn({ err: error }, "could not read the database's clock; keeping the last offset");
      });
    }, this.#settings.sampleIntervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

/** The database's clock as Prisma reads it. */
export function databaseClockOf(prisma: PrismaClient, logger: Logger, local?: Clock): DatabaseClock {
  return new DatabaseClock({
    logger,
    ...(local ? { local } : {}),
    readDatabaseTime: async () => {
      const [row] = await prisma.$queryRaw<{ now: Date }[]>`SELECT clock_timestamp() AS now`;
      if (!row) throw new Error("the database returned no time");
      return row.now;
    },
  });
}
