// Reads Redis streams through a consumer group, one entry at a time in stream order, and
// acknowledges an entry only after its handler has committed the entry's effect. Entries left
// pending by a consumer that died are reclaimed (XAUTOCLAIM) by the living; an entry that keeps
// failing goes to a dead-letter stream with its error instead of blocking its stream forever.
// Handlers must be idempotent by entry id: a crash between commit and XACK redelivers the entry.
import type { Logger } from "./logger.ts";
import type { RedisClient } from "./redis-client.ts";
import { settleWithin } from "./settle-within.ts";

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
  streams: readonly string[];
  group: string;
  /** Unique per process, stable across restarts of the same instance (e.g. host + instance name). */
  consumer: string;
  /** Commits the entry's effect; throws to have it retried. */
  handle: (entry: ConsumedEntry) => Promise<void>;
  /**
   * Commits the effects of the entries one read returned (from any of the streams, each stream's in
   * order), acknowledged afterwards with one XACK per stream. Optional: one round trip per batch
   * instead of per entry is what lets a consumer keep up with thousands of entries a second, and
   * streams (lines) that share no state can be applied side by side. When it throws, the entries go
   * through `handle` one by one, so a bad entry is retried and dead-lettered on its own; it must
   * therefore be idempotent by entry id like `handle`.
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
  /** Deliveries after which a failing entry goes to the dead-letter stream. @default 5 */
  maxDeliveries: number;
  /** Where a new group starts reading: "0" (everything still in the stream) or "$" (only new). @default "0" */
  startId: "0" | "$";
  /** How long stop() waits for the entry being handled; after that it stays pending for a claim. @default 10000 */
  stopGraceMs: number;
}

export const STREAM_CONSUMER_DEFAULTS: Readonly<StreamConsumerSettings> = {
  batchSize: 100,
  blockMs: 1_000,
  claimIdleMs: 30_000,
  claimIntervalMs: 5_000,
  maxDeliveries: 5,
  startId: "0",
  stopGraceMs: 10_000,
};

export interface StreamLag {
  stream: string;
  /** Entries not yet delivered to the group (Redis 7 `lag`; null when Redis cannot tell). */
  lag: number | null;
  /** Delivered but not acknowledged. */
  pending: number;
}

export class StreamConsumer {
  private readonly settings: StreamConsumerSettings;
  private blocking: RedisClient | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private claimTimer: NodeJS.Timeout | undefined;
  private claiming: Promise<void> | undefined;
  /** Serialises handling: reads and claims never run a handler concurrently. */
  private handling: Promise<void> = Promise.resolve();

  constructor(private readonly options: StreamConsumerOptions) {
    this.settings = { ...STREAM_CONSUMER_DEFAULTS, ...options.settings };
  }

  async start(): Promise<void> {
    const { redis, streams, group } = this.options;
    for (const stream of streams) {
      try {
        await redis.xGroupCreate(stream, group, this.settings.startId, { MKSTREAM: true });
      } catch (error) {
        if (!(error instanceof Error && error.message.includes("BUSYGROUP"))) throw error;
      }
    }
    this.blocking = redis.duplicate();
    this.blocking.on("error", (error: Error) =>
      this.options.logger.warn({ err: error }, "stream consumer connection error"),
    );
    await this.blocking.connect();
    this.running = true;
    this.loop = this.readLoop();
    this.claimTimer = setInterval(() => {
      this.claiming ??= this.claimAbandoned().finally(() => {
        this.claiming = undefined;
      });
    }, this.settings.claimIntervalMs);
  }

  /** Stops reading; the entry being handled finishes, anything unacknowledged stays pending. */
  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.claimTimer);
    // Ends the blocking read at once instead of waiting out BLOCK.
    this.blocking?.destroy();
    const settled = Promise.all([this.loop, this.claiming, this.handling].map((p) => p?.catch(() => undefined)));
    await settleWithin(settled, this.settings.stopGraceMs, () => new Error("handler still running")).catch(
      (error: Error) =>
        this.options.logger.warn({ err: error }, "stopped with an entry still being handled; it stays pending"),
    );
  }

  async lag(): Promise<StreamLag[]> {
    const result: StreamLag[] = [];
    for (const stream of this.options.streams) {
      const groups = (await this.options.redis.xInfoGroups(stream)) as unknown as Array<Record<string, unknown>>;
      const info = groups.find((g) => g.name === this.options.group);
      result.push({
        stream,
        lag: typeof info?.lag === "number" ? info.lag : null,
        pending: typeof info?.pending === "number" ? info.pending : 0,
      });
    }
    return result;
  }

  /**
   * Reads while the previous read's entries are being handled: the next batch waits in the socket,
   * not behind a round trip, when the handler is done (a consumer applying 10,000 entries a second
   * spends most of its time in the handler). Entries read but not yet handled are pending like the
   * ones being handled: a crash leaves both for a claim.
   */
  private async readLoop(): Promise<void> {
    let next: Promise<ConsumedEntry[] | undefined> = this.read();
    while (this.running) {
      const entries = await next;
      if (entries === undefined) {
        // The read failed: wait a little before the next, unless stopping.
        if (!this.running) return;
        await new Promise((resolve) => setTimeout(resolve, 500));
        next = this.read();
        continue;
      }
      next = this.running ? this.read() : Promise.resolve(undefined);
      await this.handleEntries(entries);
    }
    // Stopping: a read that already returned entries is handled, so a graceful stop leaves none pending.
    const last = await next;
    if (last && last.length > 0) await this.handleEntries(last);
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
    const { group, consumer, streams, logger } = this.options;
    let reply: Awaited<ReturnType<RedisClient["xReadGroup"]>>;
    try {
      reply = await this.blocking!.xReadGroup(
        group,
        consumer,
        streams.map((key) => ({ key, id: ">" })),
        { COUNT: this.settings.batchSize, BLOCK: this.settings.blockMs },
      );
    } catch (error) {
      if (this.running) logger.warn({ err: error }, "stream read failed; retrying");
      return undefined;
    }
    const receivedAt = Date.now();
    return (
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
  }

  /** Takes over entries pending too long with any consumer (a dead one, or our own failures). */
  private async claimAbandoned(): Promise<void> {
    const { redis, group, consumer, streams } = this.options;
    for (const stream of streams) {
      let cursor = "0-0";
      do {
        const claimed = await redis.xAutoClaim(stream, group, consumer, this.settings.claimIdleMs, cursor, {
          COUNT: this.settings.batchSize,
        });
        cursor = String(claimed.nextId);
        for (const message of claimed.messages) {
          if (!message || !this.running) continue;
          const [pending] = await redis.xPendingRange(stream, group, message.id, message.id, 1);
          await this.process({
            stream,
            id: message.id,
            fields: message.message as Record<string, string>,
            deliveries: Number(pending?.deliveriesCounter ?? 1),
            receivedAt: Date.now(),
          });
        }
      } while (cursor !== "0-0" && this.running);
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

  private async handleBatch(entries: ConsumedEntry[]): Promise<void> {
    const { redis, group, logger } = this.options;
    const started = performance.now();
    try {
      await this.options.handleBatch!(entries);
    } catch (error) {
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
    await Promise.all([...idsByStream].map(([stream, ids]) => redis.xAck(stream, group, ids)));
    const ms = (performance.now() - started) / entries.length;
    for (const entry of entries) this.options.onEntry?.({ stream: entry.stream, outcome: "processed", ms });
  }

  private async handleOne(entry: ConsumedEntry): Promise<void> {
    const { redis, group, handle, logger, deadLetterStream } = this.options;
    const started = performance.now();
    try {
      await handle(entry);
      await redis.xAck(entry.stream, group, entry.id);
      this.options.onEntry?.({ stream: entry.stream, outcome: "processed", ms: performance.now() - started });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (entry.deliveries >= this.settings.maxDeliveries) {
        // Dead-letter first, then acknowledge: a crash in between only duplicates the dead letter.
        await redis.xAdd(deadLetterStream, "*", {
          stream: entry.stream,
          id: entry.id,
          group,
          deliveries: String(entry.deliveries),
          error: message,
          fields: JSON.stringify(entry.fields),
          failedAt: new Date().toISOString(),
        });
        await redis.xAck(entry.stream, group, entry.id);
        logger.error(
          { stream: entry.stream, id: entry.id, deliveries: entry.deliveries, error: message },
          "stream entry dead-lettered",
        );
        this.options.onEntry?.({ stream: entry.stream, outcome: "dead-lettered", ms: performance.now() - started });
      } else {
        // Left pending: reclaimed after claimIdleMs and retried.
        logger.warn(
          { stream: entry.stream, id: entry.id, deliveries: entry.deliveries, error: message },
          "stream entry failed; will retry",
        );
        this.options.onEntry?.({ stream: entry.stream, outcome: "failed", ms: performance.now() - started });
      }
    }
  }
}
