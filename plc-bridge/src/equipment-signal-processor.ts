// Turns one equipment's raw tag values into canonical stream entries: state changes with the
// first-out fault, fault-bit edges with catalog codes, counter increments, analog samples on
// deadband or heartbeat, energy. Holds the per-signal memory those transforms need.
import type { EquipmentState } from "@ms5/schema";
import type { StreamEntryBody } from "@ms5/schema/stream-entries";
import type { TagValue } from "./driver/plc-driver.ts";
import { CANONICAL_SIGNALS, type EquipmentConfig, fullTagName, type TagBinding } from "./plant-config.ts";
import { AnalogDeadband } from "./signals/analog-deadband.ts";
import { COUNTER_RANGE_OF_TYPE, CounterDelta } from "./signals/counter-delta.ts";
import { EquipmentStateTracker, type StateTransition } from "./signals/equipment-state.ts";
import { FAULT_WORD_BITS, FaultWordEdges } from "./signals/fault-word-edges.ts";
import { WeightRing } from "./signals/weight-ring.ts";
import type { CounterTotals } from "./stream-publisher.ts";

/**
 * An entry before the publisher gives it its PLC, sequence number and key: the typed body of the
 * stream contract (@ms5/schema/stream-entries), encoded into stream fields only when published.
 */
export interface UnsequencedEntry {
  equipment: string;
  line: string;
  /** PLC read time, epoch ms. */
  ts: number;
  body: StreamEntryBody;
}

const FREE_FORM_DEFAULTS = { deadband: 0, heartbeatMs: 10_000 };

export class EquipmentSignalProcessor {
  private readonly state = new EquipmentStateTracker();
  private readonly faultEdges: FaultWordEdges;
  private readonly good: CounterDelta;
  private readonly reject: CounterDelta;
  private readonly samples = new Map<string, AnalogDeadband>();
  private readonly weights = new WeightRing();
  private readonly energy: AnalogDeadband;
  private lastPublishedEnergy: number | undefined;
  /** Latest value of each state-related signal, as scan groups deliver them at different rates. */
  private running: boolean | undefined;
  private stateCode: number | undefined;
  private firstOutBit: number | undefined;
  private readonly catalog: Map<number, { faultCode: string; text: string }>;
  /** Tag name -> signal key, for the tags of this equipment. */
  readonly signalOfTag: ReadonlyMap<string, string>;

  constructor(readonly config: EquipmentConfig) {
    this.catalog = new Map(config.faultCatalog.map((f) => [f.bitIndex, f]));
    // INT fault words (an SLC's B3:0-B3:3) hold 16 bits each; DINT words 32
    this.faultEdges = new FaultWordEdges(FAULT_WORD_BITS[config.tags.faultWords?.type ?? "DINT"] ?? 32);
    this.good = new CounterDelta({ range: counterRange(config.tags.goodCount) });
    this.reject = new CounterDelta({ range: counterRange(config.tags.rejectCount) });
    this.signalOfTag = new Map(
      Object.entries(config.tags).map(([signal, binding]) => [fullTagName(config, binding), signal]),
    );
    for (const [signal, binding] of Object.entries(config.tags)) {
      if (signal === "speed" || !isCanonical(signal)) {
        this.samples.set(
          signal,
          new AnalogDeadband({
            deadband: binding.deadband ?? FREE_FORM_DEFAULTS.deadband,
            heartbeatMs: binding.heartbeatMs ?? FREE_FORM_DEFAULTS.heartbeatMs,
          }),
        );
      }
    }
    const energyBinding: TagBinding | undefined = config.tags.energyKwh;
    this.energy = new AnalogDeadband({
      deadband: energyBinding?.deadband ?? 0.01,
      heartbeatMs: energyBinding?.heartbeatMs ?? 60_000,
    });
  }

  /**
   * The counters as last published before a restart: the first reading then counts what was made
   * while the bridge was down (a reset or a wrap meanwhile still recognised).
   */
  restoreCounterTotals(totals: CounterTotals | undefined): void {
    if (totals?.good !== undefined) this.good.restore(totals.good);
    if (totals?.reject !== undefined) this.reject.restore(totals.reject);
  }

  get currentState(): EquipmentState | undefined {
    return this.state.state;
  }

  /** Entries for the signals present in `values` (one scan group's read), read at `ts`. */
  process(values: ReadonlyMap<string, TagValue>, ts: number): UnsequencedEntry[] {
    const entries: UnsequencedEntry[] = [];
    const bySignal = new Map<string, TagValue>();
    for (const [tag, value] of values) {
      const signal = this.signalOfTag.get(tag);
      if (signal !== undefined) bySignal.set(signal, value);
    }
    if (bySignal.size === 0) return entries;

    if (bySignal.has("running")) this.running = toBoolean(bySignal.get("running")!);
    if (bySignal.has("stateCode")) this.stateCode = toNumber(bySignal.get("stateCode")!);
    if (bySignal.has("firstOutFault")) this.firstOutBit = toNumber(bySignal.get("firstOutFault")!);

    const faultEdges = bySignal.has("faultWords")
      ? this.faultEdges.next(toNumberArray(bySignal.get("faultWords")!))
      : [];
    const stateSignalsRead = bySignal.has("running") || bySignal.has("stateCode") || bySignal.has("faultWords");
    const transition = stateSignalsRead
      ? this.state.next({
          running: this.running,
          stateCode: this.stateCode,
          firstOutBit: this.firstOutBit,
          activeFaultBits: this.faultEdges.activeBits(),
        })
      : undefined;

    for (const edge of faultEdges) {
      const known = this.catalog.get(edge.bitIndex);
      entries.push(
        this.entry(ts, {
          type: "fault",
          edge: edge.edge,
          bitIndex: edge.bitIndex,
          faultCode: known?.faultCode ?? `UNKNOWN-${edge.bitIndex}`,
          faultText: known?.text ?? `Fault bit ${edge.bitIndex} (not in the fault catalog)`,
          firstOut: edge.edge === "rising" && transition?.firstOutBit === edge.bitIndex,
          atStart: edge.atStart === true,
        }),
      );
    }
    if (transition) entries.push(this.stateEntry(transition, ts));

    if (bySignal.has("goodCount") || bySignal.has("rejectCount")) {
      const goodTotal = bySignal.has("goodCount") ? toNumber(bySignal.get("goodCount")!) : undefined;
      const rejectTotal = bySignal.has("rejectCount") ? toNumber(bySignal.get("rejectCount")!) : undefined;
      const goodDelta = goodTotal === undefined ? 0 : this.good.next(goodTotal);
      const rejectDelta = rejectTotal === undefined ? 0 : this.reject.next(rejectTotal);
      if (goodDelta > 0 || rejectDelta > 0) {
        entries.push(
          this.entry(ts, {
            type: "counts",
            goodDelta,
            rejectDelta,
            goodTotal: goodTotal ?? this.good.base,
            rejectTotal: rejectTotal ?? this.reject.base,
          }),
        );
      }
    }

    for (const [signal, deadband] of this.samples) {
      if (!bySignal.has(signal)) continue;
      const value = toNumber(bySignal.get(signal)!);
      const decision = deadband.offer(value, ts);
      if (!decision.publish) continue;
      entries.push(
        this.entry(
          ts,
          decision.quality === "bad"
            ? { type: "sample", signal, reason: decision.reason, quality: "bad" }
            : { type: "sample", signal, value, reason: decision.reason, quality: "good" },
        ),
      );
    }

    // Counter and ring are read in one scan group, so the ring holds the weighings the counter counts.
    if (bySignal.has("weighCount") && bySignal.has("weightRing")) {
      const ring = toNumberArray(bySignal.get("weightRing")!);
      for (const weighing of this.weights.next(toNumber(bySignal.get("weighCount")!), ring)) {
        entries.push(
          this.entry(
            ts,
            Number.isFinite(weighing.value)
              ? {
                  type: "weight",
                  quality: "good",
                  value: round(weighing.value, 4),
                  unit: "kg",
                  weighCount: weighing.weighCount,
                }
              : { type: "weight", quality: "bad", unit: "kg", weighCount: weighing.weighCount },
          ),
        );
      }
    }

    if (bySignal.has("energyKwh")) {
      const meter = toNumber(bySignal.get("energyKwh")!);
      const decision = this.energy.offer(meter, ts);
      if (decision.publish && decision.quality === "bad") {
        // The increment resumes from the last good reading once the meter reads a number again.
        entries.push(this.entry(ts, { type: "energy", quality: "bad" }));
      } else if (decision.publish) {
        const delta = this.lastPublishedEnergy === undefined ? 0 : Math.max(0, meter - this.lastPublishedEnergy);
        this.lastPublishedEnergy = meter;
        entries.push(this.entry(ts, { type: "energy", quality: "good", meterKwh: meter, deltaKwh: round(delta, 6) }));
      }
    }
    return entries;
  }

  /**
   * The PLC stopped answering. Counter and fault-word memory is kept, so parts made and faults
   * raised during the outage are counted when it answers again; analog values are re-published.
   */
  commsLost(ts: number): UnsequencedEntry[] {
    const transition = this.state.commsLost();
    for (const deadband of this.samples.values()) deadband.reset();
    return transition ? [this.stateEntry(transition, ts)] : [];
  }

  private stateEntry(transition: StateTransition, ts: number): UnsequencedEntry {
    const firstOut = transition.firstOutBit;
    return this.entry(ts, {
      type: "state",
      state: transition.state,
      previousState: transition.previousState,
      stateCode: transition.stateCode,
      firstOutFaultBit: firstOut,
      firstOutFaultCode:
        firstOut === undefined ? undefined : (this.catalog.get(firstOut)?.faultCode ?? `UNKNOWN-${firstOut}`),
    });
  }

  private entry(ts: number, body: StreamEntryBody): UnsequencedEntry {
    return { equipment: this.config.code, line: this.config.line, ts, body };
  }
}

function counterRange(binding: TagBinding | undefined): number | undefined {
  return binding ? COUNTER_RANGE_OF_TYPE[binding.type] : undefined;
}

const CANONICAL = new Set<string>(CANONICAL_SIGNALS);
function isCanonical(signal: string): boolean {
  return CANONICAL.has(signal);
}

function toNumber(value: TagValue): number {
  if (Array.isArray(value)) return toNumber(value[0] ?? 0);
  if (typeof value === "boolean") return value ? 1 : 0;
  return Number(value);
}

function toBoolean(value: TagValue): boolean {
  return toNumber(value) !== 0;
}

function toNumberArray(value: TagValue): number[] {
  return Array.isArray(value) ? value.map((v) => toNumber(v)) : [toNumber(value)];
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
