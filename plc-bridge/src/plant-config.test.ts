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
