// The emulated check weigher weighs every unit the controller's machine makes into its ring and
// counter, and the bridge's signal processor publishes each of those weighings once as a weight entry.
import { describe, expect, it } from "vitest";
import { EquipmentSignalProcessor } from "../src/equipment-signal-processor.ts";
import { parsePlantConfig } from "../src/plant-config.ts";
import { CheckWeigherSimulation } from "./check-weigher-simulation.ts";
import { ControllerSimulation } from "./controller-simulation.ts";
import { logixEmulatorDefaults } from "./emulator-defaults.ts";
import { SeededRandom } from "./seeded-random.ts";
import { TagDatabase } from "./tag-database.ts";

describe("the emulated check weigher", () => {
  it("weighs each unit the bagger makes, around the nominal, into its ring and counter", () => {
    const tags = new TagDatabase();
    const controller = new ControllerSimulation(tags, {
      seed: 7,
      timeScale: 1,
      stepMs: 100,
      tickMs: 100,
      maxStepsPerTick: 100,
      tunables: logixEmulatorDefaults.simulation,
      equipment: [
        { tagPrefix: "Program:Bagger1", targetSpeedPerMinute: 40, faultWords: 2, faultBits: [], autonomous: false },
        {
          tagPrefix: "Program:CheckWeigher1",
          targetSpeedPerMinute: 60,
          faultWords: 1,
          faultBits: [],
          checkWeigher: { nominalKg: 25.1, ringLength: 16 },
        },
      ],
    });
    controller.equipment("Program:Bagger1").setState("RUNNING");
    controller.equipment("Program:Bagger1").setSpeed(40);
    controller.advance(60_000);
    const made = controller.equipment("Program:Bagger1").unitsMade;
    const count = tags.find("Program:CheckWeigher1.WeighCount")!.data.readInt32LE(0);
    expect(made).toBeGreaterThan(30);
    expect(count).toBe(made);
    const ring = tags.find("Program:CheckWeigher1.WeightRing")!;
    const weights = Array.from({ length: 16 }, (_, i) => ring.data.readFloatLE(i * 4));
    for (const weight of weights) expect(Math.abs(weight - 25.1)).toBeLessThan(0.5);
  });

  it("is published by the bridge once per weighing, several within one read included", () => {
    const tags = new TagDatabase();
    const weigher = new CheckWeigherSimulation(
      { tagPrefix: "Program:CheckWeigher1", nominalKg: 25.1, ringLength: 8 },
      tags,
      new SeededRandom(1),
    );
    const config = parsePlantConfig({
      plcs: [
        {
          name: "PLC-BAG1",
          host: "127.0.0.1",
          equipment: [
            {
              code: "CW-1",
              line: "bagging-1",
              tagPrefix: "Program:CheckWeigher1",
              tags: {
                weighCount: { tag: "WeighCount", type: "DINT", scanMs: 100 },
                weightRing: { tag: "WeightRing", type: "REAL", length: 8, scanMs: 100 },
              },
            },
          ],
        },
      ],
    }).plcs[0]!.equipment[0]!;
    const processor = new EquipmentSignalProcessor(config);
    const read = () => {
      const ring = tags.find("Program:CheckWeigher1.WeightRing")!.data;
      return new Map<string, number | number[]>([
        ["Program:CheckWeigher1.WeighCount", tags.find("Program:CheckWeigher1.WeighCount")!.data.readInt32LE(0)],
        ["Program:CheckWeigher1.WeightRing", Array.from({ length: 8 }, (_, i) => ring.readFloatLE(i * 4))],
      ]);
    };
    expect(processor.process(read(), 1_000)).toEqual([]);
    weigher.record(25.11);
    weigher.record(25.2);
    weigher.record(24.95);
    const entries = processor.process(read(), 1_100);
    expect(
      entries.map(({ body }) =>
        body.type === "weight" && body.quality === "good"
          ? [body.type, body.weighCount, body.value.toFixed(2)]
          : [body.type],
      ),
    ).toEqual([
      ["weight", 1, "25.11"],
      ["weight", 2, "25.20"],
      ["weight", 3, "24.95"],
    ]);
    expect(processor.process(read(), 1_200)).toEqual([]);
  });
});
