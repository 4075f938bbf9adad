// Polls one PLC: its tags grouped by scan rate, each group read in one batched request on its own
// timer; values go through each equipment's signal processor to the publisher. When reads fail
// for longer than the comms timeout, every equipment of the PLC is published as COMMS_LOST (not
// stopped: downstream never counts it as downtime).
import type { Logger } from "@ms5/kit";
import type { TagReadResult, TagSpec, TagValue } from "./driver/plc-driver.ts";
import { EquipmentSignalProcessor, type UnsequencedEntry } from "./equipment-signal-processor.ts";
import { fullTagName, type PlcConfig } from "./plant-config.ts";

/** What the poller needs of a PLC connection (PlcConnection provides it). */
export interface TagReader {
  readTags(tags: readonly TagSpec[]): Promise<TagReadResult[]>;
  /** While not "connected" the poller skips its reads (they would fail at once) and only watches the comms timeout. */
  readonly state?: string;
}

export interface PollerStats {
  reads: number;
  tagsRead: number;
  failedReads: number;
  /** Tags the PLC answered with an error (e.g. unknown tag), by name. */
  tagErrors: Map<string, string>;
  lastGoodReadAt: number | undefined;
  commsLost: boolean;
  /** Milliseconds of the last good batched read, for diagnostics. */
  lastRoundTripMs: number | undefined;
  /** Each tag's last good value (as JSON), when it was read and when it last changed, by name. */
  tagValues: Map<string, TagLastValue>;
}

export interface TagLastValue {
  value: TagJsonValue;
  readAt: number;
  changedAt: number;
}

export type TagJsonValue = boolean | number | string | (boolean | number | string)[];

/** A LINT arrives as a bigint, which JSON cannot carry: it travels as a decimal string. */
export function tagValueToJson(value: TagValue): TagJsonValue {
  if (Array.isArray(value)) return value.map((v) => (typeof v === "bigint" ? v.toString() : v));
  return typeof value === "bigint" ? value.toString() : (value as boolean | number);
}

function sameJsonValue(a: TagJsonValue, b: TagJsonValue): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => v === b[i]);
  }
  return a === b;
}

export interface PlcPollerOptions {
  plc: PlcConfig;
  reader: TagReader;
  publish: (plc: string, entries: UnsequencedEntry[]) => void;
  logger: Logger;
  /** No good read for this long means COMMS_LOST. @default 3_000 */
  commsLostAfterMs?: number;
  /** Observes each read's duration and tag count, for the latency histogram. */
  onRead?: (result: { ok: boolean; tags: number; ms: number }) => void;
  now?: () => number;
}

interface ScanGroup {
  scanMs: number;
  tags: TagSpec[];
  timer?: NodeJS.Timeout;
}

export class PlcPoller {
  readonly processors: EquipmentSignalProcessor[];
  readonly stats: PollerStats = {
    reads: 0,
    tagsRead: 0,
    failedReads: 0,
    tagErrors: new Map(),
    lastGoodReadAt: undefined,
    commsLost: false,
    lastRoundTripMs: undefined,
    tagValues: new Map(),
  };
  private readonly groups: ScanGroup[];
  private readonly commsLostAfterMs: number;
  private readonly now: () => number;
  private running = false;
  private readonly startedAt: number;
  private watchdog: NodeJS.Timeout | undefined;

  constructor(private readonly options: PlcPollerOptions) {
    this.commsLostAfterMs = options.commsLostAfterMs ?? 3_000;
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
    this.processors = options.plc.equipment.map((eq) => new EquipmentSignalProcessor(eq));
    const byRate = new Map<number, Map<string, TagSpec>>();
    for (const eq of options.plc.equipment) {
      for (const binding of Object.values(eq.tags)) {
        const tags = byRate.get(binding.scanMs) ?? new Map<string, TagSpec>();
        const name = fullTagName(eq, binding);
        tags.set(name, { name, type: binding.type, ...(binding.length ? { length: binding.length } : {}) });
        byRate.set(binding.scanMs, tags);
      }
    }
    this.groups = [...byRate.entries()]
      .sort(([a], [b]) => a - b)
      .map(([scanMs, tags]) => ({ scanMs, tags: [...tags.values()] }));
  }

  /** Tags read per second at the configured scan rates. */
  get configuredTagsPerSecond(): number {
    return this.groups.reduce((sum, g) => sum + (g.tags.length * 1000) / g.scanMs, 0);
  }

  start(): void {
    this.running = true;
    for (const group of this.groups) this.schedule(group, 0);
    this.watchdog = setInterval(() => this.checkComms(), Math.min(500, this.commsLostAfterMs / 2));
    this.watchdog.unref();
  }

  stop(): void {
    this.running = false;
    for (const group of this.groups) clearTimeout(group.timer);
    clearInterval(this.watchdog);
  }

  private schedule(group: ScanGroup, delayMs: number): void {
    if (!this.running) return;
    group.timer = setTimeout(() => {
      const started = this.now();
      void this.readGroup(group).finally(() => {
        // Fixed rate, not fixed delay: a slow read shortens the next wait, never overlaps it.
        this.schedule(group, Math.max(0, group.scanMs - (this.now() - started)));
      });
    }, delayMs);
  }

  private async readGroup(group: ScanGroup): Promise<void> {
    if (this.options.reader.state !== undefined && this.options.reader.state !== "connected") {
      this.checkComms();
      return;
    }
    const started = performance.now();
    let results: TagReadResult[];
    try {
      results = await this.options.reader.readTags(group.tags);
    } catch (error) {
      this.stats.failedReads++;
      this.options.onRead?.({ ok: false, tags: group.tags.length, ms: performance.now() - started });
      if (this.stats.failedReads % 100 === 1)
        this.options.logger.warn({ err: error, plc: this.options.plc.name }, "PLC read failed");
      this.checkComms();
      return;
    }
    const readAt = this.now();
    const ms = performance.now() - started;
    this.stats.reads++;
    this.stats.tagsRead += results.length;
    this.stats.lastGoodReadAt = readAt;
    this.stats.lastRoundTripMs = ms;
    this.options.onRead?.({ ok: true, tags: results.length, ms });
    if (this.stats.commsLost) {
      this.stats.commsLost = false;
      this.options.logger.info({ plc: this.options.plc.name }, "PLC answering again");
    }
    const values = new Map<string, TagValue>();
    for (const result of results) {
      if (result.ok) {
        values.set(result.name, result.value);
        this.stats.tagErrors.delete(result.name);
        this.rememberValue(result.name, result.value, readAt);
      } else if (!this.stats.tagErrors.has(result.name)) {
        this.stats.tagErrors.set(result.name, result.error);
        this.options.logger.warn(
          { plc: this.options.plc.name, tag: result.name, error: result.error },
          "PLC refused a tag",
        );
      }
    }
    const entries: UnsequencedEntry[] = [];
    for (const processor of this.processors) entries.push(...processor.process(values, readAt));
    this.options.publish(this.options.plc.name, entries);
  }

  private rememberValue(name: string, raw: TagValue, readAt: number): void {
    const value = tagValueToJson(raw);
    const last = this.stats.tagValues.get(name);
    const changedAt = last && sameJsonValue(last.value, value) ? last.changedAt : readAt;
    this.stats.tagValues.set(name, { value, readAt, changedAt });
  }

  /** Every bound tag's name, in scan-rate order: what a diagnostics snapshot lists. */
  get tagNames(): string[] {
    return this.groups.flatMap((group) => group.tags.map((tag) => tag.name));
  }

  private checkComms(): void {
    if (this.stats.commsLost) return;
    const lastGood = this.stats.lastGoodReadAt ?? this.startedAt;
    if (this.now() - lastGood < this.commsLostAfterMs) return;
    this.stats.commsLost = true;
    this.options.logger.warn(
      { plc: this.options.plc.name, lastGoodReadAt: this.stats.lastGoodReadAt },
      "PLC comms lost",
    );
    const at = this.now();
    const entries = this.processors.flatMap((p) => p.commsLost(at));
    this.options.publish(this.options.plc.name, entries);
  }
}
