// Publishes the bridge's entries to Redis streams in order, with a per-PLC sequence number. While
// Redis is healthy entries go straight out in pipelined XADDs; when it is down or slower than the
// send timeout they go to the disk buffer, and are replayed from there, oldest first, before
// anything newer. After any send whose outcome is unknown, the publisher asks Redis how far each
// PLC's entries got (XREVRANGE) and skips those, so a replay does not duplicate them.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type Logger, type RedisClient, settleWithin } from "@ms5/kit";
import { STREAM_OF_ENTRY, STREAM_SCHEMA_VERSION, streamKey } from "@ms5/schema";
import type { BufferedEntry, DiskBuffer } from "./disk-buffer.ts";
import type { UnsequencedEntry } from "./equipment-signal-processor.ts";

export interface StreamPublisherOptions {
  redis: RedisClient;
  buffer: DiskBuffer;
  /** Where the last sequence number per PLC is kept between runs (the buffer's folder). */
  stateDir: string;
  logger: Logger;
  /** Key prefix of every stream. @default "ms5:" */
  keyPrefix?: string;
  /** Approximate MAXLEN of each stream (XADD MAXLEN ~). @default 1_000_000 */
  maxLen?: number;
  /** Entries per pipelined send. @default 1_000 */
  maxBatch?: number;
  /** A send that takes longer counts as failed: Redis is "slow", entries go to disk. @default 2_000 */
  sendTimeoutMs?: number;
  /** How far back to look in a stream for what already arrived. @default 10_000 */
  reconcileWindow?: number;
  /** Called after every send attempt, for metrics. */
  onSend?: (result: { entries: number; ok: boolean; ms: number; fromBuffer: boolean }) => void;
}

export class StreamPublisher {
  private readonly queue: BufferedEntry[] = [];
  private readonly nextSeq = new Map<string, number>();
  private flushing: Promise<void> | undefined;
  private flushRequested = false;
  private needsReconcile = true;
  private stopped = false;
  private readonly keyPrefix: string;
  private readonly maxLen: number;
  private readonly maxBatch: number;
  private readonly sendTimeoutMs: number;
  private readonly reconcileWindow: number;
  private readonly stateFile: string;
  published = 0;

  constructor(private readonly options: StreamPublisherOptions) {
    this.keyPrefix = options.keyPrefix ?? "ms5:";
    this.maxLen = options.maxLen ?? 1_000_000;
    this.maxBatch = options.maxBatch ?? 1_000;
    this.sendTimeoutMs = options.sendTimeoutMs ?? 2_000;
    this.reconcileWindow = options.reconcileWindow ?? 10_000;
    this.stateFile = path.join(options.stateDir, "sequence.json");
    this.loadSequenceState();
  }

  /** Entries waiting in memory (not yet sent, not yet on disk). */
  get queued(): number {
    return this.queue.length;
  }

  /** The next sequence number this PLC's next entry will get. */
  peekNextSeq(plc: string): number {
    return this.nextSeq.get(plc) ?? 1;
  }

  /** Sequence-numbers `entries` for `plc` (in order) and schedules them for Redis. */
  publish(plc: string, entries: readonly UnsequencedEntry[]): void {
    if (entries.length === 0) return;
    let seq = this.peekNextSeq(plc);
    for (const entry of entries) {
      this.queue.push({
        key: streamKey(entry.line, STREAM_OF_ENTRY[entry.type], this.keyPrefix),
        plc,
        seq,
        fields: {
          v: STREAM_SCHEMA_VERSION,
          type: entry.type,
          plc,
          seq: String(seq),
          equipment: entry.equipment,
          line: entry.line,
          ts: String(entry.ts),
          ...entry.fields,
        },
      });
      seq++;
    }
    this.nextSeq.set(plc, seq);
    this.requestFlush();
  }

  /** Starts a flush unless one is running; a running one goes round again. */
  requestFlush(): void {
    this.flushRequested = true;
    if (!this.flushing) {
      this.flushing = this.flushLoop().finally(() => {
        this.flushing = undefined;
      });
    }
  }

  /** Resolves when everything published so far is in Redis or on disk. */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  /** Final flush; what Redis does not take in time goes to disk. */
  async stop(): Promise<void> {
    this.requestFlush();
    await this.drain();
    this.stopped = true;
    if (this.queue.length > 0) this.options.buffer.append(this.queue.splice(0));
    this.saveSequenceState();
  }

  private async flushLoop(): Promise<void> {
    const { buffer } = this.options;
    while (this.flushRequested) {
      this.flushRequested = false;
      for (;;) {
        if (buffer.depth > 0) {
          // Order: what is on disk is older than anything in memory.
          if (this.queue.length > 0) buffer.append(this.queue.splice(0));
          if (!this.redisReady()) return;
          const { entries, next } = buffer.peek(this.maxBatch);
          if (entries.length === 0) return;
          if (!(await this.send(entries, true))) return this.retryLater();
          buffer.ack(next);
          this.saveSequenceState();
        } else if (this.queue.length > 0) {
          if (!this.redisReady()) {
            buffer.append(this.queue.splice(0));
            return this.retryLater();
          }
          const batch = this.queue.splice(0, this.maxBatch);
          if (!(await this.send(batch, false))) {
            // The failed batch is older than what queued meanwhile.
            buffer.append(batch);
            buffer.append(this.queue.splice(0));
            return this.retryLater();
          }
          this.saveSequenceState();
        } else {
          break;
        }
      }
    }
  }

  private retryLater(): void {
    if (this.stopped) return;
    setTimeout(() => this.requestFlush(), 500).unref();
  }

  private redisReady(): boolean {
    return this.options.redis.isReady;
  }

  /** XADDs `entries` in one pipeline; false when Redis failed or was too slow. */
  private async send(entries: BufferedEntry[], fromBuffer: boolean): Promise<boolean> {
    const started = performance.now();
    const { redis, logger } = this.options;
    try {
      if (this.needsReconcile) {
        entries = await this.withTimeout(this.skipDelivered(entries));
        this.needsReconcile = false;
      }
      const trim = { TRIM: { strategy: "MAXLEN" as const, strategyModifier: "~" as const, threshold: this.maxLen } };
      // One explicit pipeline (not MULTI): a single write and one reply array, about twice the rate
      // of issuing the XADDs as separate commands.
      const pipeline = redis.multi();
      for (const e of entries) pipeline.xAdd(e.key, "*", e.fields, trim);
      const replies = await this.withTimeout(pipeline.execAsPipeline());
      const failed = replies.find((reply) => reply instanceof Error);
      if (failed) throw failed;
      this.published += entries.length;
      this.options.onSend?.({ entries: entries.length, ok: true, ms: performance.now() - started, fromBuffer });
      return true;
    } catch (error) {
      // Some XADDs may have landed: find out before the next send.
      this.needsReconcile = true;
      logger.warn(
        { err: error, entries: entries.length, fromBuffer },
        "redis did not take the batch; buffering on disk",
      );
      this.options.onSend?.({ entries: entries.length, ok: false, ms: performance.now() - started, fromBuffer });
      return false;
    }
  }

  /** Drops entries Redis already has: per stream, the highest seq each PLC reached there. */
  private async skipDelivered(entries: BufferedEntry[]): Promise<BufferedEntry[]> {
    const keys = [...new Set(entries.map((e) => e.key))];
    const delivered = new Map<string, number>();
    for (const key of keys) {
      const recent = await this.options.redis.xRevRange(key, "+", "-", { COUNT: this.reconcileWindow });
      for (const { message } of recent ?? []) {
        const plc = message.plc;
        const seq = Number(message.seq);
        if (plc && Number.isFinite(seq) && seq > (delivered.get(`${key}|${plc}`) ?? 0))
          delivered.set(`${key}|${plc}`, seq);
      }
    }
    return entries.filter((e) => e.seq > (delivered.get(`${e.key}|${e.plc}`) ?? 0));
  }

  private withTimeout<T>(promise: Promise<T>): Promise<T> {
    return settleWithin(
      promise,
      this.sendTimeoutMs,
      () => new Error(`redis took longer than ${this.sendTimeoutMs} ms`),
    );
  }

  /**
   * Sequence numbers continue across restarts: the highest of what was saved after the last
   * successful send and what the disk buffer holds.
   */
  private loadSequenceState(): void {
    let saved: Record<string, number> = {};
    try {
      saved = JSON.parse(readFileSync(this.stateFile, "utf8")) as Record<string, number>;
    } catch {
      // First run: nothing saved yet.
    }
    for (const [plc, last] of Object.entries(saved)) this.nextSeq.set(plc, last + 1);
    for (const [plc, last] of this.options.buffer.lastSeqByPlc) {
      if (last + 1 > this.peekNextSeq(plc)) this.nextSeq.set(plc, last + 1);
    }
  }

  private saveSequenceState(): void {
    const state: Record<string, number> = {};
    for (const [plc, next] of this.nextSeq) state[plc] = next - 1;
    writeFileSync(`${this.stateFile}.tmp`, JSON.stringify(state));
    renameSync(`${this.stateFile}.tmp`, this.stateFile);
  }
}
