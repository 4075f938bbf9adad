// The behaviour every PlcDriver must show, as one vitest suite a driver's test file runs against a
// real or emulated controller (apollo-server's defineIntegrationTestSuite is the model): reads and
// writes of each type the protocol has, batches, unknown tags, reconnects, and a controller that
// drops, splits, corrupts, refuses or ignores its replies, without leaking listeners, timers or heap.
import net from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PlcCommsError, PlcTagError } from "./plc-comms-error.ts";
import type { PlcDriver, PlcEndpoint, TagSpec, TagType, TagValue } from "./plc-driver.ts";

/** How the emulated controller answers (the emulator's reply modes). */
export type ContractReplyMode = "normal" | "split" | "malformed" | "silent" | "unknown-tag";

/** A controller the suite can read, write and inspect behind the driver's back. */
export interface PlcDriverContractTarget {
  /** A new, unconnected driver for the controller; overrides change its endpoint (port, timeout). */
  createDriver(overrides?: Partial<PlcEndpoint>): PlcDriver;
  /** Sets a tag's value directly in the controller (not through the driver). */
  setTag(name: string, value: TagValue): void;
  /** Reads a tag's value directly from the controller. */
  getTag(name: string): TagValue;
  /** One writable scalar tag per atomic type the protocol has (at least one integer type). */
  scalarTags: Partial<Record<TagType, string>>;
  /** A two-element integer array, and the name of one of its elements by index. */
  integerArray: { name: string; type: TagType; elementName(index: number): string };
  /** The same symbol in two scopes, where the protocol has program scopes. */
  sameSymbolInTwoScopes?: readonly [string, string];
  /** A REAL array too large for one request, read in several. */
  largeRealArray: { name: string; length: number };
  /** At least 200 distinct readable tags. */
  batch: readonly TagSpec[];
  /** An address the controller does not hold (syntactically valid). */
  unknownTag: string;
  /** Misbehaviour on the wire, and dropping every client socket. */
  setReplyMode(mode: ContractReplyMode): void;
  dropConnections(): void;
  /** Listeners on the driver's socket, all events together. */
  socketListenerCount(driver: PlcDriver): number;
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
/** A value just past each integer type's range. */
const tooLarge: Partial<Record<TagType, number>> = { SINT: 300, INT: 40_000, DINT: 2 ** 31 };
const arraySamples: Partial<Record<TagType, readonly [number[], number[]]>> = {
  INT: [
    [0x0f0f, -1],
    [-5, 1 << 14],
  ],
  DINT: [
    [0x0f0f_0f0f, -1],
    [-5, 1 << 30],
  ],
};
const INTEGER_TYPES: readonly TagType[] = ["SINT", "INT", "DINT", "LINT"];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A full garbage collection, so heap readings compare live objects only. */
function collectGarbage(): void {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
}

const activeTimers = () => process.getActiveResourcesInfo().filter((resource) => resource === "Timeout").length;

async function timed<T>(work: Promise<T>): Promise<{ ms: number; outcome: PromiseSettledResult<T> }> {
  const started = performance.now();
  const [outcome] = await Promise.allSettled([work]);
  return { ms: performance.now() - started, outcome: outcome! };
}

function rejection(outcome: PromiseSettledResult<unknown>): unknown {
  expect(outcome.status).toBe("rejected");
  return (outcome as PromiseRejectedResult).reason;
}

/** A loopback port nobody listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function describePlcDriverContract(name: string, createTarget: () => Promise<PlcDriverContractTarget>): void {
  describe(`PLC driver contract: ${name}`, () => {
    let target: PlcDriverContractTarget;
    let driver: PlcDriver;
    let tagTypes: TagType[];
    /** The narrowest integer scalar the protocol has. */
    let integerType: TagType;
    const extraDrivers: PlcDriver[] = [];

    beforeAll(async () => {
      target = await createTarget();
      tagTypes = (Object.keys(sampleValues) as TagType[]).filter((type) => target.scalarTags[type] !== undefined);
      integerType = INTEGER_TYPES.find((type) => target.scalarTags[type] !== undefined)!;
      driver = target.createDriver();
      await driver.connect();
    });

    afterAll(async () => {
      await driver?.close();
      await target?.teardown();
    });

    beforeEach(() => target.setReplyMode("normal"));
    afterEach(async () => {
      target.setReplyMode("normal");
      for (const extra of extraDrivers.splice(0)) await extra.close();
    });

    const scalar = (type: TagType): TagSpec => ({ name: target.scalarTags[type]!, type });

    async function connectedDriver(overrides: Partial<PlcEndpoint> = {}): Promise<PlcDriver> {
      const extra = target.createDriver(overrides);
      extraDrivers.push(extra);
      await extra.connect();
      return extra;
    }

    it("has an integer scalar type to test with", () => {
      expect(integerType).toBeDefined();
    });

    it("reads a scalar of every atomic type the protocol has with the value the controller holds", async () => {
      for (const type of tagTypes) target.setTag(target.scalarTags[type]!, sampleValues[type][0]);
      const results = await driver.readTags(tagTypes.map(scalar));
      expect(results).toEqual(
        tagTypes.map((type) => ({ name: target.scalarTags[type], ok: true, value: sampleValues[type][0] })),
      );
    });

    it("reads a whole two-element integer array with every element", async () => {
      const { name: arrayName, type } = target.integerArray;
      const values = arraySamples[type]![0];
      target.setTag(arrayName, values);
      const [result] = await driver.readTags([{ name: arrayName, type, length: 2 }]);
      expect(result).toEqual({ name: arrayName, ok: true, value: values });
    });

    it("reads one element of an array by index", async () => {
      const { name: arrayName, type, elementName } = target.integerArray;
      target.setTag(arrayName, [5, 6]);
      const [result] = await driver.readTags([{ name: elementName(1), type }]);
      expect(result).toEqual({ name: elementName(1), ok: true, value: 6 });
    });

    it("reads a program-scoped tag from its own scope, not another's with the same symbol", async () => {
      if (!target.sameSymbolInTwoScopes) return; // the protocol has no program scopes
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
      target.setTag(target.scalarTags[integerType]!, 77);
      const results = await driver.readTags([
        scalar(integerType),
        { name: target.unknownTag, type: integerType },
        scalar(integerType),
      ]);
      expect(results[0]).toEqual({ name: target.scalarTags[integerType], ok: true, value: 77 });
      expect(results[1]).toMatchObject({
        name: target.unknownTag,
        ok: false,
        error: expect.any(String),
        code: expect.any(Number),
      });
      expect(results[2]).toEqual(results[0]);
      await expect(driver.readTags([{ name: target.unknownTag, type: integerType }])).resolves.toMatchObject([
        { ok: false },
      ]);
    });

    it("a tag read as the wrong type is an ok:false result, not a misread value", async () => {
      const [result] = await driver.readTags([{ name: target.scalarTags[integerType]!, type: "REAL" }]);
      expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/type/i) });
    });

    it("writes a value of every atomic type the protocol has and reads it back", async () => {
      for (const type of tagTypes) await driver.writeTag(scalar(type), sampleValues[type][1]);
      const results = await driver.readTags(tagTypes.map(scalar));
      expect(results.map((r) => r.ok && r.value)).toEqual(tagTypes.map((type) => sampleValues[type][1]));
      for (const type of tagTypes) expect(target.getTag(target.scalarTags[type]!)).toEqual(sampleValues[type][1]);
    });

    it("writes a whole two-element integer array and reads it back", async () => {
      const { name: arrayName, type } = target.integerArray;
      const values = arraySamples[type]![1];
      const spec: TagSpec = { name: arrayName, type, length: 2 };
      await driver.writeTag(spec, values);
      expect(await driver.readTags([spec])).toEqual([{ name: spec.name, ok: true, value: values }]);
    });

    it("writes an array too large for one packet and reads it back", async () => {
      const { name: arrayName, length } = target.largeRealArray;
      const spec: TagSpec = { name: arrayName, type: "REAL", length };
      const values = Array.from({ length }, (_, i) => -i - 0.25);
      await driver.writeTag(spec, values);
      expect(target.getTag(arrayName)).toEqual(values);
    });

    it("a value that does not fit the tag's type rejects with PlcTagError and changes nothing", async () => {
      target.setTag(target.scalarTags[integerType]!, 1);
      await expect(driver.writeTag(scalar(integerType), tooLarge[integerType]!)).rejects.toBeInstanceOf(PlcTagError);
      await expect(driver.writeTag(scalar(integerType), 1.5)).rejects.toBeInstanceOf(PlcTagError);
      expect(target.getTag(target.scalarTags[integerType]!)).toBe(1);
    });

    it("writing an unknown tag rejects with PlcTagError carrying the controller's status", async () => {
      await expect(driver.writeTag({ name: target.unknownTag, type: integerType }, 1)).rejects.toMatchObject({
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
      await expect(second.readTags([scalar(integerType)])).rejects.toBeInstanceOf(PlcCommsError);
      await second.connect();
      await expect(second.readTags([scalar(integerType)])).resolves.toMatchObject([{ ok: true }]);
      await second.close();
      await second.close();
    });

    it("connecting to a port nobody listens on rejects with PlcCommsError kind refused", async () => {
      const refused = target.createDriver({ port: await closedPort() });
      const error = rejection((await timed(refused.connect())).outcome);
      expect(error).toBeInstanceOf(PlcCommsError);
      expect(error).toMatchObject({ kind: "refused" });
      expect(refused.connected).toBe(false);
    });

    it("a controller that drops the connection makes readTags reject with PlcCommsError closed, promptly", async () => {
      const dropped = await connectedDriver({ timeoutMs: 5_000 });
      await expect(dropped.readTags([scalar(integerType)])).resolves.toMatchObject([{ ok: true }]);
      target.dropConnections();
      const { ms, outcome } = await timed(dropped.readTags([scalar(integerType)]));
      expect(rejection(outcome)).toMatchObject({ name: "PlcCommsError", kind: "closed" });
      expect(ms).toBeLessThan(1_000);
      expect(dropped.connected).toBe(false);
      await dropped.connect();
      await expect(dropped.readTags([scalar(integerType)])).resolves.toMatchObject([{ ok: true }]);
      await driver.close();
      await driver.connect();
    });

    it("a silent controller fails the read with a timeout within timeoutMs", async () => {
      const waiting = await connectedDriver({ timeoutMs: 300 });
      target.setReplyMode("silent");
      const { ms, outcome } = await timed(waiting.readTags([scalar(integerType)]));
      expect(rejection(outcome)).toMatchObject({ name: "PlcCommsError", kind: "timeout" });
      expect(ms).toBeGreaterThanOrEqual(290);
      expect(ms).toBeLessThan(300 + 500);
    });

    it("a silent controller fails connect() with a timeout", async () => {
      target.setReplyMode("silent");
      const waiting = target.createDriver({ timeoutMs: 300 });
      extraDrivers.push(waiting);
      const { ms, outcome } = await timed(waiting.connect());
      expect(rejection(outcome)).toMatchObject({ name: "PlcCommsError", kind: "timeout" });
      expect(ms).toBeLessThan(1_500);
    });

    it("replies split into chunks are read correctly, and a write goes through", async () => {
      const splitting = await connectedDriver();
      const { name: largeName, length } = target.largeRealArray;
      const history = Array.from({ length }, (_, i) => i * 2);
      target.setTag(largeName, history);
      target.setTag(target.integerArray.name, [3, -3]);
      target.setReplyMode("split");
      const results = await splitting.readTags([
        ...target.batch.slice(0, 60),
        { name: largeName, type: "REAL", length },
        { name: target.integerArray.name, type: target.integerArray.type, length: 2 },
      ]);
      expect(results.filter((r) => !r.ok)).toEqual([]);
      expect(results.at(-2)).toEqual({ name: largeName, ok: true, value: history });
      expect(results.at(-1)).toEqual({ name: target.integerArray.name, ok: true, value: [3, -3] });
      await splitting.writeTag(scalar(integerType), 42);
      expect(target.getTag(target.scalarTags[integerType]!)).toBe(42);
    });

    it("malformed replies fail the read cleanly (no value, no crash) and a new connection reads normally", async () => {
      const misled = await connectedDriver({ timeoutMs: 300 });
      target.setReplyMode("malformed");
      // A truncated frame can only be noticed when its reply never completes, or when the next
      // reply's bytes complete it with garbage: a timeout, then a timeout or a protocol error
      const first = rejection((await timed(misled.readTags([scalar(integerType)]))).outcome);
      expect(first).toBeInstanceOf(PlcCommsError);
      const second = rejection((await timed(misled.readTags([scalar(integerType)]))).outcome);
      expect(second).toBeInstanceOf(PlcCommsError);
      expect(["timeout", "protocol", "closed"]).toContain((second as PlcCommsError).kind);
      target.setReplyMode("normal");
      await misled.close();
      await misled.connect();
      target.setTag(target.scalarTags[integerType]!, 99);
      await expect(misled.readTags([scalar(integerType)])).resolves.toEqual([
        { name: target.scalarTags[integerType], ok: true, value: 99 },
      ]);
    });

    it("1,000 failed reads leave the socket's listener count flat and the heap roughly flat", async () => {
      // Long enough that a loaded test machine answers in time, short enough for the timeouts below
      const failing = await connectedDriver({ timeoutMs: 250 });
      const batch = target.batch.slice(0, 20);
      target.setReplyMode("unknown-tag");
      for (let i = 0; i < 50; i++) await failing.readTags(batch);
      const listeners = target.socketListenerCount(failing);
      const timers = activeTimers();
      collectGarbage();
      const heapBefore = process.memoryUsage().heapUsed;
      for (let i = 0; i < 1_000; i++) {
        const results = await failing.readTags(batch);
        expect(results[0]).toMatchObject({ ok: false, code: expect.any(Number) });
      }
      // A few timeouts too: each abandons a request the controller may still answer
      target.setReplyMode("silent");
      for (let i = 0; i < 8; i++) {
        await expect(failing.readTags([scalar(integerType)])).rejects.toMatchObject({ kind: "timeout" });
      }
      expect(target.socketListenerCount(failing)).toBe(listeners);
      expect(activeTimers()).toBeLessThanOrEqual(timers);
      collectGarbage();
      const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
      console.log(`${name}: heap after 1,008 failed reads: ${(heapGrowth / 1024).toFixed(0)} KiB growth`);
      // One retained closure per failed read, with its request and reply buffers, would be well past this
      expect(heapGrowth).toBeLessThan(2 * 1024 * 1024);
      await sleep(0);
    });
  });
}
