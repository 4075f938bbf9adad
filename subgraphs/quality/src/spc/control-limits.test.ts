// Control limits and constants against published textbook examples: Montgomery, Introduction to
// Statistical Quality Control (6th ed.), the piston-ring inside diameters of Table 6.3 (25 samples of
// 5; Examples 6.1 and 6.3), the orange-juice can p chart (Example 7.1) and the printed-circuit-board
// nonconformities c chart (Example 7.3); the constants against Appendix VI.
import { describe, expect, it } from "vitest";
import { c4Of, controlChartConstants } from "./control-chart-constants.ts";
import { BaselineInvalid, computeControlLimits } from "./control-limits.ts";
import { processCapability, processCapabilityOfSubgroups } from "./process-capability.ts";
import { subgroupStatistics } from "./subgroup-statistics.ts";

/** Montgomery Table 6.3: inside diameter (mm) of forged piston rings, samples 1–25, five rings each. */
export const PISTON_RING_SAMPLES: readonly (readonly number[])[] = [
  [74.03, 74.002, 74.019, 73.992, 74.008],
  [73.995, 73.992, 74.001, 74.011, 74.004],
  [73.998, 74.024, 74.021, 74.005, 74.002],
  [74.002, 73.996, 73.993, 74.015, 74.009],
  [73.992, 74.007, 74.015, 73.989, 74.014],
  [74.009, 73.994, 73.997, 73.985, 73.993],
  [73.995, 74.006, 73.994, 74.0, 74.005],
  [73.985, 74.003, 73.993, 74.015, 73.988],
  [74.008, 73.995, 74.009, 74.005, 74.004],
  [73.998, 74.0, 73.99, 74.007, 73.995],
  [73.994, 73.998, 73.994, 73.995, 73.99],
  [74.004, 74.0, 74.007, 74.0, 73.996],
  [73.983, 74.002, 73.998, 73.997, 74.012],
  [74.006, 73.967, 73.994, 74.0, 73.984],
  [74.012, 74.014, 73.998, 73.999, 74.007],
  [74.0, 73.984, 74.005, 73.998, 73.996],
  [73.994, 74.012, 73.986, 74.005, 74.007],
  [74.006, 74.01, 74.018, 74.003, 74.0],
  [73.984, 74.002, 74.003, 74.005, 73.997],
  [74.0, 74.01, 74.013, 74.02, 74.003],
  [73.982, 74.001, 74.015, 74.005, 73.996],
  [74.004, 73.999, 73.99, 74.006, 74.009],
  [74.01, 73.989, 73.99, 74.009, 74.014],
  [74.015, 74.008, 73.993, 74.0, 74.01],
  [73.982, 73.984, 73.995, 74.017, 74.013],
];

const pistonBaseline = PISTON_RING_SAMPLES.map((values) => ({ values }));

describe("control chart constants", () => {
  it("match Montgomery's Appendix VI to the table's three (c4: four) decimals", () => {
    const published = [
      { n: 2, A2: 1.88, A3: 2.659, c4: 0.7979, B3: 0, B4: 3.267, d2: 1.128, D3: 0, D4: 3.267 },
      { n: 5, A2: 0.577, A3: 1.427, c4: 0.94, B3: 0, B4: 2.089, d2: 2.326, D3: 0, D4: 2.114 },
      { n: 10, A2: 0.308, A3: 0.975, c4: 0.9727, B3: 0.284, B4: 1.716, d2: 3.078, D3: 0.223, D4: 1.777 },
      { n: 25, A2: 0.153, A3: 0.606, c4: 0.9896, B3: 0.565, B4: 1.435, d2: 3.931, D3: 0.459, D4: 1.541 },
    ];
    for (const row of published) {
      const k = controlChartConstants(row.n);
      expect(k.A2).toBeCloseTo(row.A2, 3);
      expect(k.A3).toBeCloseTo(row.A3, 3);
      expect(k.c4).toBeCloseTo(row.c4, 4);
      expect(k.B3).toBeCloseTo(row.B3, 3);
      expect(k.B4).toBeCloseTo(row.B4, 3);
      expect(k.d2).toBeCloseTo(row.d2, 3);
      expect(k.D3).toBeCloseTo(row.D3, 3);
      expect(k.D4).toBeCloseTo(row.D4, 3);
    }
  });

  it("refuse a subgroup size the tables do not cover", () => {
    expect(() => controlChartConstants(1)).toThrow(RangeError);
    expect(() => controlChartConstants(26)).toThrow(RangeError);
    expect(c4Of(30)).toBeGreaterThan(0.99);
  });
});

describe("X̄-R limits of the piston rings (Montgomery Example 6.1)", () => {
  const limits = computeControlLimits("XBAR_R", 5, pistonBaseline);

  it("put the centre line at x̄̄ = 74.001 and R̄ = 0.023", () => {
    expect(limits.location.center).toBeCloseTo(74.001, 3);
    expect(limits.dispersion!.center).toBeCloseTo(0.023, 3);
  });

  it("give X̄ limits 73.988 and 74.014 and R limits 0 and 0.049 (the book rounds R̄ first)", () => {
    expect(limits.location.lower).toBeCloseTo(73.988, 3);
    expect(limits.location.upper).toBeCloseTo(74.014, 3);
    expect(limits.dispersion!.lower).toBe(0);
    expect(Math.abs(limits.dispersion!.upper - 0.049)).toBeLessThan(0.001);
    expect(limits.sigmaMethod).toBe("R̄/d2");
    expect(limits.sigmaWithin).toBeCloseTo(0.02284 / 2.326, 5);
  });
});

describe("X̄-S limits of the piston rings (Montgomery Example 6.3)", () => {
  const limits = computeControlLimits("XBAR_S", 5, pistonBaseline);

  it("give X̄ limits 73.988 and 74.014 and an S chart from 0 to about 0.0196 (the book rounds each s to 4 decimals)", () => {
    expect(limits.location.lower).toBeCloseTo(73.988, 3);
    expect(limits.location.upper).toBeCloseTo(74.014, 3);
    expect(limits.dispersion!.lower).toBe(0);
    expect(Math.abs(limits.dispersion!.upper - 0.0196)).toBeLessThan(0.0003);
    expect(limits.sigmaMethod).toBe("s̄/c4");
  });
});

describe("I-MR limits", () => {
  it("are x̄ ± 3·MR̄/d2 and MR from 0 to 3.267·MR̄ (hand-computed)", () => {
    // Values 10, 12, 11, 13, 12: x̄ = 11.6, moving ranges 2, 1, 2, 1 → MR̄ = 1.5, σ = 1.5 / 1.128.
    const limits = computeControlLimits(
      "I_MR",
      1,
      [10, 12, 11, 13, 12].map((v) => ({ values: [v] })),
    );
    const sigma = 1.5 / 1.128;
    expect(limits.location.center).toBeCloseTo(11.6, 10);
    expect(limits.location.upper).toBeCloseTo(11.6 + 3 * sigma, 10);
    expect(limits.location.lower).toBeCloseTo(11.6 - 3 * sigma, 10);
    expect(limits.dispersion).toEqual({ center: 1.5, upper: 3.267 * 1.5, lower: 0 });
  });
});

describe("attribute chart limits", () => {
  it("p chart of the orange-juice cans: p̄ = 0.2313, UCL 0.4102, LCL 0.0524 (Montgomery Example 7.1)", () => {
    const defectives = [
      12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22, 8, 10, 5, 13, 11, 20, 18, 24, 15, 9, 12, 7, 13, 9, 6,
    ];
    const limits = computeControlLimits(
      "P",
      50,
      defectives.map((nonconforming) => ({ nonconforming, inspected: 50 })),
    );
    expect(limits.location.center).toBeCloseTo(0.2313, 4);
    expect(limits.location.upper).toBeCloseTo(0.4102, 4);
    expect(limits.location.lower).toBeCloseTo(0.0524, 4);
    const np = computeControlLimits(
      "NP",
      50,
      defectives.map((nonconforming) => ({ nonconforming, inspected: 50 })),
    );
    expect(np.location.center).toBeCloseTo(50 * 0.2313, 2);
  });

  it("c chart of circuit-board nonconformities: c̄ = 19.85, UCL 33.22, LCL 6.48 (Montgomery Example 7.3; the book rounds c̄ first)", () => {
    const defects = [
      21, 24, 16, 12, 15, 5, 28, 20, 31, 25, 20, 24, 16, 19, 10, 17, 13, 22, 18, 39, 30, 24, 16, 19, 17, 15,
    ];
    const limits = computeControlLimits(
      "C",
      1,
      defects.map((nonconforming) => ({ nonconforming })),
    );
    expect(limits.location.center).toBeCloseTo(19.85, 2);
    expect(Math.abs(limits.location.upper - 33.22)).toBeLessThan(0.01);
    expect(limits.location.lower).toBeCloseTo(6.48, 2);
  });

  it("u chart: ū = Σc / Σn and limits ū ± 3·sqrt(ū/n) (hand-computed)", () => {
    // 6 defects in 20 units over three samples: ū = 0.3; at n = 5, 3·sqrt(0.06) = 0.7348.
    const limits = computeControlLimits("U", 5, [
      { nonconforming: 1, inspected: 5 },
      { nonconforming: 3, inspected: 10 },
      { nonconforming: 2, inspected: 5 },
    ]);
    expect(limits.location.center).toBeCloseTo(0.3, 10);
    expect(limits.location.upper).toBeCloseTo(0.3 + 3 * Math.sqrt(0.3 / 5), 10);
    expect(limits.location.lower).toBe(0);
  });
});

describe("a baseline that cannot give limits", () => {
  it("is refused: a subgroup of the wrong size, a value that is not a number, too few subgroups", () => {
    expect(() => computeControlLimits("XBAR_R", 5, [{ values: [1, 2, 3] }])).toThrow(BaselineInvalid);
    expect(() => computeControlLimits("XBAR_R", 2, [{ values: [1, Number.NaN] }])).toThrow(BaselineInvalid);
    expect(() => computeControlLimits("I_MR", 1, [{ values: [1] }])).toThrow(BaselineInvalid);
    expect(() => computeControlLimits("P", 5, [{ nonconforming: 6, inspected: 5 }])).toThrow(BaselineInvalid);
  });
});

describe("process capability", () => {
  it("of the piston rings against 74.000 ± 0.05: Cp = 0.10 / 6σ̂ ≈ 1.68 with σ̂ = R̄/d2 (Montgomery §6.2)", () => {
    const limits = computeControlLimits("XBAR_R", 5, pistonBaseline);
    const capability = processCapability({
      values: PISTON_RING_SAMPLES.flat(),
      lowerSpec: 73.95,
      upperSpec: 74.05,
      sigmaWithin: limits.sigmaWithin,
      sigmaMethod: limits.sigmaMethod,
    })!;
    // The book's 1.68 uses σ̂ rounded to 0.0099; unrounded R̄/d2 gives 1.697.
    expect(Math.abs(capability.cp! - 1.68)).toBeLessThan(0.02);
    expect(capability.sampleCount).toBe(125);
    expect(capability.sigmaWithinMethod).toBe("R̄/d2");
  });

  it("on known data: Cp, Cpk within and Pp, Ppk overall (hand-computed)", () => {
    // Mean 10; squared deviations sum to 4 over 8 values → overall s = sqrt(4/7) = 0.75593.
    const values = [9, 10, 11, 10, 10, 9, 11, 10];
    const capability = processCapability({
      values,
      lowerSpec: 8,
      upperSpec: 13,
      sigmaWithin: 0.5,
      sigmaMethod: "R̄/d2",
    })!;
    expect(capability.mean).toBe(10);
    expect(capability.sigmaOverall).toBeCloseTo(Math.sqrt(4 / 7), 10);
    expect(capability.cp).toBeCloseTo(5 / 3, 10);
    expect(capability.cpk).toBeCloseTo(2 / 1.5, 10);
    expect(capability.pp).toBeCloseTo(5 / (6 * Math.sqrt(4 / 7)), 10);
    expect(capability.ppk).toBeCloseTo(2 / (3 * Math.sqrt(4 / 7)), 10);
  });

  it("with only an upper limit: no Cp, Cpk from the upper side alone", () => {
    const capability = processCapability({
      values: [9, 10, 11, 10],
      lowerSpec: null,
      upperSpec: 13,
      sigmaWithin: 0.5,
      sigmaMethod: "MR̄/d2",
    })!;
    expect(capability.cp).toBeNull();
    expect(capability.cpk).toBeCloseTo(2, 10);
  });

  it("from the subgroups' stored statistics equals the capability over every value (piston rings)", () => {
    const limits = computeControlLimits("XBAR_R", 5, pistonBaseline);
    const spec = {
      lowerSpec: 73.95,
      upperSpec: 74.05,
      sigmaWithin: limits.sigmaWithin,
      sigmaMethod: limits.sigmaMethod,
    };
    const fromValues = processCapability({ values: PISTON_RING_SAMPLES.flat(), ...spec })!;
    const fromStatistics = processCapabilityOfSubgroups(PISTON_RING_SAMPLES.map(subgroupStatistics), spec)!;
    expect(fromStatistics.sampleCount).toBe(125);
    expect(fromStatistics.mean).toBeCloseTo(fromValues.mean, 10);
    expect(fromStatistics.sigmaOverall).toBeCloseTo(fromValues.sigmaOverall, 10);
    expect(fromStatistics.pp).toBeCloseTo(fromValues.pp!, 8);
    expect(fromStatistics.ppk).toBeCloseTo(fromValues.ppk!, 8);
    expect(fromStatistics.cpk).toBeCloseTo(fromValues.cpk!, 10);
  });
});
