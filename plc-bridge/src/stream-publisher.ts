// Publishes the bridge's entries to Redis streams in order, numbered per PLC within a bridge epoch.
// While Redis is healthy entries go straight out in pipelined XADDs; when it is down or slower than
// the send timeout they go to the disk buffer, and are replayed from there, oldest first, before
// anything newer. After any send whose outcome is unknown, the publisher asks Redis how far each
// PLC's entries of this epoch got (XREVRANGE) and skips those, so a replay does not duplicate them.
//
// The sequence state (epoch, last sequence number per PLC, last counter totals per equipment) is
// made durable before entries leave memory, so a restart never reuses a number Redis already holds.
// A state that is missing, unreadable or could not be kept current is never resumed: the next start
// opens a new epoch, and entries of one epoch are never mistaken for another's.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { type Logger, type RedisClient, settleWithin } from "@ms5/kit";
import { STREAM_OF_ENTRY, STREAM_SCHEMA_VERSION, streamKey } from "@ms5/schema";
import type { BufferedCounterTotals, BufferedEntry, DiskBuffer } from "./disk-buffer.ts";
import { fsyncDirectory, replaceFileDurably, replaceFileDurablyAsync } from "./durable-file.ts";
import type { UnsequencedEntry } from "./equipment-signal-processor.ts";

/** The PLC counters as last published for one equipment. */
export interface CounterTotals {
  good?: number;
  reject?: number;
  /** Sequence number of the counts entry these totals come from (within the state's epoch). */
  seq?: number;
}

export interface StreamPublisherOptions {
  redis: RedisClient;
  buffer: DiskBuffer;
  /** Where the sequence state is kept between runs (the buffer's folder). */
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
  /**
   * Entries kept in memory when neither Redis nor the disk takes them (a full disk while Redis is
   * down); beyond it the oldest are dropped and counted. @default 200_000
   */
  maxQueued?: number;
  /** Called after every send attempt, for metrics. */
  onSend?: (result: { entries: number; ok: boolean; ms: number; fromBuffer: boolean }) => void;
  /** Entries a replay found already in Redis and did not send again. */
  onAlreadyDelivered?: (count: number) => void;
  /** Entries dropped from memory because neither Redis nor the disk took them. */
  onDrop?: (count: number) => void;
  /** The sequence state could not be made durable (a full disk): the next start opens a new epoch. */
  onStateWriteFailure?: (error: unknown) => void;
}

interface SequenceState {
  epoch: string;
  lastSeq: Record<string, number>;
  counters: Record<string, CounterTotals>;
}

export class StreamPublisher {
  private queue: BufferedEntry[] = [];
  private readonly nextSeq = new Map<string, number>();
  /** The state as last made durable (or as loaded), extended by what leaves memory. */
  private readonly durable: SequenceState;
  private readonly restoredCounters: ReadonlyMap<string, CounterTotals>;
  /** Whether the file on disk names the current epoch (and so must cover every number sent in it). */
  private stateOnDisk = false;
  /** Per epoch|plc: the highest seq this process saw Redis take, so nothing is sent twice. */
  private readonly sentSeq = new Map<string, number>();
  private epochId: string;
  private flushing: Promise<void> | undefined;
  private flushRequested = false;
  private needsReconcile = true;
  private stopped = false;
  private readonly keyPrefix: string;
  private readonly maxLen: number;
  private readonly maxBatch: number;
  private readonly sendTimeoutMs: number;
  private readonly reconcileWindow: number;
  private readonly maxQueued: number;
  private readonly stateFile: string;
  published = 0;
  /** Entries dropped from memory (neither Redis nor the disk took them). */
  dropped = 0;

  constructor(private readonly options: StreamPublisherOptions) {
    this.keyPrefix = options.keyPrefix ?? "ms5:";
    this.maxLen = options.maxLen ?? 1_000_000;
    this.maxBatch = options.maxBatch ?? 1_000;
    this.sendTimeoutMs = options.sendTimeoutMs ?? 2_000;
    this.reconcileWindow = options.reconcileWindow ?? 10_000;
    this.maxQueued = options.maxQueued ?? 200_000;
    this.stateFile = path.join(options.stateDir, "sequence.json");
    const loaded = this.loadSequenceState();
    this.epochId = loaded.epoch;
    this.durable = loaded;
    this.restoredCounters = new Map(Object.entries(loaded.counters));
  }

  /** The bridge epoch entries are published under now (field `epoch`). */
  get epoch(): string {
    return this.epochId;
  }

  /** Entries waiting in memory (not yet sent, not yet on disk). */
  get queued(): number {
    return this.queue.length;
  }

  /** The next sequence number this PLC's next entry will get. */
  peekNextSeq(plc: string): number {
    return this.nextSeq.get(plc) ?? 1;
  }

  /** The counter totals last published for `equipment` before this start, if the state was resumed. */
  savedCounterTotals(equipment: string): CounterTotals | undefined {
    return this.restoredCounters.get(equipment);
  }

  /**
   * The totals each equipment's first reading after this start counts from, chosen among three
   * records of them: the newest counts entry in the disk buffer (it will be delivered), the newest
   * in Redis (what consumers were given), and the saved state. The saved state can be ahead of both:
   * it is written before a send, so a crash between the two leaves totals that no entry carried, and
   * counting from them would lose those units for good; with the buffer folder wiped it is gone
   * altogether. So the newer of buffer and Redis wins, and the saved state serves only when neither
   * knows the equipment (Redis unreachable at start, or its entries trimmed away).
   */
  async counterTotalsAtStart(
    equipment: readonly { code: string; line: string }[],
  ): Promise<Map<string, CounterTotals | undefined>> {
    const delivered = await this.deliveredCounterTotals(equipment);
    const chosen = new Map<string, CounterTotals | undefined>();
    for (const { code } of equipment) {
      const buffered = this.options.buffer.lastCountsByEquipment.get(code);
      const inRedis = delivered.get(code);
      const newest = buffered && inRedis ? (isNewer(buffered, inRedis) ? buffered : inRedis) : (buffered ?? inRedis);
      chosen.set(
        code,
        newest
          ? {
              seq: newest.seq,
              ...(newest.good === undefined ? {} : { good: newest.good }),
              ...(newest.reject === undefined ? {} : { reject: newest.reject }),
            }
          : this.restoredCounters.get(code),
      );
    }
    return chosen;
  }

  /** The newest counts entry Redis holds per equipment, looking back `reconcileWindow` entries per line. */
  private async deliveredCounterTotals(
    equipment: readonly { code: string; line: string }[],
  ): Promise<Map<string, BufferedCounterTotals>> {
    const found = new Map<string, BufferedCounterTotals>();
    if (!this.redisReady()) return found;
    const byLine = new Map<string, Set<string>>();
    for (const { code, line } of equipment) byLine.set(line, (byLine.get(line) ?? new Set()).add(code));
    try {
      for (const [line, codes] of byLine) {
        const key = streamKey(line, STREAM_OF_ENTRY.counts, this.keyPrefix);
        let end = "+";
        let looked = 0;
        while (codes.size > 0 && looked < this.reconcileWindow) {
          const page = await this.withTimeout(
            this.options.redis.xRevRange(key, end, "-", { COUNT: Math.min(1_000, this.reconcileWindow - looked) }),
          );
          if (!page || page.length === 0) break;
          for (const { message } of page) {
            const code = message.equipment;
            if (message.type !== "counts" || !code || !codes.has(code)) continue;
            codes.delete(code);
            const totals: BufferedCounterTotals = { epoch: message.epoch ?? "", seq: Number(message.seq) || 0 };
            const good = Number(message.goodTotal || Number.NaN);
            const reject = Number(message.rejectTotal || Number.NaN);
            if (Number.isFinite(good)) totals.good = good;
            if (Number.isFinite(reject)) totals.reject = reject;
            found.set(code, totals);
          }
          looked += page.length;
          end = `(${page.at(-1)!.id}`;
        }
      }
    } catch (error) {
      this.options.logger.warn({ err: error }, "could not read the delivered counter totals; using the saved ones");
    }
    return found;
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
          epoch: this.epochId,
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
    this.boundQueue();
    this.requestFlush();
  }

  /** Starts a flush unless one is running; a running one goes round again. */
  requestFlush(): void {
    this.flushRequested = true;
    if (!this.flushing) {
      this.flushing = this.flushLoop()
        .catch((error: unknown) => {
          this.options.logger.error({ err: error }, "stream publisher flush failed; retrying");
          this.retryLater();
        })
        .finally(() => {
          this.flushing = undefined;
        });
    }
  }

  /** Resolves when everything published so far is in Redis or on disk (or kept in memory, the disk refusing it). */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  /** Final flush; what Redis does not take in time goes to disk. */
  async stop(): Promise<void> {
    this.requestFlush();
    await this.drain();
    this.stopped = true;
    if (this.queue.length > 0) this.spill();
    this.saveSequenceStateSync();
  }

  private async flushLoop(): Promise<void> {
    const { buffer } = this.options;
    while (this.flushRequested) {
      this.flushRequested = false;
      for (;;) {
        if (buffer.depth > 0) {
          // Order: what is on disk is older than anything in memory.
          if (this.queue.length > 0) this.spill();
          if (!this.redisReady()) return;
          const { entries, next } = buffer.peek(this.maxBatch);
          if (entries.length > 0 && !(await this.send(entries, true))) return this.retryLater();
          buffer.ack(next);
          if (entries.length === 0) break;
        } else if (this.queue.length > 0) {
          if (!this.redisReady()) {
            this.spill();
            return this.retryLater();
          }
          const batch = this.queue.splice(0, this.maxBatch);
          await this.claimDurably(batch);
          if (!(await this.send(batch, false))) {
            // The failed batch is older than what queued meanwhile.
            this.queue = batch.concat(this.queue);
            this.spill();
            return this.retryLater();
          }
        } else {
          break;
        }
      }
    }
  }

  /**
   * Moves the queue to the disk buffer. What the disk refuses (full) stays at the front of the
   * queue, so order holds, and goes out when Redis takes it or the disk has room again. The records
   * carry their numbers and totals, so the state is written after the append (synchronously, while
   * Redis is away): a crash in between leaves the buffer ahead of the state, which a restart reads.
   */
  private spill(): void {
    const leaving = this.queue;
    this.queue = [];
    // The epoch itself must be on disk before anything of it is, or a restart could not resume it.
    if (!this.stateOnDisk) this.saveSequenceStateSync(leaving);
    const written = this.options.buffer.append(leaving);
    if (written < leaving.length) this.queue = leaving.slice(written).concat(this.queue);
    if (this.claim(leaving.slice(0, written))) this.saveSequenceStateSync();
  }

  /** Memory is the last resort: past its bound the oldest entries go, counted (seq gaps show them too). */
  private boundQueue(): void {
    const excess = this.queue.length - this.maxQueued;
    if (excess <= 0) return;
    this.queue.splice(0, excess);
    this.dropped += excess;
    this.options.onDrop?.(excess);
    this.options.logger.error(
      { count: excess },
      "neither Redis nor the disk takes entries: oldest dropped from memory",
    );
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
      const offered = entries.length;
      if (this.needsReconcile) {
        entries = await this.withTimeout(this.skipDelivered(entries));
        this.needsReconcile = false;
      }
      entries = entries.filter((e) => e.seq > (this.sentSeq.get(sentKey(e)) ?? 0));
      if (entries.length < offered) {
        this.options.onAlreadyDelivered?.(offered - entries.length);
        logger.info({ skipped: offered - entries.length }, "entries already in Redis not sent again");
      }
      if (entries.length > 0) {
        const trim = { TRIM: { strategy: "MAXLEN" as const, strategyModifier: "~" as const, threshold: this.maxLen } };
        // One explicit pipeline (not MULTI): a single write and one reply array, about twice the rate
        // of issuing the XADDs as separate commands.
        const pipeline = redis.multi();
        for (const e of entries) pipeline.xAdd(e.key, "*", e.fields, trim);
        const replies = await this.withTimeout(pipeline.execAsPipeline());
        const failed = replies.find((reply) => reply instanceof Error || typeof reply !== "string");
        if (failed !== undefined) throw failed instanceof Error ? failed : new Error(`XADD answered ${String(failed)}`);
        for (const e of entries) this.sentSeq.set(sentKey(e), e.seq);
      }
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

  /**
   * Drops entries Redis already has: per stream, the highest seq each PLC reached there in the
   * entry's epoch. Entries of another epoch (or of a bridge before epochs) say nothing about these.
   */
  private async skipDelivered(entries: BufferedEntry[]): Promise<BufferedEntry[]> {
    const keys = [...new Set(entries.map((e) => e.key))];
    const delivered = new Map<string, number>();
    for (const key of keys) {
      const recent = await this.options.redis.xRevRange(key, "+", "-", { COUNT: this.reconcileWindow });
      for (const { message } of recent ?? []) {
        const plc = message.plc;
        const seq = Number(message.seq);
        const at = `${key}|${message.epoch ?? ""}|${plc}`;
        if (plc && Number.isFinite(seq) && seq > (delivered.get(at) ?? 0)) delivered.set(at, seq);
      }
    }
    return entries.filter((e) => e.seq > (delivered.get(`${e.key}|${e.fields.epoch ?? ""}|${e.plc}`) ?? 0));
  }

  private withTimeout<T>(promise: Promise<T>): Promise<T> {
    return settleWithin(
      promise,
      this.sendTimeoutMs,
      () => new Error(`redis took longer than ${this.sendTimeoutMs} ms`),
    );
  }

  /**
   * Before `entries` leave memory (to Redis or to disk) the state on disk must cover their numbers
   * and carry their counter totals. When it cannot be written, the stale file is removed (a full
   * disk still allows that) so the next start opens a new epoch; failing that too, this process
   * moves to a new epoch itself, renumbering what is still in memory.
   */
  private async claimDurably(entries: readonly BufferedEntry[]): Promise<void> {
    if (!this.claim(entries) && this.stateOnDisk) return;
    try {
      await replaceFileDurablyAsync(this.stateFile, JSON.stringify(this.durable));
      this.stateOnDisk = true;
    } catch (error) {
      this.stateNotSaved(error, entries);
    }
  }

  /** Extends the durable state by `entries`; true when it changed. */
  private claim(entries: readonly BufferedEntry[]): boolean {
    let changed = false;
    for (const e of entries) {
      if (e.fields.epoch !== this.durable.epoch) continue;
      if (e.seq > (this.durable.lastSeq[e.plc] ?? 0)) {
        this.durable.lastSeq[e.plc] = e.seq;
        changed = true;
      }
      if (e.fields.type === "counts") {
        const totals: CounterTotals = { ...this.durable.counters[e.fields.equipment!] };
        const good = Number(e.fields.goodTotal || Number.NaN);
        const reject = Number(e.fields.rejectTotal || Number.NaN);
        if (Number.isFinite(good)) totals.good = good;
        if (Number.isFinite(reject)) totals.reject = reject;
        totals.seq = e.seq;
        this.durable.counters[e.fields.equipment!] = totals;
        changed = true;
      }
    }
    return changed;
  }

  /** `leaving`: entries out of the queue on their way out, renumbered too should the epoch change. */
  private saveSequenceStateSync(leaving: readonly BufferedEntry[] = []): void {
    try {
      replaceFileDurably(this.stateFile, JSON.stringify(this.durable));
      this.stateOnDisk = true;
    } catch (error) {
      this.stateNotSaved(error, leaving);
    }
  }

  private stateNotSaved(error: unknown, leaving: readonly BufferedEntry[]): void {
    this.options.onStateWriteFailure?.(error);
    this.options.logger.error({ err: error }, "sequence state not saved: the next start opens a new epoch");
    if (!this.stateOnDisk) return;
    try {
      rmSync(this.stateFile, { force: true });
      fsyncDirectory(this.options.stateDir);
      this.stateOnDisk = false;
    } catch {
      this.startEpochInMemory(leaving);
    }
  }

  /** The stale state on disk cannot be removed either: never send another number of its epoch. */
  private startEpochInMemory(leaving: readonly BufferedEntry[]): void {
    this.epochId = newEpoch();
    this.durable.epoch = this.epochId;
    this.durable.lastSeq = {};
    this.nextSeq.clear();
    for (const e of [...leaving, ...this.queue]) {
      const seq = this.peekNextSeq(e.plc);
      e.seq = seq;
      e.fields.seq = String(seq);
      e.fields.epoch = this.epochId;
      this.nextSeq.set(e.plc, seq + 1);
    }
    // Should a later save succeed, it must cover what is leaving now.
    for (const e of leaving) this.durable.lastSeq[e.plc] = Math.max(this.durable.lastSeq[e.plc] ?? 0, e.seq);
    this.stateOnDisk = false;
    this.options.logger.error({ epoch: this.epochId }, "sequence state stale and not removable: new epoch");
  }

  /**
   * The saved state when it is whole; otherwise a new epoch (the old numbers may be in Redis, and a
   * resumed stale counter would make fresh entries look delivered). Sequence numbers of the
   * resumed epoch continue above what the disk buffer holds.
   */
  private loadSequenceState(): SequenceState {
    const { logger, buffer } = this.options;
    let saved: unknown;
    if (existsSync(this.stateFile)) {
      try {
        saved = JSON.parse(readFileSync(this.stateFile, "utf8"));
      } catch (error) {
        logger.error({ err: error, file: this.stateFile }, "sequence state unreadable: starting a new epoch");
      }
    }
    const state = parseSequenceState(saved);
    if (!state) {
      if (isStateBeforeEpochs(saved)) logger.info("sequence state from before bridge epochs: starting the first epoch");
      else if (saved !== undefined)
        logger.error({ file: this.stateFile }, "sequence state malformed: starting a new epoch");
      const fresh: SequenceState = { epoch: newEpoch(), lastSeq: {}, counters: {} };
      logger.info({ epoch: fresh.epoch }, "new bridge epoch");
      return fresh;
    }
    this.stateOnDisk = true;
    for (const [plc, last] of Object.entries(state.lastSeq)) this.nextSeq.set(plc, last + 1);
    for (const [plc, last] of buffer.lastSeqByPlc) {
      if (last + 1 > this.peekNextSeq(plc)) this.nextSeq.set(plc, last + 1);
    }
    // Appended after the state was last written (a crash between the two): the buffer is newer.
    for (const [equipment, buffered] of buffer.lastCountsByEquipment) {
      if (buffered.epoch !== state.epoch || buffered.seq <= (state.counters[equipment]?.seq ?? 0)) continue;
      state.counters[equipment] = {
        seq: buffered.seq,
        ...(buffered.good === undefined ? {} : { good: buffered.good }),
        ...(buffered.reject === undefined ? {} : { reject: buffered.reject }),
      };
    }
    return state;
  }
}

function sentKey(entry: BufferedEntry): string {
  return `${entry.fields.epoch ?? ""}|${entry.plc}`;
}

/** Whether counts record `a` was published after `b`: a later epoch, or a later number in the same one. */
function isNewer(a: BufferedCounterTotals, b: BufferedCounterTotals): boolean {
  if (a.epoch === b.epoch) return a.seq > b.seq;
  return epochStartedAt(a.epoch) > epochStartedAt(b.epoch);
}

/** When an epoch began (ms); 0 for entries of a bridge before epochs. */
function epochStartedAt(epoch: string): number {
  const started = Number.parseInt(epoch.split("-")[0] ?? "", 36);
  return Number.isFinite(started) ? started : 0;
}

/** Sortable by creation time and unique across bridges: base-36 milliseconds and 4 random bytes. */
function newEpoch(): string {
  return `${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
}

/** `{ "<plc>": lastSeq }`, as bridges wrote it before epochs. */
function isStateBeforeEpochs(value: unknown): boolean {
  return typeof value === "object" && value !== null && Object.values(value).every((n) => Number.isSafeInteger(n));
}

function parseSequenceState(value: unknown): SequenceState | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { epoch, lastSeq, counters } = value as Partial<SequenceState>;
  if (typeof epoch !== "string" || epoch === "" || typeof lastSeq !== "object" || lastSeq === null) return undefined;
  if (!Object.values(lastSeq).every((n) => Number.isSafeInteger(n) && n >= 0)) return undefined;
  const totals: Record<string, CounterTotals> = {};
  for (const [equipment, saved] of Object.entries(counters ?? {})) {
    const entry: CounterTotals = {};
    if (Number.isFinite(saved?.good)) entry.good = saved.good!;
    if (Number.isFinite(saved?.reject)) entry.reject = saved.reject!;
    if (Number.isSafeInteger(saved?.seq)) entry.seq = saved.seq!;
    totals[equipment] = entry;
  }
  return { epoch, lastSeq: { ...lastSeq }, counters: totals };
}
