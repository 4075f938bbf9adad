import { describe, expect, it } from "vitest";
import { AnalogDeadband } from "./analog-deadband.ts";
import { CounterDelta } from "./counter-delta.ts";
import { EquipmentStateTracker } from "./equipment-state.ts";
import { FaultWordEdges } from "./fault-word-edges.ts";

describe("counter deltas", () => {
  it("count the increment between reads, the first read only setting the base", () => {
    const counter = new CounterDelta();
    expect(counter.next(1000)).toBe(0);
    expect(counter.next(1040)).toBe(40);
    expect(counter.next(1040)).toBe(0);
  });

  it("count across a DINT rollover from 2^31-1 to -2^31", () => {
    const counter = new CounterDelta();
    counter.next(2_147_483_640);
    expect(counter.next(-2_147_483_640)).toBe(16);
  });

  it("treat a counter reset by the PLC as counting from zero, not as four billion parts", () => {
    const counter = new CounterDelta();
    counter.next(987_654);
    expect(counter.next(12)).toBe(12);
  });

  it("count across an INT rollover from 32767 to -32768", () => {
    const counter = new CounterDelta({ range: 2 ** 16 });
    counter.next(32_760);
    expect(counter.next(-32_760)).toBe(16);
  });

  it("treat an INT counter going back from 30000 to 12 as a reset, not 35,548 parts across a wrap", () => {
    const counter = new CounterDelta({ range: 2 ** 16 });
    counter.next(30_000);
    expect(counter.next(12)).toBe(12);
  });

  it("count an INT counter across its wrap even when it moves fast, up to half its range per read", () => {
    const counter = new CounterDelta({ range: 2 ** 16 });
    counter.next(20_000);
    expect(counter.next(-20_000)).toBe(25_536);
    expect(counter.next(-19_990)).toBe(10);
  });

  it("ignore a reading that is not a number: later increments count from the last real one", () => {
    const counter = new CounterDelta();
    counter.next(100);
    expect(counter.next(Number.NaN)).toBe(0);
    expect(counter.next(Number.POSITIVE_INFINITY)).toBe(0);
    expect(counter.next(130)).toBe(30);
    expect(counter.next(131)).toBe(1);
  });

  it("count from a restored total on the first reading after a restart, a reset or a wrap meanwhile recognised", () => {
    const restored = new CounterDelta();
    restored.restore(1_000);
    expect(restored.next(1_500)).toBe(500);

    const resetWhileDown = new CounterDelta();
    resetWhileDown.restore(900_000);
    expect(resetWhileDown.next(40)).toBe(40);

    const wrappedWhileDown = new CounterDelta();
    wrappedWhileDown.restore(2_147_483_000);
    expect(wrappedWhileDown.next(-2_147_483_000)).toBe(1_296);
  });
});

describe("analog deadband", () => {
  it("publishes changes beyond the deadband and a heartbeat when the value holds still", () => {
    const speed = new AnalogDeadband({ deadband: 0.5, heartbeatMs: 10_000 });
    expect(speed.offer(40, 0)).toEqual({ publish: true, reason: "change", quality: "good" });
    expect(speed.offer(40.3, 1_000)).toEqual({ publish: false });
    expect(speed.offer(40.6, 2_000)).toEqual({ publish: true, reason: "change", quality: "good" });
    expect(speed.offer(40.6, 11_999)).toEqual({ publish: false });
    expect(speed.offer(40.6, 12_000)).toEqual({ publish: true, reason: "heartbeat", quality: "good" });
  });

  it.each([0, 0.5])(
    "with deadband %s, publishes a NaN once as bad quality, holds further NaNs, and publishes the next real value at once",
    (deadband) => {
      const speed = new AnalogDeadband({ deadband, heartbeatMs: 10_000 });
      expect(speed.offer(40, 0)).toMatchObject({ publish: true, quality: "good" });
      expect(speed.offer(Number.NaN, 100)).toEqual({ publish: true, reason: "change", quality: "bad" });
      expect(speed.offer(Number.NaN, 200)).toEqual({ publish: false });
      expect(speed.offer(Number.POSITIVE_INFINITY, 300)).toEqual({ publish: false });
      // Within the deadband of the last good value, yet a change: the value is good again.
      expect(speed.offer(40.1, 400)).toEqual({ publish: true, reason: "change", quality: "good" });
      expect(speed.offer(40.1, 500)).toEqual({ publish: false });
      expect(speed.offer(41, 600)).toEqual({ publish: true, reason: "change", quality: "good" });
    },
  );

  it("re-sends a bad value at every heartbeat while it lasts, so silence still means trouble", () => {
    const speed = new AnalogDeadband({ deadband: 0.5, heartbeatMs: 1_000 });
    expect(speed.offer(Number.NEGATIVE_INFINITY, 0)).toEqual({ publish: true, reason: "change", quality: "bad" });
    expect(speed.offer(Number.NaN, 999)).toEqual({ publish: false });
    expect(speed.offer(Number.NaN, 1_000)).toEqual({ publish: true, reason: "heartbeat", quality: "bad" });
  });
});

describe("fault word edges", () => {
  it("report rising and falling bits across both words of a DINT[2] with their bit index", () => {
    const faults = new FaultWordEdges();
    expect(faults.next([0, 0])).toEqual([]);
    expect(faults.next([0b10000, 1 << 31])).toEqual([
      { bitIndex: 4, edge: "rising" },
      { bitIndex: 63, edge: "rising" },
    ]);
    expect(faults.activeBits()).toEqual([4, 63]);
    expect(faults.next([0, 1 << 31])).toEqual([{ bitIndex: 4, edge: "falling" }]);
  });

  it("number bits of 16-bit words (an SLC's B3:0-B3:3) as 16 * word + bit, a negative INT word included", () => {
    const faults = new FaultWordEdges(16);
    expect(faults.next([0, 0, 0, 0])).toEqual([]);
    // B3:1/1 and B3:3/15 (bit 15 makes the INT read negative)
    expect(faults.next([0, 0b10, 0, -32_768])).toEqual([
      { bitIndex: 17, edge: "rising" },
      { bitIndex: 63, edge: "rising" },
    ]);
    expect(faults.activeBits()).toEqual([17, 63]);
    expect(faults.next([0, 0, 0, -32_768])).toEqual([{ bitIndex: 17, edge: "falling" }]);
  });

  it("mark the bits found set by the first read as found at start, not seen rising", () => {
    const faults = new FaultWordEdges();
    expect(faults.next([0b1, 0])).toEqual([{ bitIndex: 0, edge: "rising", atStart: true }]);
    expect(faults.next([0b11, 0])).toEqual([{ bitIndex: 1, edge: "rising" }]);
  });
});

describe("equipment state", () => {
  it("follows the PLC state code and captures the first-out fault as the equipment stops", () => {
    const state = new EquipmentStateTracker();
    expect(state.next({ running: true, stateCode: 1, firstOutBit: -1, activeFaultBits: [] })).toMatchObject({
      state: "RUNNING",
    });
    expect(state.next({ running: true, stateCode: 1, firstOutBit: -1, activeFaultBits: [] })).toBeUndefined();
    expect(state.next({ running: false, stateCode: 3, firstOutBit: 4, activeFaultBits: [2, 4] })).toEqual({
      state: "DOWN",
      previousState: "RUNNING",
      stateCode: 3,
      firstOutBit: 4,
    });
  });

  it("falls back to the Running bit and active faults for a PLC without a state code", () => {
    const state = new EquipmentStateTracker();
    expect(
      state.next({ running: true, stateCode: undefined, firstOutBit: undefined, activeFaultBits: [] })?.state,
    ).toBe("RUNNING");
    expect(
      state.next({ running: false, stateCode: undefined, firstOutBit: undefined, activeFaultBits: [7] }),
    ).toMatchObject({
      state: "DOWN",
      firstOutBit: 7,
    });
  });

  it("reports comms loss once, as its own state", () => {
    const state = new EquipmentStateTracker();
    state.next({ running: false, stateCode: 2, firstOutBit: -1, activeFaultBits: [] });
    expect(state.commsLost()).toMatchObject({ state: "COMMS_LOST", previousState: "IDLE" });
    expect(state.commsLost()).toBeUndefined();
  });
});
