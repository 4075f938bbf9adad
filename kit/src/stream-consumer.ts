// Reads Redis streams through a consumer group, in stream order: one entry at a time through
// `handle`, or one read's entries together through `handleBatch` when the owner gives one, and
// acknowledges an entry only after its handler has committed the entry's effect. A transient
// failure (database or Redis unreachable, serialization failure, timeout) stops reading and retries
// the same entries with capped backoff for as long as it lasts; only an entry the handler rejects
// (StreamEntryRejected), or one that keeps failing otherwise, goes to the bounded dead-letter
// stream with its reason. Entries left pending by a consumer that died are reclaimed (XAUTOCLAIM)
// by the living, and a consumer gone long enough is removed once it holds nothing.
// Handlers must be idempotent by entry id: a crash between commit and XACK redelivers the entry.
import type { Logger } from "./logger.ts";
import type { RedisClient } from "./redis-client.ts";
import { settleWithin } from "./settle-within.ts";
import { isTransientError, StreamEntryRejected } from "./transient-error.ts";

export interface ConsumedEntry {
  stream: string;
  id: string;
  fields: Record<string, string>;
  /** How many times the group has delivered this entry (1 the first time). */
  deliveries: number;
  /** When this consumer received it (epoch ms): with the id's time, how long it waited in the stream. */
  receivedAt: number;
}

export interface StreamConsumerOptions {
  /** For acknowledgements, claims and dead letters; the blocking read gets its own duplicate. */
  redis: RedisClient;
  /** The streams to read from the start; `listStreams` adds to them later. */
  streams: readonly string[];
  /**
   * The streams the consumer should follow now (e.g. one per active line). Called at start, every
   * `rescanIntervalMs` and on `rescan()`; streams it names that are new are read from then on.
   */
  listStreams?: () => Promise<readonly string[]>;
  group: string;
  /** Unique per instance and stable across its restarts (service name + instance id). */
  consumer: string;
  /**
   * Commits the entry's effect; throws to have it retried. Throw StreamEntryRejected for an entry
   * that can never be applied (it does not parse, it breaks a rule): dead-lettered at once.
   */
  handle: (entry: ConsumedEntry) => Promise<void>;
  /**
   * Commits the effects of the entries one read returned (from any of the streams, each stream's in
   * order), acknowledged afterwards with one XACK per stream. Optional: one round trip per batch
   * instead of per entry is what lets a consumer keep up with thousands of entries a second, and
   * streams (lines) that share no state can be applied side by side. A transient failure retries the
   * batch; any other failure sends its entries through `handle` one by one, so a bad entry is
   * retried and dead-lettered on its own; it must therefore be idempotent by entry id like `handle`.
   */
  handleBatch?: (entries: ConsumedEntry[]) => Promise<void>;
  logger: Logger;
  deadLetterStream: string;
  settings?: Partial<StreamConsumerSettings>;
  /** Called after each entry, for metrics. */
  onEntry?: (result: { stream: string; outcome: "processed" | "failed" | "dead-lettered"; ms: number }) => void;
}

export interface StreamConsumerSettings {
  /** Entries per XREADGROUP. @default 100 */
  batchSize: number;
  /** How long one XREADGROUP waits for new entries. @default 1000 */
  blockMs: number;
  /** A pending entry idle this long belongs to a dead or stuck consumer and is taken over. @default 30000 */
  claimIdleMs: number;
  /** How often to look for such entries. @default 5000 */
  claimIntervalMs: number;
  /** Deliveries after which an entry failing with an unclassified (not transient) error is dead-lettered. @default 5 */
  maxDeliveries: number;
  /** Where a new group starts reading: "0" (everything still in the stream) or "$" (only new). @default "0" */
  startId: "0" | "$";
  /** How long stop() waits for the entry being handled; after that it stays pending for a claim. @default 10000 */
  stopGraceMs: number;
  /** First wait before retrying after a transient failure; doubles per attempt, with jitter. @default 100 */
  retryInitialDelayMs: number;
  /** Longest wait between retries of a transient failure. @default 10000 */
  retryMaxDelayMs: number;
  /** The dead-letter stream keeps about this many entries (XADD MAXLEN ~). @default 10000 */
  deadLetterMaxLen: number;
  /** How often `listStreams` is asked for streams to follow (new lines). @default 30000 */
  rescanIntervalMs: number;
  /**
   * Another consumer of the group idle this long is gone (stable names mean a restarted instance
   * comes back under its old name well before): its pending entries are claimed, then it is
   * removed. @default 3600000 (one hour)
   */
  deadConsumerIdleMs: number;
}

export const STREAM_CONSUMER_DEFAULTS: Readonly<StreamConsumerSettings> = {
  batchSize: 100,
  blockMs: 1_000,
  claimIdleMs: 30_000,
  claimIntervalMs: 5_000,
  maxDeliveries: 5,
  startId: "0",
  stopGraceMs: 10_000,
  retryInitialDelayMs: 100,
  retryMaxDelayMs: 10_000,
  deadLetterMaxLen: 10_000,
  rescanIntervalMs: 30_000,
  deadConsumerIdleMs: 3_600_000,
};

export interface StreamLag {
  stream: string;
  /** Entries not yet delivered to the group (Redis 7 `lag`; null when Redis cannot tell). */
  lag: number | null;
  /** Delivered but not acknowledged. */
  pending: number;
  /** Entries MAXLEN trimmed before the group read them (Redis 7 counters; 0 when Redis cannot tell). */
  trimmedUnread: number;
}

/** What the consumer has seen since it started, for metrics and health. */
export interface StreamConsumerStats {
  /** Handler, XACK or dead-letter attempts that failed transiently and were retried. */
  transientFailures: number;
  /** Since when the consumer has been retrying a transient failure (epoch ms); null when it is not. */
  retryingSince: number | null;
  deadLettered: number;
  /** Entries delivered but trimmed by MAXLEN before they were acknowledged (XAUTOCLAIM's deleted ids). */
  trimmedBeforeAck: number;
  /** Failures of the read loop and the claim timer, each survived. */
  loopFailures: number;
}

/** A dead letter: why an entry was set aside, and the entry's fields to replay it. */
export interface DeadLetterFields {
  stream: string;
  id: string;
  group: string;
  consumer: string;
  deliveries: string;
  /** "rejected": the handler refused the entry; "kept-failing": it failed maxDeliveries times. */
  kind: "rejected" | "kept-failing";
  /** The reason, in words. */
  error: string;
  /** JSON of the original entry's fields. */
  fields: string;
  failedAt: string;
}

/** Removes a consumer from a group only while it holds no pending entry, atomically. */
const DELETE_CONSUMER_WITHOUT_PENDING = `
local pending = redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', 1, ARGV[2])
if #pending == 0 then return redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2]) end
return -1`;

function isRejection(error: unknown): error is StreamEntryRejected {
  // By code as well as class: a handler in another package may load its own copy of the class.
  return (
    error instanceof StreamEntryRejected ||
    (typeof error === "object" && error !== null && (error as { code?: unknown }).code === "STREAM_ENTRY_REJECTED")
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Thrown out of a transient retry when the consumer stops: the entries stay pending. */
class StoppedWhileRetrying extends Error {
  constructor(readonly lastError: unknown) {
    super("stopped while retrying a transient failure");
  }
}

export class StreamConsumer {
  private readonly settings: StreamConsumerSettings;
  private streams: string[];
  private blocking: RedisClient | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private claimTimer: NodeJS.Timeout | undefined;
  private rescanTimer: NodeJS.Timeout | undefined;
  private claiming: Promise<void> | undefined;
  private rescanning: Promise<void> | undefined;
  /** Serialises handling: reads and claims never run a handler concurrently. */
  private handling: Promise<void> = Promise.resolve();
  /** Entries read by this consumer and not yet settled: a claim leaves them to the read loop. */
  private readonly inFlight = new Set<string>();
  /** The last id each stream's reads returned: entries above it in our PEL came from a read cut off by stop(). */
  private readonly lastReadId = new Map<string, string>();
  /** Run by stop() after the consumer has stopped (e.g. closing a plant change subscription). */
  private readonly stopHooks: (() => Promise<void>)[] = [];
  /** Wakes every backoff wait when the consumer stops. */
  private stopWaiters = new Set<() => void>();
  readonly stats: StreamConsumerStats = {
    transientFailures: 0,
    retryingSince: null,
    deadLettered: 0,
    trimmedBeforeAck: 0,
    loopFailures: 0,
  };

  constructor(private readonly options: StreamConsumerOptions) {
    this.settings = { ...STREAM_CONSUMER_DEFAULTS, ...options.settings };
    this.streams = [...options.streams];
  }

  get group(): string {
    return this.options.group;
  }

  get deadLetterStream(): string {
    return this.options.deadLetterStream;
  }

  /** The streams being read now. */
  get followedStreams(): readonly string[] {
    return this.streams;
  }

  async start(): Promise<void> {
    if (this.options.listStreams) this.addStreams(await this.options.listStreams());
    await this.ensureGroups(this.streams);
    this.blocking = this.options.redis.duplicate();
    this.blocking.on("error", (error: Error) =>
      this.options.logger.warn({ err: error }, "stream consumer connection error"),
    );
    await this.blocking.connect();
    this.running = true;
    this.loop = this.readLoop();
    this.claimTimer = setInterval(() => {
      this.claiming ??= this.claimAbandoned()
        .catch((error: unknown) => this.loopFailed("claiming abandoned entries failed", error))
        .finally(() => {
          this.claiming = undefined;
        });
    }, this.settings.claimIntervalMs);
    if (this.options.listStreams) {
      this.rescanTimer = setInterval(() => void this.rescan(), this.settings.rescanIntervalMs);
    }
  }

  /** Stops reading; the entry being handled finishes, anything unacknowledged stays pending. */
  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.claimTimer);
    clearInterval(this.rescanTimer);
    for (const wake of this.stopWaiters) wake();
    // Ends the blocking read at once instead of waiting out BLOCK.
    this.blocking?.destroy();
    const settled = Promise.all(
      [this.loop, this.claiming, this.rescanning, this.handling].map((p) => p?.catch(() => undefined)),
    );
    await settleWithin(settled, this.settings.stopGraceMs, () => new Error("handler still running")).catch(
      (error: Error) =>
        this.options.logger.warn({ err: error }, "stopped with an entry still being handled; it stays pending"),
    );
    for (const hook of this.stopHooks.splice(0)) await hook().catch(() => undefined);
  }

  /** Runs `hook` once the consumer has stopped: what was started for it ends with it. */
  whenStopping(hook: () => Promise<void>): void {
    this.stopHooks.push(hook);
  }

  /**
   * Asks `listStreams` for the streams to follow now and reads the new ones from the next read on:
   * called on a plant change, and every rescanIntervalMs in case such a notice was missed.
   */
  rescan(): Promise<void> {
    if (!this.options.listStreams || !this.running) return Promise.resolve();
    this.rescanning ??= (async () => {
      try {
        const wanted = await this.options.listStreams!();
        const added = wanted.filter((stream) => !this.streams.includes(stream));
        if (added.length === 0) return;
        await this.ensureGroups(added);
        this.addStreams(added);
        this.options.logger.info({ streams: added }, "following new streams");
      } catch (error) {
        this.loopFailed("looking for new streams failed", error);
      }
    })().finally(() => {
      this.rescanning = undefined;
    });
    return this.rescanning;
  }

  async lag(): Promise<StreamLag[]> {
    const result: StreamLag[] = [];
    for (const stream of this.streams) {
      const groups = (await this.options.redis.xInfoGroups(stream)) as unknown as Array<Record<string, unknown>>;
      const info = groups.find((g) => g.name === this.options.group);
      const streamInfo = (await this.options.redis.xInfoStream(stream)) as unknown as Record<string, unknown>;
      const added = Number(streamInfo["entries-added"]);
      const length = Number(streamInfo.length);
      const read = Number(info?.["entries-read"]);
      // Trimming removes the oldest entries first, so whatever was removed beyond what the group
      // had read was never delivered to it.
      const trimmedUnread =
        Number.isFinite(added) && Number.isFinite(length) && Number.isFinite(read)
          ? Math.max(0, added - length - read)
          : 0;
      result.push({
        stream,
        lag: typeof info?.lag === "number" ? info.lag : null,
        pending: typeof info?.pending === "number" ? info.pending : 0,
        trimmedUnread,
      });
    }
    return result;
  }

  private addStreams(streams: readonly string[]): void {
    for (const stream of streams) if (!this.streams.includes(stream)) this.streams.push(stream);
  }

  private async ensureGroups(streams: readonly string[]): Promise<void> {
    for (const stream of streams) {
      try {
        await this.options.redis.xGroupCreate(stream, this.options.group, this.settings.startId, { MKSTREAM: true });
      } catch (error) {
        if (!(error instanceof Error && error.message.includes("BUSYGROUP"))) throw error;
      }
    }
  }

  private loopFailed(what: string, error: unknown): void {
    if (!this.running) return;
    this.stats.loopFailures++;
    this.options.logger.warn({ err: error }, `${what}; carrying on`);
  }

  /**
   * Reads while the previous read's entries are being handled: the next batch waits in the socket,
   * not behind a round trip, when the handler is done (a consumer applying 10,000 entries a second
   * spends most of its time in the handler). Entries read but not yet handled are pending like the
   * ones being handled: a crash leaves both for a claim. A transient failure holds the loop in the
   * handler's retries, so nothing more is read until it passes.
   */
  private async readLoop(): Promise<void> {
    await this.takeBackOwnPending().catch((error: unknown) =>
      this.loopFailed("taking back this consumer's pending entries failed (a claim takes them later)", error),
    );
    let failedReads = 0;
    let next: Promise<ConsumedEntry[] | undefined> = this.read();
    while (this.running) {
      const entries = await next;
      if (entries === undefined) {
        // The read failed (Redis gone, the group lost with it): wait, unless stopping, then read again.
        if (!this.running) return;
        await this.pause(this.backoffDelay(failedReads++));
        next = this.read();
        continue;
      }
      failedReads = 0;
      next = this.running ? this.read() : Promise.resolve(undefined);
      await this.settle(entries);
    }
    // Stopping: a read that already returned entries is handled, so a graceful stop leaves none pending.
    const last = await next;
    if (last && last.length > 0) await this.settle(last);
    // stop() ends the blocking read by closing its connection; Redis may already have delivered
    // entries to us on it, which are in our PEL though their reply never arrived. Handle them too.
    if (last === undefined) await this.settleDeliveredUnread();
  }

  private async settleDeliveredUnread(): Promise<void> {
    const { redis, group, consumer } = this.options;
    for (const stream of [...this.streams]) {
      const after = this.lastReadId.get(stream);
      const delivered = await redis
        .xPendingRange(stream, group, after ? `(${after}` : "-", "+", this.settings.batchSize, { consumer })
        .catch(() => []);
      for (const pending of delivered) {
        const id = String(pending.id);
        // Below the last id read are entries this run already tried (failures left for a claim).
        if (this.inFlight.has(`${stream} ${id}`)) continue;
        const message = (await redis.xRange(stream, id, id).catch(() => null))?.[0];
        if (!message) continue;
        await this.settle([
          {
            stream,
            id,
            fields: message.message,
            deliveries: Number(pending.deliveriesCounter),
            receivedAt: Date.now(),
          },
        ]);
      }
    }
  }

  /** Handles one read's entries; whatever fails stays pending for a claim, and the loop goes on. */
  private async settle(entries: ConsumedEntry[]): Promise<void> {
    try {
      await this.handleEntries(entries);
    } catch (error) {
      if (!(error instanceof StoppedWhileRetrying)) this.loopFailed("handling a read failed", error);
    } finally {
      for (const entry of entries) this.inFlight.delete(`${entry.stream} ${entry.id}`);
    }
  }

  private handleEntries(entries: ConsumedEntry[]): Promise<void> {
    if (this.options.handleBatch && entries.length > 1) return this.processBatch(entries);
    return entries.reduce<Promise<void>>(
      (previous, entry) => previous.then(() => this.process(entry)),
      Promise.resolve(),
    );
  }

  /** One XREADGROUP; undefined when it failed (logged unless stopping). */
  private async read(): Promise<ConsumedEntry[] | undefined> {
    const { group, consumer, logger } = this.options;
    if (this.streams.length === 0) {
      // No line yet: wait for a rescan to bring one.
      await this.pause(this.settings.blockMs);
      return [];
    }
    let reply: Awaited<ReturnType<RedisClient["xReadGroup"]>>;
    try {
      reply = await this.blocking!.xReadGroup(
        group,
        consumer,
        this.streams.map((key) => ({ key, id: ">" })),
        { COUNT: this.settings.batchSize, BLOCK: this.settings.blockMs },
      );
    } catch (error) {
      if (!this.running) return undefined;
      logger.warn({ err: error }, "stream read failed; retrying");
      // A Redis that restarted without its data lost the groups too: make them again.
      if (messageOf(error).includes("NOGROUP")) await this.ensureGroups(this.streams).catch(() => undefined);
      return undefined;
    }
    const receivedAt = Date.now();
    const entries = (
      (reply ?? []) as Array<{ name: string; messages: Array<{ id: string; message: Record<string, string> }> }>
    ).flatMap((stream) =>
      stream.messages.map((message) => ({
        stream: stream.name,
        id: message.id,
        fields: message.message,
        deliveries: 1,
        receivedAt,
      })),
    );
    for (const entry of entries) {
      this.inFlight.add(`${entry.stream} ${entry.id}`);
      this.lastReadId.set(entry.stream, entry.id);
    }
    return entries;
  }

  /**
   * Takes over entries pending too long with any consumer (a dead one, or our own failures), counts
   * those MAXLEN trimmed before anyone acknowledged them, and removes consumers gone for good.
   * Skipped while a transient failure lasts: the entries are ours and being retried.
   */
  private async claimAbandoned(): Promise<void> {
    const { redis, group, consumer, logger } = this.options;
    for (const stream of [...this.streams]) {
      if (!this.running || this.stats.retryingSince !== null) return;
      let cursor = "0-0";
      do {
        const claimed = await redis.xAutoClaim(stream, group, consumer, this.settings.claimIdleMs, cursor, {
          COUNT: this.settings.batchSize,
        });
        cursor = String(claimed.nextId);
        const deleted = claimed.deletedMessages ?? [];
        if (deleted.length > 0) {
          this.stats.trimmedBeforeAck += deleted.length;
          logger.error(
            { stream, group, entries: deleted.length, ids: deleted.slice(0, 20).map(String) },
            "stream entries were trimmed (MAXLEN) before they were acknowledged: their effect is lost",
          );
        }
        for (const message of claimed.messages) {
          if (!message || !this.running) continue;
          if (this.inFlight.has(`${stream} ${message.id}`)) continue;
          await this.processClaimed(stream, message.id, message.message as Record<string, string>);
        }
      } while (cursor !== "0-0" && this.running);
      await this.removeDeadConsumers(stream);
    }
  }

  /**
   * An instance restarted under its old name (a stable INSTANCE_ID) finds the entries it held when
   * it died still pending under that name: it handles them first, oldest first, instead of leaving
   * them until a claim finds them idle for claimIdleMs (30 s of a line standing still on screen).
   */
  private async takeBackOwnPending(): Promise<void> {
    const { redis, group, consumer } = this.options;
    for (const stream of [...this.streams]) {
      let after = "-";
      while (this.running) {
        const held = await redis.xPendingRange(stream, group, after, "+", this.settings.batchSize, { consumer });
        if (held.length === 0) break;
        const ids = held.map((p) => String(p.id));
        after = `(${ids[ids.length - 1]}`;
        const claimed = await redis.xClaim(stream, group, consumer, 0, ids);
        // Entries whose data was trimmed come back empty from XCLAIM (and leave the PEL): counted.
        const trimmed = ids.length - claimed.filter(Boolean).length;
        if (trimmed > 0) this.stats.trimmedBeforeAck += trimmed;
        for (const message of claimed) {
          if (!message || !this.running) continue;
          this.inFlight.add(`${stream} ${message.id}`);
          try {
            await this.processClaimed(stream, message.id, message.message as Record<string, string>);
          } finally {
            this.inFlight.delete(`${stream} ${message.id}`);
          }
        }
      }
    }
  }

  private async processClaimed(stream: string, id: string, fields: Record<string, string>): Promise<void> {
    const { redis, group } = this.options;
    const [pending] = await redis.xPendingRange(stream, group, id, id, 1);
    await this.process({
      stream,
      id,
      fields,
      deliveries: Number(pending?.deliveriesCounter ?? 1),
      receivedAt: Date.now(),
    }).catch((error: unknown) => {
      if (!(error instanceof StoppedWhileRetrying)) throw error;
    });
  }

  /**
   * A consumer idle past deadConsumerIdleMs gets its pending entries claimed and handled here, and
   * is removed only once it holds none (checked and removed atomically, so nothing is dropped).
   */
  private async removeDeadConsumers(stream: string): Promise<void> {
    const { redis, group, consumer, logger } = this.options;
    const consumers = (await redis.xInfoConsumers(stream, group)) as unknown as Array<Record<string, unknown>>;
    for (const info of consumers) {
      const name = String(info.name);
      if (name === consumer || Number(info.idle) < this.settings.deadConsumerIdleMs || !this.running) continue;
      const held = await redis.xPendingRange(stream, group, "-", "+", this.settings.batchSize, { consumer: name });
      if (held.length > 0) {
        const ids = held.map((p) => String(p.id));
        const claimed = await redis.xClaim(stream, group, consumer, 0, ids);
        for (const message of claimed) {
          if (message) await this.processClaimed(stream, message.id, message.message as Record<string, string>);
        }
        // Entries whose data was trimmed come back empty from XCLAIM (and leave the PEL): counted.
        const trimmed = ids.length - claimed.filter(Boolean).length;
        if (trimmed > 0) this.stats.trimmedBeforeAck += trimmed;
      }
      const removed = await redis.eval(DELETE_CONSUMER_WITHOUT_PENDING, { keys: [stream], arguments: [group, name] });
      if (Number(removed) >= 0) logger.info({ stream, group, consumer: name }, "removed a consumer gone for good");
    }
  }

  private process(entry: ConsumedEntry): Promise<void> {
    const run = this.handling.then(() => this.handleOne(entry));
    this.handling = run.catch(() => undefined);
    return run;
  }

  private processBatch(entries: ConsumedEntry[]): Promise<void> {
    const run = this.handling.then(() => this.handleBatch(entries));
    this.handling = run.catch(() => undefined);
    return run;
  }

  /** Capped exponential backoff with jitter (half to all of the capped delay). */
  private backoffDelay(attempt: number): number {
    const capped = Math.min(this.settings.retryMaxDelayMs, this.settings.retryInitialDelayMs * 2 ** attempt);
    return capped / 2 + Math.random() * (capped / 2);
  }

  /** Waits `ms`, or less when the consumer stops. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.stopWaiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.stopWaiters.add(wake);
      if (!this.running) wake();
    });
  }

  /**
   * Runs `work` until it succeeds or fails for a reason other than a transient one, waiting with
   * backoff between attempts. Stopping ends the retries with StoppedWhileRetrying.
   */
  private async retryingTransient<T>(what: string, work: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await work();
        if (attempt > 0) {
          this.options.logger.info({ what, attempts: attempt + 1 }, "transient failure over; carrying on");
          this.stats.retryingSince = null;
        }
        return result;
      } catch (error) {
        if (!isTransientError(error)) {
          this.stats.retryingSince = null;
          throw error;
        }
        if (!this.running) throw new StoppedWhileRetrying(error);
        this.stats.transientFailures++;
        this.stats.retryingSince ??= Date.now();
        if (attempt === 0 || attempt % 10 === 0) {
          this.options.logger.warn(
            { err: error, what, attempt: attempt + 1 },
            "transient failure; holding the entries and retrying",
          );
        }
        await this.pause(this.backoffDelay(attempt));
        if (!this.running) throw new StoppedWhileRetrying(error);
      }
    }
  }

  private async handleBatch(entries: ConsumedEntry[]): Promise<void> {
    const { redis, group, logger } = this.options;
    const started = performance.now();
    try {
      await this.retryingTransient("applying a batch", () => this.options.handleBatch!(entries));
    } catch (error) {
      if (error instanceof StoppedWhileRetrying) throw error;
      logger.warn({ err: error, entries: entries.length }, "stream batch failed; handling its entries one by one");
      for (const entry of entries) await this.handleOne(entry);
      return;
    }
    const idsByStream = new Map<string, string[]>();
    for (const entry of entries) {
      const ids = idsByStream.get(entry.stream) ?? [];
      ids.push(entry.id);
      idsByStream.set(entry.stream, ids);
    }
    // Side by side: the client pipelines them, one round trip for every stream of the batch.
    await this.retryingTransient("acknowledging a batch", () =>
      Promise.all([...idsByStream].map(([stream, ids]) => redis.xAck(stream, group, ids))),
    );
    const ms = (performance.now() - started) / entries.length;
    for (const entry of entries) this.options.onEntry?.({ stream: entry.stream, outcome: "processed", ms });
  }

  private async handleOne(entry: ConsumedEntry): Promise<void> {
    const { redis, group, handle, logger } = this.options;
    const started = performance.now();
    try {
      await this.retryingTransient("applying an entry", () => handle(entry));
    } catch (error) {
      if (error instanceof StoppedWhileRetrying) throw error;
      const message = messageOf(error);
      if (isRejection(error) || entry.deliveries >= this.settings.maxDeliveries) {
        await this.deadLetter(entry, isRejection(error) ? "rejected" : "kept-failing", message);
        this.options.onEntry?.({ stream: entry.stream, outcome: "dead-lettered", ms: performance.now() - started });
      } else {
        // Left pending: reclaimed after claimIdleMs and retried.
        logger.warn(
          { stream: entry.stream, id: entry.id, deliveries: entry.deliveries, error: message },
          "stream entry failed; will retry",
        );
        this.options.onEntry?.({ stream: entry.stream, outcome: "failed", ms: performance.now() - started });
      }
      return;
    }
    await this.retryingTransient("acknowledging an entry", () => redis.xAck(entry.stream, group, entry.id));
    this.options.onEntry?.({ stream: entry.stream, outcome: "processed", ms: performance.now() - started });
  }

  private async deadLetter(entry: ConsumedEntry, kind: DeadLetterFields["kind"], reason: string): Promise<void> {
    const { redis, group, consumer, logger, deadLetterStream } = this.options;
    const letter: DeadLetterFields = {
      stream: entry.stream,
      id: entry.id,
      group,
      consumer,
      deliveries: String(entry.deliveries),
      kind,
      error: reason,
      fields: JSON.stringify(entry.fields),
      failedAt: new Date().toISOString(),
    };
    // Dead-letter first, then acknowledge: a crash in between only duplicates the dead letter.
    await this.retryingTransient("dead-lettering an entry", () =>
      redis.xAdd(
        deadLetterStream,
        "*",
        { ...letter },
        {
          TRIM: { strategy: "MAXLEN", strategyModifier: "~", threshold: this.settings.deadLetterMaxLen },
        },
      ),
    );
    await this.retryingTransient("acknowledging a dead letter", () => redis.xAck(entry.stream, group, entry.id));
    this.stats.deadLettered++;
    logger.error(
      { stream: entry.stream, id: entry.id, deliveries: entry.deliveries, kind, error: reason },
      "stream entry dead-lettered",
    );
  }
}
