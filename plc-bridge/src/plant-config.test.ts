// The plant file's scan-rate limits: state tags may be scanned as fast as a controller serves a few
// tags (20 ms), and nothing faster gets through to the poller.
import { describe, expect, it } from "vitest";
import { parsePlantConfig } from "./plant-config.ts";

const plantWithRunningScannedEvery = (scanMs: number) => ({
  plcs: [
    {
      name: "PLC-BAG1",
      host: "127.0.0.1",
      equipment: [{ code: "BAGGER-1", line: "bagging-1", tags: { running: { tag: "Running", type: "BOOL", scanMs } } }],
    },
  ],
});

describe("plant file scan rates", () => {
  it("accepts state tags scanned every 20 ms", () => {
    const plant = parsePlantConfig(plantWithRunningScannedEvery(20));
    expect(plant.plcs[0]!.equipment[0]!.tags.running!.scanMs).toBe(20);
  });

  it("refuses a scan faster than 20 ms with a message naming the limit", () => {
    expect(() => parsePlantConfig(plantWithRunningScannedEvery(19))).toThrow(/scan rate is at least 20 ms/);
  });
});

const slcPlant = (tags: Record<string, unknown>, tagPrefix = "") => ({
  plcs: [
    {
      name: "PLC-LOAD1",
      driver: "SLC_PCCC",
      host: "127.0.0.1",
      equipment: [{ code: "LOADER-1", line: "loading-1", tagPrefix, tags }],
    },
  ],
});

describe("plant file addresses, checked in each driver's own syntax", () => {
  it("accepts an SLC tag map of data-table addresses", () => {
    const plant = parsePlantConfig(
      slcPlant({
        running: { tag: "B3:4/0", type: "BOOL", scanMs: 100 },
        faultWords: { tag: "B3:0", type: "INT", length: 4, scanMs: 100 },
        goodCount: { tag: "N7:1", type: "INT", scanMs: 1_000 },
        speed: { tag: "F8:0", type: "REAL", scanMs: 1_000 },
        cycleTime: { tag: "T4:0.ACC", type: "INT", scanMs: 1_000 },
      }),
    );
    expect(plant.plcs[0]!.driver).toBe("SLC_PCCC");
  });

  it.each([
    ["N7:x", "INT", /not an SLC address/],
    ["B3:0/16", "BOOL", /bit 16/],
    ["F8", "REAL", /no element/],
    ["T4:0", "INT", /needs a field/],
    ["N7:0", "REAL", /type mismatch/],
  ])("refuses the SLC address %s as %s, naming the binding", (tag, type, message) => {
    expect(() => parsePlantConfig(slcPlant({ goodCount: { tag, type, scanMs: 1_000 } }))).toThrow(
      new RegExp(`equipment\\.0\\.tags\\.goodCount\\.tag: .*${message.source}`),
    );
  });

  it("refuses a program-scope prefix on an SLC and fault words that are not integers", () => {
    expect(() =>
      parsePlantConfig(slcPlant({ goodCount: { tag: "N7:1", type: "INT", scanMs: 1_000 } }, "Program:Loader1")),
    ).toThrow(/no program scopes/);
    expect(() =>
      parsePlantConfig(slcPlant({ faultWords: { tag: "F8:0", type: "REAL", length: 4, scanMs: 100 } })),
    ).toThrow(/fault words are SINT, INT or DINT/);
  });

  it("refuses a Logix tag name Logix could not hold", () => {
    expect(() =>
      parsePlantConfig({
        plcs: [
          {
            name: "PLC-BAG1",
            host: "127.0.0.1",
            equipment: [
              {
                code: "BAGGER-1",
                line: "bagging-1",
                tags: { goodCount: { tag: "Good Count", type: "DINT", scanMs: 500 } },
              },
            ],
          },
        ],
      }),
    ).toThrow(/goodCount\.tag: .*not a Logix tag/);
  });
});
