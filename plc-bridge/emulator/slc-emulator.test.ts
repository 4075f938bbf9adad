// The SLC 5/05 personality's data table as the seeded simulation drives it: counters as 16-bit N7
// words that wrap, a counter preset by a client carrying on from there, faults packed in B3, the
// status file's free-running clock.
import { afterEach, describe, expect, it } from "vitest";
import { type RunningSlcEmulator, startSlcEmulator } from "./slc-emulator.ts";

const running: RunningSlcEmulator[] = [];
afterEach(async () => {
  for (const emulator of running.splice(0)) await emulator.stop();
});

async function start(targetSpeedPerMinute: number): Promise<RunningSlcEmulator> {
  const emulator = await startSlcEmulator({
    port: 0,
    startPaused: true,
    equipment: [{ tagPrefix: "", targetSpeedPerMinute, faultWords: 2, faultBits: [3, 50], autonomous: false }],
  });
  running.push(emulator);
  return emulator;
}

describe("the SLC 5/05 personality", () => {
  it("keeps the good count in N7:1 as a 16-bit INT that wraps from 32767 to -32768", async () => {
    const emulator = await start(600); // 10 units a second
    emulator.control.setTag("N7:1", 32_760);
    emulator.control.advance(1_000);
    const good = emulator.control.getTag("N7:1") as number;
    const rejects = emulator.control.getTag("N7:2") as number;
    // 10 units made: good + rejects moved by 10, and good went past 32767
    expect(good + 65_536 - 32_760 + rejects).toBe(10);
    expect(good).toBeLessThan(0);
    // The machine behind the table counts at full width: the N7 word is its low 16 bits
    expect(emulator.control.getTag("GoodCount")).toBe(good + 65_536);
  });

  it("carries on counting from a value a client wrote into the counter word", async () => {
    const emulator = await start(600);
    emulator.control.advance(1_000);
    emulator.control.setTag("N7:1", 100);
    emulator.control.advance(1_000);
    expect(emulator.control.getTag("N7:1")).toBeGreaterThanOrEqual(108);
    expect(emulator.control.getTag("N7:1")).toBeLessThanOrEqual(110);
  });

  it("shows a fault raised by the simulation in B3 (bit n of B3:w is fault bit 16w+n) with the state and first-out in N7", async () => {
    const emulator = await start(60);
    emulator.control.forceFault("", 50);
    expect(emulator.control.getTag("B3:0", 4)).toEqual([0, 0, 0, 1 << 2]);
    expect(emulator.control.getTag("B3:3/2")).toBe(true);
    expect(emulator.control.getTag("N7:0")).toBe(3);
    expect(emulator.control.getTag("N7:3")).toBe(50);
    expect(emulator.control.getTag("B3:4/0")).toBe(false);
    emulator.control.clearFaults("");
    expect(emulator.control.getTag("B3:0", 4)).toEqual([0, 0, 0, 0]);
    expect(emulator.control.getTag("B3:4/0")).toBe(true);
  });

  it("advances the status file's free-running clock S:4 with simulated time, in 10 ms ticks", async () => {
    const emulator = await start(60);
    const before = emulator.control.getTag("S:4") as number;
    emulator.control.advance(2_000);
    expect(emulator.control.getTag("S:4")).toBe((before + 200) & 0xffff);
  });

  it("refuses more than four machines on one processor", async () => {
    const machine = { targetSpeedPerMinute: 1, faultWords: 2 as const, faultBits: [] };
    await expect(
      startSlcEmulator({
        port: 0,
        equipment: [1, 2, 3, 4, 5].map((i) => ({ ...machine, tagPrefix: `Program:M${i}` })),
      }),
    ).rejects.toThrow(/at most 4 machines/);
  });
});
