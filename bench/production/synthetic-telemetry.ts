// Telemetry entries as the bridge writes them, in the proportions a plant produces, for the
// production benchmark's backlog and offered load, encoded by the stream contract's one encoder.
import { encodeStreamEntry } from "@ms5/schema/stream-entries";

/**
 * What a plant's streams carry: mostly analog samples (deadband changes and heartbeats), counts,
 * energy, and a few state changes (0.2 %: 2,000 machines producing 10,000 entries/s change state
 * every couple of minutes each). Spread over equipment and lines by a hash of the sequence number.
 */
export function syntheticEntry(
  line: { code: string; equipment: readonly { code: string }[] },
  e: number,
  seq: number,
  /** PLC read time, epoch ms: increasing per equipment, never ahead of the clock (later parts are newer). */
  ts: number,
  kind?: "state",
): Record<string, string> {
  const eq = line.equipment[e % line.equipment.length]!;
  const address = { plc: `PLC-${line.code}`, seq, equipment: eq.code, line: line.code, ts };
  const roll = (Math.imul(seq, 2654435761) >>> 0) % 1000;
  if (kind === "state" || roll < 2) {
    return encodeStreamEntry(address, { type: "state", state: Math.floor(seq / 100) % 2 === 0 ? "IDLE" : "RUNNING" });
  }
  if (roll < 102) {
    return encodeStreamEntry(address, { type: "counts", goodDelta: 3, rejectDelta: 0, goodTotal: 0, rejectTotal: 0 });
  }
  if (roll < 142) {
    return encodeStreamEntry(address, { type: "energy", quality: "good", meterKwh: seq / 100, deltaKwh: 0.01 });
  }
  return encodeStreamEntry(address, {
    type: "sample",
    quality: "good",
    signal: `analog${seq % 37}`,
    value: 100 + (seq % 17),
    reason: "change",
  });
}
