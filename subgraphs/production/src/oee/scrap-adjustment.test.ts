// Scrap moves OEE quality by hand-computed amounts and is never counted twice.
import { describe, expect, it } from "vitest";
import { computeOee } from "./oee-calculation.ts";
import { countsAfterScrap } from "./scrap-adjustment.ts";

describe("scrap of units the PLC counted good", () => {
  it("moves them from good to reject: 900 good + 100 rejects, 50 scrapped → 850 good, 150 rejects", () => {
    expect(countsAfterScrap({ good: 900, reject: 100 }, { startup: 0, production: 50 })).toEqual({
      good: 850,
      startupRejects: 0,
      productionRejects: 150,
    });
  });

  it("puts startup scrap with the startup rejects", () => {
    expect(countsAfterScrap({ good: 900, reject: 100 }, { startup: 20, production: 30 })).toEqual({
      good: 850,
      startupRejects: 20,
      productionRejects: 130,
    });
  });

  it("never moves more units than the bucket counted good", () => {
    expect(countsAfterScrap({ good: 10, reject: 5 }, { startup: 0, production: 40 })).toEqual({
      good: 0,
      startupRejects: 0,
      productionRejects: 15,
    });
  });

  it("changes the hour's OEE quality from 0.90 to 0.85 and leaves availability and performance alone", () => {
    const start = Date.UTC(2026, 11, 7, 8);
    const bucket = (counts: { good: number; startupRejects: number; productionRejects: number }) =>
      computeOee({
        window: { start, end: start + 3_600_000 },
        states: [{ state: "RUNNING", start, end: start + 3_600_000 }],
        counts: [{ idealCycleTimeSeconds: 3, ...counts }],
      });
    const before = bucket({ good: 900, startupRejects: 0, productionRejects: 100 });
    const after = bucket(countsAfterScrap({ good: 900, reject: 100 }, { startup: 0, production: 50 }));
    expect(before.quality).toBeCloseTo(0.9, 10);
    expect(after.quality).toBeCloseTo(0.85, 10);
    expect(after.availability).toBe(before.availability);
    expect(after.performance).toBe(before.performance);
    expect(after.oee).toBeCloseTo(before.availability * before.performance * 0.85, 10);
  });
});
