// Durable timers in PostgreSQL, fired exactly once across instances and restarts: each row of a
// table is a timer (its due-time column says when), and an instance claims due rows with one UPDATE
// over a `FOR UPDATE SKIP LOCKED` subselect that writes its name and a lease expiry, so two instances
// never claim the same row. The owner's pass fires what it claimed and commits each step only while
// its lease still holds; a row whose owner died mid-fire is claimed again once the lease runs out.
// Rows that fell due while every instance was down are due at the first pass after start. The loop
// sleeps until the next due time (at most `maxSleepMs`) and is woken early when a due time comes
// closer. Andon's escalations and reporting's schedules run on it.
// Row claims, not advisory locks: a claim outlives the short transaction that writes it, so no
// connection is held while the owner works, and the row shows who fires it until when.
import type { PrismaClient } from "@ms5/db";
import { Prisma } from "@ms5/db";
import type { Clock } from "./clock.ts";
import type { Logger } from "./logger.ts";

/** Where the timers are: constant SQL from the owner's code, never from input. */
export interface DurableTimerTable {
  /** The table whose rows are the timers, e.g. `escalation`. */
  table: string;
  /** Its due-time column, e.g. `nextDueAt`. */
  dueColumn: string;
  /** The condition that makes a row a live timer, e.g. `"status" = 'ACTIVE'`. */
  liveWhen: string;
  /** What the claim returns of each row (a SELECT list), e.g. `"id", "nextDueAt"`. */
  returning: string;
}

export interface DurableTimerSettings {
  /** How long a claim holds; another instance takes the row over after it. */
  leaseMs: number;
  /** The most rows one claim takes. */
  claimBatchSize: number;
  /** The longest sleep between passes, whatever the next due time. */
  maxSleepMs: number;
}

export interface DurableTimerSchedulerOptions {
  prisma: PrismaClient;
  logger: Logger;
  /** Names the timers in logs: "escalation", "report schedule". */
  name: string;
  /** Unique per instance: written into the rows it claims. */
  instanceId: string;
  clock: Clock;
  timers: DurableTimerTable;
  settings: DurableTimerSettings;
  /** One pass of the owner: claims (claimDue) and fires what is due. */
  pass: () => Promise<unknown>;
}

function quoted(identifier: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(identifier)) throw new Error(`not an SQL identifier: ${identifier}`);
  return `"${identifier}"`;
}

export class DurableTimerScheduler<Claimed> {
  readonly #options: DurableTimerSchedulerOptions;
  readonly #table: Prisma.Sql;
  readonly #due: Prisma.Sql;
  readonly #live: Prisma.Sql;
  readonly #returning: Prisma.Sql;
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #sleepTimer: NodeJS.Timeout | undefined;

  constructor(options: DurableTimerSchedulerOptions) {
    this.#options = options;
    this.#table = Prisma.raw(quoted(options.timers.table));
    this.#due = Prisma.raw(quoted(options.timers.dueColumn));
    this.#live = Prisma.raw(options.timers.liveWhen);
    this.#returning = Prisma.raw(options.timers.returning);
  }

  get running(): boolean {
    return this.#running;
  }

  /** Starts the loop: a first pass at once (timers that fell due while down fire now). */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.wake();
    await this.#loop;
  }

  /** Ends the current sleep: a due time may have come closer. */
  wake(): void {
    clearTimeout(this.#sleepTimer);
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** Takes the lease of up to a batch of due timers no live instance holds. */
  claimDue(): Promise<Claimed[]> {
    const now = this.#options.clock.now();
    const leaseUntil = new Date(now.getTime() + this.#options.settings.leaseMs);
    return this.#options.prisma.$queryRaw<Claimed[]>`
      UPDATE ${this.#table} SET "leaseOwner" = ${this.#options.instanceId}, "leaseExpiresAt" = ${leaseUntil}
      WHERE "id" IN (
        SELECT "id" FROM ${this.#table}
        WHERE ${this.#live} AND ${this.#due} <= ${now}
          AND ("leaseExpiresAt" IS NULL OR "leaseExpiresAt" <= ${now})
        ORDER BY ${this.#due}
        LIMIT ${this.#options.settings.claimBatchSize}
        FOR UPDATE SKIP LOCKED)
      RETURNING ${this.#returning}`;
  }

  /** How long until the next live timer is due, at most `maxSleepMs`. */
  async msToNextDue(): Promise<number> {
    const [row] = await this.#options.prisma.$queryRaw<{ next: Date | null }[]>`
      SELECT min(${this.#due}) AS next FROM ${this.#table} WHERE ${this.#live}`;
    const { maxSleepMs } = this.#options.settings;
    if (!row?.next) return maxSleepMs;
    return Math.min(maxSleepMs, row.next.getTime() - this.#options.clock.now().getTime());
  }

  async #run(): Promise<void> {
    while (this.#running) {
      try {
        await this.#options.pass();
        await this.#sleep(await this.msToNextDue());
      } catch (error) {
        this.#options.logger.error({ err: error }, `${this.#options.name} pass failed; retrying`);
        await this.#sleep(this.#options.settings.maxSleepMs);
      }
    }
  }

  #sleep(ms: number): Promise<void> {
    if (!this.#running) return Promise.resolve();
    return new Promise((resolve) => {
      this.#wake = resolve;
      this.#sleepTimer = setTimeout(() => this.wake(), Math.max(0, ms));
    });
  }
}
