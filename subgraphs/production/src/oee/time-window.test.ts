import { describe, expect, it } from "vitest";
import { at } from "./oee-test-support.ts";
import { clipToWindow, fixedBuckets, intersectWindow, splitAcrossBuckets } from "./time-window.ts";

describe("clipping", () => {
  it("an interval is cut to the window, and one that only touches it is dropped", () => {
    const window = { start: at(10), end: at(20) };
    expect(intersectWindow({ start: at(5), end: at(15) }, window)).toEqual({ start: at(10), end: at(15) });
    expect(intersectWindow({ start: new Date(at(12)), end: new Date(at(30)) }, window)).toEqual({
      start: at(12),
      end: at(20),
    });
    expect(intersectWindow({ start: at(0), end: at(10) }, window)).toBeNull();
  });

  it("an open interval (the current state) runs to the window's end, and other fields are kept", () => {
    const clipped = clipToWindow(
      [
        { state: "DOWN", start: at(0), end: at(12) },
        { state: "RUNNING", start: at(12), end: null },
        { state: "IDLE", start: at(30), end: at(40) },
      ],
      { start: at(10), end: at(20) },
    );
    expect(clipped).toEqual([
      { state: "DOWN", start: at(10), end: at(12) },
      { state: "RUNNING", start: at(12), end: at(20) },
    ]);
  });
});

describe("splitting into buckets", () => {
  it("minute and hour buckets align to the clock and cover the whole range", () => {
    const minutes = fixedBuckets({ start: at(0.5), end: at(3) }, "MINUTE");
    expect(minutes).toEqual([
      { start: at(0), end: at(1) },
      { start: at(1), end: at(2) },
      { start: at(2), end: at(3) },
    ]);
    expect(fixedBuckets({ start: at(30), end: at(150) }, "HOUR")).toHaveLength(3);
  });

  it("hour buckets follow a +05:30 site's local hours when given its offset", () => {
    const offset = 5.5 * 3_600_000;
    const [first] = fixedBuckets({ start: at(0), end: at(60) }, "HOUR", offset);
    expect(first).toEqual({ start: at(-30), end: at(30) });
  });

  it("an interval split across hour buckets comes back in pieces that add up to it", () => {
    const hours = fixedBuckets({ start: at(0), end: at(180) }, "HOUR");
    const pieces = splitAcrossBuckets({ state: "DOWN" as const, start: at(50), end: at(130) }, hours);
    expect(pieces.map((p) => p.bucketIndex)).toEqual([0, 1, 2]);
    expect(pieces.map((p) => (p.piece.end - p.piece.start) / 60_000)).toEqual([10, 60, 10]);
    expect(pieces.every((p) => p.piece.state === "DOWN")).toBe(true);
  });

  it("an interval split across shifts lands in each shift it overlaps, and not in a gap between them", () => {
    const shifts = [
      { start: new Date(at(0)), end: new Date(at(480)) },
      { start: new Date(at(480)), end: new Date(at(960)) },
      { start: new Date(at(1_000)), end: new Date(at(1_440)) },
    ];
    const pieces = splitAcrossBuckets({ start: at(470), end: at(990) }, shifts);
    expect(pieces).toEqual([
      { bucketIndex: 0, piece: { start: at(470), end: at(480) } },
      { bucketIndex: 1, piece: { start: at(480), end: at(960) } },
    ]);
  });
});
