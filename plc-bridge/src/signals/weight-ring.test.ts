// The weight ring publishes each weighing once, by the counter: several within one read are all
// published, none twice, in order; more than the ring holds loses only the oldest.
import { describe, expect, it } from "vitest";
import { WeightRing } from "./weight-ring.ts";

/** A PLC ring of `length` slots after weighings 1..count of value 25 + k/1000 (slot k mod length). */
function ringAfter(count: number, length = 8): number[] {
  const ring = new Array<number>(length).fill(0);
  for (let k = 1; k <= count; k++) ring[k % length] = 25 + k / 1000;
  return ring;
}

describe("the weight ring", () => {
  it("publishes nothing on the first read (the ring holds weighings from before)", () => {
    expect(new WeightRing().next(5, ringAfter(5))).toEqual([]);
  });

  it("publishes every weighing since the last read, once and in order, three within one scan included", () => {
    const ring = new WeightRing();
    ring.next(5, ringAfter(5));
    expect(ring.next(8, ringAfter(8))).toEqual([
      { weighCount: 6, value: 25.006 },
      { weighCount: 7, value: 25.007 },
      { weighCount: 8, value: 25.008 },
    ]);
    expect(ring.next(8, ringAfter(8))).toEqual([]);
    expect(ring.next(9, ringAfter(9))).toEqual([{ weighCount: 9, value: 25.009 }]);
  });

  it("keeps only what the ring still holds when more weighings than slots pass between reads", () => {
    const ring = new WeightRing();
    ring.next(1, ringAfter(1));
    const published = ring.next(20, ringAfter(20));
    expect(published.map((w) => w.weighCount)).toEqual([13, 14, 15, 16, 17, 18, 19, 20]);
  });

  it("follows the DINT counter across its wrap", () => {
    const ring = new WeightRing();
    ring.next(2_147_483_647, new Array(8).fill(25));
    expect(ring.next(-2_147_483_647, new Array(8).fill(25)).map((w) => w.weighCount)).toEqual([
      2_147_483_648, 2_147_483_649,
    ]);
  });
});
