// Watches the bridge's per-PLC `seq` for gaps: entries the path lost before any consumer saw them
// (a bridge that lost its buffer, MAXLEN trimming). It reads every stream a PLC writes to (a PLC's
// seq runs across its line's telemetry and faults streams) with plain XREADs of its own, outside any
// consumer group, so each instance of a service sees every entry whoever consumes it.
import type { Logger } from "./logger.ts";
import type { RedisClient } from "./redis-client.ts";

export interface StreamSequenceAuditSettings {
  /** How often the streams are read. @default 2000 */
  intervalMs: number;
  /** Entries per stream per XREAD. @default 1000 */
  batchSize: number;
}

export const STREAM_SEQUENCE_AUDIT_DEFAULTS: Readonly<StreamSequenceAuditSettings> = {
  intervalMs: 2_000,
  batchSize: 1_000,
};

interface SourceProgress {
  /** The next seq expected; undefined until the source's first complete read. */
  next: number | undefined;
  /** Seqs seen at or beyond `next`, not yet confirmed contiguous. */
  ahead: Set<number>;
}

export class StreamSequenceAudit {
  private readonly settings: StreamSequenceAuditSettings;
  private readonly cursors = new Map<string, string>();
  private readonly progress = new Map<string, SourceProgress>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** Entries missing per PLC since start. */
  readonly gapsByPlc = new Map<string, number>();

  constructor(
    private readonly options: {
      redis: RedisClient;
      /** Every stream the audited PLCs write to; asked again on each round, so new lines join. */
      listStreams: () => Promise<readonly string[]>;
      logger: Logger;
      settings?: Partial<StreamSequenceAuditSettings>;
    },
  ) {
    this.settings = { ...STREAM_SEQUENCE_AUDIT_DEFAULTS, ...options.settings };
  }

  get totalGaps(): number {
    let total = 0;
    for (const gaps of this.gapsByPlc.values()) total += gaps;
    return total;
  }

  /** Starts from each stream's current end: what came before is not judged. */
  async start(): Promise<void> {
    await this.followNewStreams();
    this.timer = setInterval(() => void this.audit(), this.settings.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One round: reads every stream up to its end and confirms what can be confirmed. */
  audit(): Promise<void> {
    this.running ??= this.auditRound()
      .catch((error: unknown) => this.options.logger.warn({ err: error }, "sequence audit failed; carrying on"))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async followNewStreams(): Promise<void> {
    for (const stream of await this.options.listStreams()) {
      if (this.cursors.has(stream)) continue;
      const [last] = (await this.options.redis.xRevRange(stream, "+", "-", { COUNT: 1 })) ?? [];
      this.cursors.set(stream, last?.id ?? "0-0");
    }
  }

  private async auditRound(): Promise<void> {
    await this.followNewStreams();
    for (;;) {
      const streams = [...this.cursors.keys()];
      if (streams.length === 0) return;
      const reply = (await this.options.redis.xRead(
        streams.map((key) => ({ key, id: this.cursors.get(key)! })),
        { COUNT: this.settings.batchSize },
      )) as Array<{ name: string; messages: Array<{ id: string; message: Record<string, string> }> }> | null;
      let truncated = false;
      for (const { name, messages } of reply ?? []) {
        if (messages.length >= this.settings.batchSize) truncated = true;
        for (const { id, message } of messages) {
          this.cursors.set(name, id);
          this.observe(message);
        }
      }
      // One XREAD sees every stream at one instant, and a PLC's entries go out in seq order: after
      // a read that reached every stream's end, a seq below the highest seen that never came is lost.
      if (!truncated) {
        this.confirm();
        return;
      }
    }
  }

  private observe(fields: Record<string, string>): void {
    const seq = Number(fields.seq);
    if (!fields.plc || !Number.isSafeInteger(seq)) return;
    // A bridge that restarts its counter under a new epoch starts a new sequence, not a gap.
    const source = fields.epoch === undefined ? fields.plc : `${fields.plc}\u0000${fields.epoch}`;
    let progress = this.progress.get(source);
    if (!progress) {
      progress = { next: undefined, ahead: new Set() };
      this.progress.set(source, progress);
    }
    if (progress.next === undefined || seq >= progress.next) progress.ahead.add(seq);
  }

  private confirm(): void {
    for (const [source, progress] of this.progress) {
      if (progress.ahead.size === 0) continue;
      let lowest = Number.POSITIVE_INFINITY;
      let highest = Number.NEGATIVE_INFINITY;
      for (const seq of progress.ahead) {
        lowest = Math.min(lowest, seq);
        highest = Math.max(highest, seq);
      }
      const from = progress.next ?? lowest;
      const missing = highest - from + 1 - progress.ahead.size;
      if (missing > 0) {
        const plc = source.split("\u0000")[0]!;
        this.gapsByPlc.set(plc, (this.gapsByPlc.get(plc) ?? 0) + missing);
        this.options.logger.error(
          { plc, missing, between: [from, highest] },
          "entries missing from a PLC's sequence: lost before any consumer saw them",
        );
      }
      progress.next = highest + 1;
      progress.ahead.clear();
    }
  }
}
