// Each run rule against a sequence that breaks exactly it (and no other rule) and one that narrowly
// does not. Values are z-scores (centre 0, σ 1), so the sequences read as distances in σ.
import { describe, expect, it } from "vitest";
import { type ChartPoint, chartViolations, RUN_RULES, type RunRule } from "./run-rules.ts";

const points = (zs: readonly number[]): ChartPoint[] => zs.map((z, i) => ({ sequence: i + 1, value: z, z }));
const rulesBroken = (zs: readonly number[]) => [...new Set(chartViolations(points(zs), RUN_RULES).map((v) => v.rule))];

const alternating14 = Array.from({ length: 14 }, (_, i) => (i % 2 === 0 ? 0.5 : -0.5));
const within15 = [0.3, 0.5, -0.3, -0.5, 0.3, 0.5, -0.3, -0.5, 0.3, 0.5, -0.3, -0.5, 0.3, 0.5, -0.3];

const cases: { rule: RunRule; breaks: number[]; narrowlyNot: number[]; why: string }[] = [
  { rule: "WE1", breaks: [0.5, -0.5, 3.2], narrowlyNot: [0.5, -0.5, 3.0], why: "3σ exactly is not beyond" },
  {
    rule: "WE2",
    breaks: [0.2, 2.1, -0.3, 2.2],
    narrowlyNot: [0.2, 2.1, -0.3, 2.0],
    why: "the second point sits on 2σ",
  },
  {
    rule: "WE3",
    breaks: [1.1, 1.2, -0.5, 1.3, 1.4],
    narrowlyNot: [1.1, 1.2, -0.5, 1.3, 1.0],
    why: "the fourth point sits on 1σ",
  },
  {
    rule: "WE4",
    breaks: [0.5, 0.3, 0.6, 0.2, 0.5, 0.3, 0.6, 0.2],
    narrowlyNot: [-0.5, 0.3, 0.6, 0.2, 0.5, 0.3, 0.6, 0.2],
    why: "only seven on one side",
  },
  {
    rule: "N5",
    breaks: [-0.9, -0.5, -0.1, 0.2, 0.5, 0.8],
    narrowlyNot: [-0.9, -0.5, -0.1, 0.2, 0.5, 0.5],
    why: "the last step is flat",
  },
  {
    rule: "N6",
    breaks: alternating14,
    narrowlyNot: [...alternating14.slice(0, 13), 0.7],
    why: "the last step goes the same way as the one before",
  },
  { rule: "N7", breaks: within15, narrowlyNot: [...within15.slice(0, 14), -1.0], why: "the last point sits on 1σ" },
  {
    rule: "N8",
    breaks: [1.5, -1.5, 1.2, -1.2, 1.5, -1.5, 1.2, -1.2],
    narrowlyNot: [1.5, -1.5, 1.2, -1.2, 1.5, -1.5, 1.2, -1.0],
    why: "the last point sits on 1σ",
  },
];

describe("run rules", () => {
  for (const { rule, breaks, narrowlyNot, why } of cases) {
    it(`${rule}: [${breaks.join(", ")}] breaks ${rule} and no other rule`, () => {
      expect(rulesBroken(breaks)).toEqual([rule]);
    });
    it(`${rule}: [${narrowlyNot.join(", ")}] breaks nothing (${why})`, () => {
      expect(rulesBroken(narrowlyNot)).toEqual([]);
    });
  }

  it("report a violation at the point that completed it, with every point of the pattern", () => {
    const [violation] = chartViolations(points([0.2, 2.1, -0.3, 2.2]), ["WE2"]);
    expect(violation).toEqual({ rule: "WE2", sequence: 4, points: [2, 3, 4] });
  });

  it("check only the rules selected for the characteristic", () => {
    expect(chartViolations(points([0.5, -0.5, 3.2]), ["WE2", "WE4"])).toEqual([]);
  });
});
