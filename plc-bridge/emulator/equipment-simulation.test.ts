// The simulated equipment: reproducible under a seed, believable over a shift, and obedient to the
// control API the bridge's tests script downtime with.
import { afterEach, describe, expect, it } from "vitest";
import { testPlant } from "./emulator-test-fixtures.ts";
import { type EmulatedEquipment, EquipmentState } from "./equipment-simulation.ts";
import { type LogixEmulatorOptions, type RunningLogixEmulator, startLogixEmulator } from "./logix-emulator.ts";

const running: RunningLogixEmulator[] = [];

afterEach(async () => {
  for (const emulator of running.splice(0)) await emulator.stop();
});

async function emulatorWith(options: Partial<LogixEmulatorOptions> = {}): Promise<RunningLogixEmulator> {
  const emulator = await startLogixEmulator({ equipment: testPlant, startPaused: true, ...options });
  running.push(emulator);
  return emulator;
}

const FILLER = "Program:Filler1";
const BAGGER = "Program:Bagger1";
const symbols = ["GoodCount", "RejectCount", "StateCode", "Speed", "EnergyKWh", "JawTempC", "Faults", "FirstOutFault"];

function snapshot(emulator: RunningLogixEmulator, prefix: string) {
  return Object.fromEntries(symbols.map((symbol) => [symbol, emulator.control.getTag(`${prefix}.${symbol}`)]));
}

const HOUR = 3_600_000;

describe("determinism", () => {
  it("two emulators with the same seed and the same simulated hour hold the same values", async () => {
    const a = await emulatorWith({ seed: 42 });
    const b = await emulatorWith({ seed: 42 });
    a.control.advance(HOUR);
    b.control.advance(HOUR);
    expect(snapshot(a, FILLER)).toEqual(snapshot(b, FILLER));
    expect(snapshot(a, BAGGER)).toEqual(snapshot(b, BAGGER));
    expect(a.control.getTag("Line_SpeedHistory")).toEqual(b.control.getTag("Line_SpeedHistory"));
  });

  it("a different seed gives a different history", async () => {
    const a = await emulatorWith({ seed: 42 });
    const b = await emulatorWith({ seed: 43 });
    a.control.advance(HOUR);
    b.control.advance(HOUR);
    expect(a.control.getTag(`${FILLER}.GoodCount`)).not.toEqual(b.control.getTag(`${FILLER}.GoodCount`));
  });

  it("equipment keeps its own random stream whatever else is on the controller", async () => {
    const filler = testPlant[1]!;
    const alone = await emulatorWith({ seed: 9, equipment: [filler] });
    const withOthers = await emulatorWith({ seed: 9, equipment: [...testPlant].reverse() });
    alone.control.advance(HOUR);
    withOthers.control.advance(HOUR);
    expect(snapshot(alone, FILLER)).toEqual(snapshot(withOthers, FILLER));
  });
});

describe("faults and states through the control API", () => {
  it("forceFault sets the bit, StateCode 3, Running false, Speed 0 and latches FirstOutFault", async () => {
    const emulator = await emulatorWith();
    const { control } = emulator;
    control.advance(10_000);
    expect(control.getTag(`${BAGGER}.Running`)).toBe(true);
    control.forceFault(BAGGER, 40);
    expect(control.getTag(`${BAGGER}.Faults`)).toEqual([0, 1 << 8]);
    expect(control.getTag(`${BAGGER}.StateCode`)).toBe(EquipmentState.DOWN);
    expect(control.getTag(`${BAGGER}.Running`)).toBe(false);
    expect(control.getTag(`${BAGGER}.FirstOutFault`)).toBe(40);
    control.advance(60_000);
    expect(control.getTag(`${BAGGER}.Speed`)).toBe(0);
    expect(control.getTag(`${BAGGER}.StateCode`)).toBe(EquipmentState.DOWN); // forced faults hold
  });

  it("a second fault adds its bit but the first-out stays on the first", async () => {
    const { control } = await emulatorWith();
    control.forceFault(BAGGER, 3);
    control.forceFault(BAGGER, 0);
    expect(control.getTag(`${BAGGER}.Faults`)).toEqual([0b1001, 0]);
    expect(control.getTag(`${BAGGER}.FirstOutFault`)).toBe(3);
  });

  it("bit 31 of a fault word reads back as a negative DINT", async () => {
    const { control } = await emulatorWith();
    control.forceFault(BAGGER, 31);
    expect(control.getTag(`${BAGGER}.Faults[0]`)).toBe(-2147483648);
  });

  it("clearFaults resets bits and first-out and the machine ramps back to speed", async () => {
    const { control } = await emulatorWith();
    control.forceFault(BAGGER, 7);
    control.clearFaults(BAGGER);
    expect(control.getTag(`${BAGGER}.Faults`)).toEqual([0, 0]);
    expect(control.getTag(`${BAGGER}.FirstOutFault`)).toBe(-1);
    control.advance(1_000);
    expect(control.getTag(`${BAGGER}.StateCode`)).toBe(EquipmentState.RUNNING);
    expect(control.getTag(`${BAGGER}.Speed`)).toBe(120);
  });

  it("a fault bit outside the Faults array, an unknown prefix and setState DOWN are refused", async () => {
    const { control } = await emulatorWith();
    expect(() => control.forceFault("", 32)).toThrow(/does not fit/);
    expect(() => control.forceFault("Program:Nobody", 1)).toThrow(/no equipment/);
    expect(() => control.setState(BAGGER, "DOWN" as never)).toThrow(/use forceFault/);
  });

  it.each([
    ["IDLE", EquipmentState.IDLE],
    ["PLANNED_STOP", EquipmentState.PLANNED_STOP],
    ["CHANGEOVER", EquipmentState.CHANGEOVER],
  ] as const)("setState %s holds StateCode %i with the machine stopped", async (state, code) => {
    const { control } = await emulatorWith();
    control.setState(BAGGER, state);
    const before = control.getTag(`${BAGGER}.GoodCount`);
    control.advance(HOUR);
    expect(control.getTag(`${BAGGER}.StateCode`)).toBe(code);
    expect(control.getTag(`${BAGGER}.Running`)).toBe(false);
    expect(control.getTag(`${BAGGER}.Speed`)).toBe(0);
    expect(control.getTag(`${BAGGER}.GoodCount`)).toBe(before);
  });

  it("setState holds autonomous equipment too, until RUNNING hands it back", async () => {
    const { control } = await emulatorWith({ seed: 5 });
    control.setState(FILLER, "PLANNED_STOP");
    control.advance(4 * HOUR);
    expect(control.getTag(`${FILLER}.StateCode`)).toBe(EquipmentState.PLANNED_STOP);
    control.setState(FILLER, "RUNNING");
    control.advance(30_000);
    expect(control.getTag(`${FILLER}.Speed`)).toBeGreaterThan(200);
  });

  it("scripted equipment counts exactly its speed: 120/min for 10 minutes makes 1200 units", async () => {
    const { control } = await emulatorWith();
    const count = () =>
      (control.getTag(`${BAGGER}.GoodCount`) as number) + (control.getTag(`${BAGGER}.RejectCount`) as number);
    const start = count();
    control.advance(10 * 60_000);
    expect(count() - start).toBe(1200);
    control.setSpeed(BAGGER, 60);
    control.advance(10 * 60_000);
    expect(count() - start).toBe(1800);
    expect(control.getTag(`${BAGGER}.Speed`)).toBe(60);
  });
});

describe("forced tags", () => {
  it("a forced tag holds its value against the program until released, and the counters never notice", async () => {
    const { control } = await emulatorWith();
    const count = () => control.getTag(`${BAGGER}.GoodCount`) as number;
    const start = count();
    control.forceTag(`${BAGGER}.Speed`, Number.NaN);
    control.advance(60_000);
    expect(control.getTag(`${BAGGER}.Speed`)).toBeNaN();
    control.releaseTag(`${BAGGER}.Speed`);
    control.advance(60_000);
    expect(Number.isFinite(control.getTag(`${BAGGER}.Speed`) as number)).toBe(true);
    expect(count() - start).toBeGreaterThan(0);
  });
});

describe("counters and meters", () => {
  it("GoodCount wraps from 2^31-1 to -2^31 like a DINT", async () => {
    const { control } = await emulatorWith();
    control.setTag(`${BAGGER}.GoodCount`, 2 ** 31 - 10);
    control.advance(60_000); // 120 units, ~1-2% rejected
    const good = control.getTag(`${BAGGER}.GoodCount`) as number;
    expect(good).toBeLessThan(0);
    expect(good - -(2 ** 31)).toBeGreaterThan(100);
  });

  it("the energy meter climbs with load and only creeps while stopped", async () => {
    const { control } = await emulatorWith();
    const energy = () => control.getTag(`${BAGGER}.EnergyKWh`) as number;
    const e0 = energy();
    control.advance(HOUR);
    const running = energy() - e0;
    control.setState(BAGGER, "PLANNED_STOP");
    const e1 = energy();
    control.advance(HOUR);
    const stopped = energy() - e1;
    expect(running).toBeCloseTo(9.5, 1); // 1.5 kW idle + 8 kW load
    expect(stopped).toBeCloseTo(1.5, 1);
  });

  it("a preset written to the energy meter is where it continues from", async () => {
    const { control } = await emulatorWith();
    control.setTag(`${BAGGER}.EnergyKWh`, 1000);
    control.advance(HOUR);
    expect(control.getTag(`${BAGGER}.EnergyKWh`)).toBeCloseTo(1009.5, 1);
  });

  it("jaw temperature sits near 175 °C while running and cools during a planned stop", async () => {
    const { control } = await emulatorWith({ seed: 11 });
    control.setState(FILLER, "RUNNING");
    control.advance(10 * 60_000);
    expect(control.getTag(`${FILLER}.JawTempC`)).toBeGreaterThan(172);
    expect(control.getTag(`${FILLER}.JawTempC`)).toBeLessThan(178);
    control.setState(FILLER, "PLANNED_STOP");
    control.advance(30 * 60_000);
    expect(control.getTag(`${FILLER}.JawTempC`)).toBeLessThan(100);
  });

  it("Line_Heartbeat counts simulation steps", async () => {
    const { control } = await emulatorWith();
    const before = control.getTag("Line_Heartbeat") as number;
    control.advance(5_000);
    expect(control.getTag("Line_Heartbeat")).toBe(before + 50);
  });
});

describe("autonomous behaviour over a simulated shift", () => {
  it("eight hours bring micro-stops, faults with a first-out, recoveries and 1-2% rejects", async () => {
    const { control } = await emulatorWith({ seed: 2024, equipment: [testPlant[1]!] });
    const seenStates = new Set<number>();
    const firstOuts = new Set<number>();
    let faultsWithFirstOut = 0;
    const good0 = control.getTag(`${FILLER}.GoodCount`) as number;
    const rejects0 = control.getTag(`${FILLER}.RejectCount`) as number;
    for (let second = 0; second < 8 * 3600; second++) {
      control.advance(1000);
      const state = control.getTag(`${FILLER}.StateCode`) as number;
      seenStates.add(state);
      if (state === EquipmentState.DOWN) {
        const firstOut = control.getTag(`${FILLER}.FirstOutFault`) as number;
        const word = control.getTag(`${FILLER}.Faults[0]`) as number;
        if (firstOut >= 0 && (word & (1 << firstOut)) !== 0) faultsWithFirstOut++;
        firstOuts.add(firstOut);
      } else if (state === EquipmentState.RUNNING) {
        expect(control.getTag(`${FILLER}.FirstOutFault`)).toBe(-1);
        expect(control.getTag(`${FILLER}.Running`)).toBe(true);
      }
    }
    expect(seenStates).toContain(EquipmentState.RUNNING);
    expect(seenStates).toContain(EquipmentState.IDLE);
    expect(seenStates).toContain(EquipmentState.DOWN);
    expect(faultsWithFirstOut).toBeGreaterThan(0);
    for (const bit of firstOuts) expect([1, 2, 5, 9]).toContain(bit);
    const good = (control.getTag(`${FILLER}.GoodCount`) as number) - good0;
    const rejected = (control.getTag(`${FILLER}.RejectCount`) as number) - rejects0;
    expect(good).toBeGreaterThan(50_000);
    expect(rejected / (good + rejected)).toBeGreaterThan(0.008);
    expect(rejected / (good + rejected)).toBeLessThan(0.022);
  });

  it("speed drifts around its target while running, within a few percent", async () => {
    const equipment: EmulatedEquipment = {
      tagPrefix: "Program:Cartoner",
      targetSpeedPerMinute: 200,
      faultWords: 1,
      faultBits: [],
    };
    const { control } = await emulatorWith({
      seed: 8,
      equipment: [equipment],
      simulation: {
        meanSecondsBetweenMicroStops: 0,
        meanSecondsBetweenPlannedStops: 0,
        meanSecondsBetweenChangeovers: 0,
      },
    });
    const speeds: number[] = [];
    control.advance(60_000);
    for (let i = 0; i < 600; i++) {
      control.advance(1_000);
      speeds.push(control.getTag("Program:Cartoner.Speed") as number);
    }
    expect(Math.min(...speeds)).toBeGreaterThan(200 * 0.965);
    expect(Math.max(...speeds)).toBeLessThan(200 * 1.035);
    expect(new Set(speeds).size).toBeGreaterThan(100);
  });
});

describe("simulated time", () => {
  it("timeScale 600 runs a simulated minute in about 100 ms of real time", async () => {
    const emulator = await emulatorWith({ startPaused: false, timeScale: 600, tickMs: 20 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const simulated = emulator.control.stats().simulatedMs;
    expect(simulated).toBeGreaterThan(100_000);
    expect(simulated).toBeLessThan(400_000);
  });

  it("pause freezes simulated time and resume carries on without counting the pause", async () => {
    const emulator = await emulatorWith({ startPaused: false, timeScale: 100, tickMs: 10 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    emulator.control.pause();
    const frozen = emulator.control.stats().simulatedMs;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(emulator.control.stats().simulatedMs).toBe(frozen);
    expect(emulator.control.stats().paused).toBe(true);
    emulator.control.resume();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const after = emulator.control.stats().simulatedMs - frozen;
    expect(after).toBeGreaterThan(3_000);
    expect(after).toBeLessThan(14_000);
  });
});
