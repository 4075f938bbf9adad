// The SLC address syntax: what each address names, and a typed error for each malformed one.
import { describe, expect, it } from "vitest";
import { PcccAddressError, parsePcccAddress, parseTypedPcccAddress } from "./pccc-address.ts";
import { PcccFileType } from "./pccc-codes.ts";

describe("SLC addresses", () => {
  it.each([
    ["N7:0", 1, { fileNumber: 7, fileType: PcccFileType.Integer, element: 0, elementCount: 1, valueType: "INT" }],
    ["N7:10", 4, { fileNumber: 7, element: 10, elementCount: 4, valueType: "INT" }],
    ["B3:1/5", 1, { fileNumber: 3, fileType: PcccFileType.Bit, element: 1, bit: 5, valueType: "BOOL" }],
    ["B3/21", 1, { canonical: "B3:1/5", element: 1, bit: 5 }],
    ["F8:2", 1, { fileNumber: 8, fileType: PcccFileType.Float, element: 2, elementBytes: 4, valueType: "REAL" }],
    ["L9:3", 1, { fileNumber: 9, fileType: PcccFileType.Long, element: 3, valueType: "DINT" }],
    ["T4:0.ACC", 1, { fileType: PcccFileType.Timer, element: 0, subElement: 2, elementBytes: 6, valueType: "INT" }],
    ["T4:1.PRE", 1, { element: 1, subElement: 1, valueType: "INT" }],
    ["T4:1.EN", 1, { subElement: 0, bit: 15, valueType: "BOOL" }],
    ["C5:1.DN", 1, { fileType: PcccFileType.Counter, element: 1, subElement: 0, bit: 13, valueType: "BOOL" }],
    ["S:4", 1, { canonical: "S2:4", fileNumber: 2, fileType: PcccFileType.Status, element: 4 }],
    ["s2:1/5", 1, { canonical: "S2:1/5", bit: 5 }],
    ["N255:255", 1, { fileNumber: 255, element: 255 }],
  ] as const)("%s (length %i) names %o", (text, length, expected) => {
    expect(parsePcccAddress(text, length)).toMatchObject(expected);
  });

  it.each([
    ["N7:x", "syntax"],
    ["B3:0/16", "bit-range"],
    ["F8", "missing-element"],
    ["T4:0", "missing-subfield"],
    ["C5:0.EN", "subfield"],
    ["N7:0.ACC", "subfield"],
    ["F8:0/1", "bit-range"],
    ["N7:256", "element-range"],
    ["N300:0", "file-number"],
    ["ST9:0", "syntax"],
    ["I:1/0", "syntax"],
    ["", "syntax"],
  ] as const)("%s is a PcccAddressError (%s)", (text, problem) => {
    let thrown: unknown;
    try {
      parsePcccAddress(text);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PcccAddressError);
    expect(thrown).toMatchObject({ problem, code: "PLC_ADDRESS_INVALID", address: text });
  });

  it("a length on a bit or a timer field, or running past element 255, is refused", () => {
    expect(() => parsePcccAddress("B3:0/1", 2)).toThrow(/length must be 1/);
    expect(() => parsePcccAddress("T4:0.ACC", 2)).toThrow(/length must be 1/);
    expect(() => parsePcccAddress("N7:250", 10)).toThrow(/run past element 255/);
    expect(() => parsePcccAddress("N7:0", 0)).toThrow(/length/);
  });

  it("the configured type must be what the file holds", () => {
    expect(parseTypedPcccAddress("N7:0", "INT").valueType).toBe("INT");
    expect(() => parseTypedPcccAddress("N7:0", "DINT")).toThrow(/holds INT .* configured as DINT/);
    expect(() => parseTypedPcccAddress("B3:0/1", "INT")).toThrow(/holds BOOL/);
    expect(() => parseTypedPcccAddress("F8:0", "LREAL")).toThrow(PcccAddressError);
  });
});
