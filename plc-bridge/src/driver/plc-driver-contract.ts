// The behaviour every PlcDriver must show, as one vitest suite a driver's test file runs against a
// real or emulated controller (apollo-server's defineIntegrationTestSuite is the model).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PlcCommsError, PlcTagError } from "./plc-comms-error.ts";
import type { PlcDriver, TagSpec, TagType, TagValue } from "./plc-driver.ts";

/** A controller the suite can read, write and inspect behind the driver's back. */
export interface PlcDriverContractTarget {
  /** A new, unconnected driver for the controller. */
  createDriver(): PlcDriver;
  /** Sets a tag's value directly in the controller (not through the driver). */
  setTag(name: string, value: TagValue): void;
  /** Reads a tag's value directly from the controller. */
  getTag(name: string): TagValue;
  /** One writable scalar tag per atomic type, scoped to a program where the protocol has programs. */
  scalarTags: Record<TagType, string>;
  /** A DINT[2] tag. */
  dintArrayTag: string;
  /** The same symbol in two scopes: a program and another program or the controller. */
  sameSymbolInTwoScopes: readonly [string, string];
  /** A REAL array too large for one request, read in fragments. */
  largeRealArray: { name: string; length: number };
  /** At least 200 distinct readable tags. */
  batch: readonly TagSpec[];
  /** A name the controller does not hold. */
  unknownTag: string;
  /** Stops whatever serves the target. */
  teardown(): Promise<void>;
}

/** Values exact in their type (REAL 3.5 survives float32; LINT beyond 2^53). */
const sampleValues: Record<TagType, readonly [TagValue, TagValue]> = {
  BOOL: [true, false],
  SINT: [-7, 119],
  INT: [-1234, 31_000],
  DINT: [123_456_789, -2_000_000_000],
  LINT: [2n ** 53n + 7n, -(2n ** 62n)],
  REAL: [3.5, -0.125],
  LREAL: [1 / 3, -1e300],
};
const tagTypes = Object.keys(sampleValues) as TagType[];

export function describePlcDriverContract(name: string, createTarget: () => Promise<PlcDriverContractTarget>): void {
  describe(`PLC driver contract: ${name}`, () => {
    let target: PlcDriverContractTarget;
    let driver: PlcDriver;

    beforeAll(async () => {
      target = await createTarget();
      driver = target.createDriver();
      await driver.connect();
    });

    afterAll(async () => {
      await driver?.close();
      await target?.teardown();
    });

    const scalar = (type: TagType): TagSpec => ({ name: target.scalarTags[type], type });

    it("reads a scalar of every atomic type with the value the controller holds", async () => {
      for (const type of tagTypes) target.setTag(target.scalarTags[type], sampleValues[type][0]);
      const results = await driver.readTags(tagTypes.map(scalar));
      expect(results).toEqual(
        tagTypes.map((type) => ({ name: target.scalarTags[type], ok: true, value: sampleValues[type][0] })),
      );
    });

    it("reads a whole DINT[2] with every element", async () => {
      target.setTag(target.dintArrayTag, [0x0f0f_0f0f, -1]);
      const [result] = await driver.readTags([{ name: target.dintArrayTag, type: "DINT", length: 2 }]);
      expect(result).toEqual({ name: target.dintArrayTag, ok: true, value: [0x0f0f_0f0f, -1] });
    });

    it("reads one element of an array by index", async () => {
      target.setTag(target.dintArrayTag, [5, 6]);
      const [result] = await driver.readTags([{ name: `${target.dintArrayTag}[1]`, type: "DINT" }]);
      expect(result).toEqual({ name: `${target.dintArrayTag}[1]`, ok: true, value: 6 });
    });

    it("reads a program-scoped tag from its own scope, not another's with the same symbol", async () => {
      const [first, second] = target.sameSymbolInTwoScopes;
      target.setTag(first, 111);
      target.setTag(second, 222);
      const results = await driver.readTags([
        { name: first, type: "DINT" },
        { name: second, type: "DINT" },
      ]);
      expect(results.map((r) => r.ok && r.value)).toEqual([111, 222]);
    });

    it("reads an array too large for one packet with every element", async () => {
      const { name: arrayName, length } = target.largeRealArray;
      const values = Array.from({ length }, (_, i) => i + 0.5);
      target.setTag(arrayName, values);
      const [result] = await driver.readTags([{ name: arrayName, type: "REAL", length }]);
      expect(result).toEqual({ name: arrayName, ok: true, value: values });
    });

    it("an unknown tag is an ok:false result with the controller's status, and the rest of the batch still reads", async () => {
      target.setTag(target.scalarTags.DINT, 77);
      const results = await driver.readTags([
        scalar("DINT"),
        { name: target.unknownTag, type: "DINT" },
        scalar("DINT"),
      ]);
      expect(results[0]).toEqual({ name: target.scalarTags.DINT, ok: true, value: 77 });
      expect(results[1]).toMatchObject({
        name: target.unknownTag,
        ok: false,
        error: expect.any(String),
        code: expect.any(Number),
      });
      expect(results[2]).toEqual(results[0]);
      await expect(driver.readTags([{ name: target.unknownTag, type: "DINT" }])).resolves.toMatchObject([
        { ok: false },
      ]);
    });

    it("a tag read as the wrong type is an ok:false result, not a misread value", async () => {
      const [result] = await driver.readTags([{ name: target.scalarTags.DINT, type: "REAL" }]);
      expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/type/i) });
    });

    it("writes a value of every atomic type and reads it back", async () => {
      for (const type of tagTypes) await driver.writeTag(scalar(type), sampleValues[type][1]);
      const results = await driver.readTags(tagTypes.map(scalar));
      expect(results.map((r) => r.ok && r.value)).toEqual(tagTypes.map((type) => sampleValues[type][1]));
      for (const type of tagTypes) expect(target.getTag(target.scalarTags[type])).toEqual(sampleValues[type][1]);
    });

    it("writes a whole DINT[2] and reads it back", async () => {
      const spec: TagSpec = { name: target.dintArrayTag, type: "DINT", length: 2 };
      await driver.writeTag(spec, [-5, 1 << 30]);
      expect(await driver.readTags([spec])).toEqual([{ name: spec.name, ok: true, value: [-5, 1 << 30] }]);
    });

    it("writes an array too large for one packet and reads it back", async () => {
      const { name: arrayName, length } = target.largeRealArray;
      const spec: TagSpec = { name: arrayName, type: "REAL", length };
      const values = Array.from({ length }, (_, i) => -i - 0.25);
      await driver.writeTag(spec, values);
      expect(target.getTag(arrayName)).toEqual(values);
    });

    it("a value that does not fit the tag's type rejects with PlcTagError and changes nothing", async () => {
      target.setTag(target.scalarTags.SINT, 1);
      await expect(driver.writeTag(scalar("SINT"), 300)).rejects.toBeInstanceOf(PlcTagError);
      await expect(driver.writeTag(scalar("DINT"), 1.5)).rejects.toBeInstanceOf(PlcTagError);
      expect(target.getTag(target.scalarTags.SINT)).toBe(1);
    });

    it("writing an unknown tag rejects with PlcTagError carrying the controller's status", async () => {
      await expect(driver.writeTag({ name: target.unknownTag, type: "DINT" }, 1)).rejects.toMatchObject({
        name: "PlcTagError",
        cipStatus: expect.any(Number),
      });
    });

    it("reads a batch of 200 tags in one readTags call, results in request order", async () => {
      const batch = target.batch.slice(0, 200);
      expect(batch).toHaveLength(200);
      const results = await driver.readTags(batch);
      expect(results.map((r) => r.name)).toEqual(batch.map((t) => t.name));
      expect(results.filter((r) => !r.ok)).toEqual([]);
    });

    it("an empty batch reads nothing", async () => {
      expect(await driver.readTags([])).toEqual([]);
    });

    it("after close() reads throw PlcCommsError, and connect() brings it back", async () => {
      const second = target.createDriver();
      await second.connect();
      expect(second.connected).toBe(true);
      await second.close();
      expect(second.connected).toBe(false);
      await expect(second.readTags([scalar("DINT")])).rejects.toBeInstanceOf(PlcCommsError);
      await second.connect();
      await expect(second.readTags([scalar("DINT")])).resolves.toMatchObject([{ ok: true }]);
      await second.close();
      await second.close();
    });
  });
}
