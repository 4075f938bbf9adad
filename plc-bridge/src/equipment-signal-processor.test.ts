import { encodeStreamEntryBody } from "@ms5/schema/stream-entries";
import { describe, expect, it } from "vitest";
import type { TagValue } from "./driver/plc-driver.ts";
import { EquipmentSignalProcessor, type UnsequencedEntry } from "./equipment-signal-processor.ts";
import { parsePlantConfig } from "./plant-config.ts";

const plant = parsePlantConfig({
  plcs: [
    {
      name: "PLC-BAG1",
      host: "127.0.0.1",
      equipment: [
        {
          code: "BAGGER-1",
          line: "bagging-1",
          tagPrefix: "Program:Bagger1",
          tags: {
            running: { tag: "Running", type: "BOOL", scanMs: 100 },
            stateCode: { tag: "StateCode", type: "DINT", scanMs: 100 },
            faultWords: { tag: "Faults", type: "DINT", length: 2, scanMs: 100 },
            firstOutFault: { tag: "FirstOutFault", type: "DINT", scanMs: 100 },
            goodCount: { tag: "GoodCount", type: "DINT", scanMs: 500 },
            rejectCount: { tag: "RejectCount", type: "DINT", scanMs: 500 },
            speed: { tag: "Speed", type: "REAL", scanMs: 500, deadband: 0.5 },
            energyKwh: { tag: "EnergyKWh", type: "REAL", scanMs: 1000, deadband: 0.1 },
            jawTemperature: { tag: "JawTempC", type: "REAL", scanMs: 1000, deadband: 1 },
          },
          faultCatalog: [{ bitIndex: 4, faultCode: "BG-004", text: "Sealing jaw jam" }],
        },
      ],
    },
  ],
});

/** The entry's fields as they go onto the stream: what these tests pin down is the wire format. */
const fieldsOf = (entry: UnsequencedEntry) => encodeStreamEntryBody(entry.body);

const tags = (values: Record<string, TagValue>) =>
  new Map(Object.entries(values).map(([tag, value]) => [`Program:Bagger1.${tag}`, value] as [string, TagValue]));

describe("the equipment signal processor", () => {
  it("turns a stop with a fault into a first-out fault edge and a DOWN state carrying the catalog code", () => {
    const processor = new EquipmentSignalProcessor(plant.plcs[0]!.equipment[0]!);
    processor.process(tags({ Running: true, StateCode: 1, Faults: [0, 0], FirstOutFault: -1 }), 1_000);
    const entries = processor.process(
      tags({ Running: false, StateCode: 3, Faults: [1 << 4, 1 << 9], FirstOutFault: 4 }),
      1_100,
    );
    expect(entries.map((e) => [e.body.type, fieldsOf(e)])).toEqual([
      ["fault", { edge: "rising", bitIndex: "4", faultCode: "BG-004", faultText: "Sealing jaw jam", firstOut: "true" }],
      [
        "fault",
        {
          edge: "rising",
          bitIndex: "41",
          faultCode: "UNKNOWN-41",
          faultText: "Fault bit 41 (not in the fault catalog)",
          firstOut: "false",
        },
      ],
      [
        "state",
        { state: "DOWN", previousState: "RUNNING", stateCode: "3", firstOutFaultBit: "4", firstOutFaultCode: "BG-004" },
      ],
    ]);
    expect(entries.every((e) => e.equipment === "BAGGER-1" && e.line === "bagging-1" && e.ts === 1_100)).toBe(true);
  });

  it("publishes counter increments only when parts were made, with the PLC totals", () => {
    const processor = new EquipmentSignalProcessor(plant.plcs[0]!.equipment[0]!);
    expect(processor.process(tags({ GoodCount: 100, RejectCount: 3 }), 0)).toEqual([]);
    expect(processor.process(tags({ GoodCount: 100, RejectCount: 3 }), 500)).toEqual([]);
    const [counts] = processor.process(tags({ GoodCount: 120, RejectCount: 4 }), 1_000);
    expect(counts && fieldsOf(counts)).toEqual({
      goodDelta: "20",
      rejectDelta: "1",
      goodTotal: "120",
      rejectTotal: "4",
    });
  });

  it("keeps counting through a comms loss: parts made while the PLC was unreachable are not lost", () => {
    const processor = new EquipmentSignalProcessor(plant.plcs[0]!.equipment[0]!);
    processor.process(tags({ Running: true, StateCode: 1, Faults: [0, 0], GoodCount: 10, RejectCount: 0 }), 0);
    const lost = processor.commsLost(5_000);
    expect(lost.map((e) => fieldsOf(e).state)).toEqual(["COMMS_LOST"]);
    const back = processor.process(
      tags({ Running: true, StateCode: 1, Faults: [0, 0], GoodCount: 70, RejectCount: 0 }),
      9_000,
    );
    expect(back.map((e) => e.body.type)).toEqual(["state", "counts"]);
    expect(fieldsOf(back[0]!)).toMatchObject({ state: "RUNNING", previousState: "COMMS_LOST" });
    expect(fieldsOf(back[1]!).goodDelta).toBe("60");
  });

  it("publishes speed and free-form tags on deadband, and energy with its increment", () => {
    const processor = new EquipmentSignalProcessor(plant.plcs[0]!.equipment[0]!);
    const first = processor.process(tags({ Speed: 39.8, JawTempC: 175.2, EnergyKWh: 1000 }), 0);
    expect(first.map((e) => [e.body.type, fieldsOf(e).signal ?? fieldsOf(e).meterKwh])).toEqual([
      ["sample", "speed"],
      ["sample", "jawTemperature"],
      ["energy", "1000"],
    ]);
    expect(processor.process(tags({ Speed: 40.0, JawTempC: 175.5, EnergyKWh: 1000.05 }), 500)).toEqual([]);
    const later = processor.process(tags({ Speed: 41.0, EnergyKWh: 1000.25 }), 1_000);
    expect(later.map((e) => fieldsOf(e))).toEqual([
      { signal: "speed", value: "41", reason: "change" },
      { meterKwh: "1000.25", deltaKwh: "0.25" },
    ]);
  });

  it("publishes a NaN speed as bad quality without a value, and the next real speed at once", () => {
    const processor = new EquipmentSignalProcessor(plant.plcs[0]!.equipment[0]!);
    processor.process(tags({ Speed: 40 }), 0);
    const bad = processor.process(tags({ Speed: Number.NaN }), 500);
    expect(bad.map((e) => fieldsOf(e))).toEqual([{ signal: "speed", value: "", reason: "change", quality: "bad" }]);
    expect(processor.process(tags({ Speed: Number.NaN }), 1_000)).toEqual([]);
    const back = processor.process(tags({ Speed: 40.2 }), 1_500);
    expect(back.map((e) => fieldsOf(e))).toEqual([{ signal: "speed", value: "40.2", reason: "change" }]);
  });

  it("publishes an energy meter's NaN as bad quality, and later increments count from the last good reading", () => {
    const processor = new EquipmentSignalProcessor(plant.plcs[0]!.equipment[0]!);
    processor.process(tags({ EnergyKWh: 1000 }), 0);
    const bad = processor.process(tags({ EnergyKWh: Number.NaN }), 1_000);
    expect(bad.map((e) => fieldsOf(e))).toEqual([{ meterKwh: "", deltaKwh: "", quality: "bad" }]);
    expect(processor.process(tags({ EnergyKWh: 1000.5 }), 2_000).map((e) => fieldsOf(e))).toEqual([
      { meterKwh: "1000.5", deltaKwh: "0.5" },
    ]);
    expect(processor.process(tags({ EnergyKWh: 1001 }), 3_000).map((e) => fieldsOf(e))).toEqual([
      { meterKwh: "1001", deltaKwh: "0.5" },
    ]);
  });

  it("counts the parts made while the bridge was down from the totals it last published", () => {
    const processor = new EquipmentSignalProcessor(plant.plcs[0]!.equipment[0]!);
    processor.restoreCounterTotals({ good: 100, reject: 3 });
    const [counts] = processor.process(tags({ GoodCount: 160, RejectCount: 5 }), 0);
    expect(counts && fieldsOf(counts)).toEqual({
      goodDelta: "60",
      rejectDelta: "2",
      goodTotal: "160",
      rejectTotal: "5",
    });
  });

  it("takes an SLC's INT fault words B3:0-B3:3 through the same catalog, and an N-file counter's wrap as parts made", () => {
    const [loader] = parsePlantConfig({
      plcs: [
        {
          name: "PLC-LOAD1",
          driver: "SLC_PCCC",
          host: "127.0.0.1",
          equipment: [
            {
              code: "LOADER-1",
              line: "loading-1",
              tags: {
                stateCode: { tag: "N7:0", type: "INT", scanMs: 100 },
                faultWords: { tag: "B3:0", type: "INT", length: 4, scanMs: 100 },
                firstOutFault: { tag: "N7:3", type: "INT", scanMs: 100 },
                goodCount: { tag: "N7:1", type: "INT", scanMs: 1_000 },
              },
              faultCatalog: [{ bitIndex: 17, faultCode: "BL-017", text: "Hoist over-travel" }],
            },
          ],
        },
      ],
    }).plcs[0]!.equipment;
    const processor = new EquipmentSignalProcessor(loader!);
    const slc = (values: Record<string, TagValue>) => new Map(Object.entries(values));
    processor.process(slc({ "N7:0": 1, "B3:0": [0, 0, 0, 0], "N7:3": -1, "N7:1": 32_766 }), 1_000);
    const entries = processor.process(slc({ "N7:0": 3, "B3:0": [0, 0b10, 0, 0], "N7:3": 17, "N7:1": -32_766 }), 2_000);
    const summary = entries.map(({ body }) =>
      body.type === "fault"
        ? [body.type, body.faultCode]
        : body.type === "state"
          ? [body.type, body.state]
          : body.type === "counts"
            ? [body.type, body.goodDelta]
            : [body.type],
    );
    expect(summary).toEqual([
      ["fault", "BL-017"],
      ["state", "DOWN"],
      ["counts", 4],
    ]);
    const state = entries[1]!.body;
    expect(state.type === "state" ? state.firstOutFaultCode : undefined).toBe("BL-017");
  });
});
