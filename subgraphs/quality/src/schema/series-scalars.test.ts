// The chart's list scalars are checked once, as a whole, where they are made: a bad item is an
// error at the subgraph, never a value JSON would silently turn into null.
import { describe, expect, it } from "vitest";
import { NUMBER_SERIES_SCALAR, STRING_SERIES_SCALAR } from "./series-scalars.ts";

describe("series scalars", () => {
  it("pass a list of finite numbers and nulls on unchanged", () => {
    const values = [25.1, -0.5, null, 0];
    expect(NUMBER_SERIES_SCALAR.serialize(values)).toBe(values);
  });

  it("refuse NaN, infinity, text and a non-list as a NumberSeries", () => {
    for (const bad of [[1, Number.NaN], [Number.POSITIVE_INFINITY], [1, "2"], 3]) {
      expect(() => NUMBER_SERIES_SCALAR.serialize(bad)).toThrow(/NumberSeries/);
    }
  });

  it("refuse a StringSeries holding anything but strings", () => {
    expect(STRING_SERIES_SCALAR.serialize(["C", "OUT"])).toEqual(["C", "OUT"]);
    expect(() => STRING_SERIES_SCALAR.serialize(["C", 1])).toThrow(/StringSeries/);
  });

  it("refuse to be read as input with BAD_USER_INPUT", () => {
    expect(() => NUMBER_SERIES_SCALAR.parseValue()).toThrow(expect.objectContaining({ code: "BAD_USER_INPUT" }));
    expect(() => STRING_SERIES_SCALAR.parseLiteral()).toThrow(expect.objectContaining({ code: "BAD_USER_INPUT" }));
  });
});
