// The SLC 5/05 personality checked by a PCCC client not written here (nodepccc 0.1.17 from the npm
// registry), so emulator and driver do not merely agree with each other: typed reads of N, F, B and
// timer words, a typed write and a masked bit write, against the values the data table holds.
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningSlcEmulator, startSlcEmulator } from "./slc-emulator.ts";

interface NodePccc {
  initiateConnection(params: { host: string; port: number }, callback: (error?: unknown) => void): void;
  addItems(items: string | string[]): void;
  removeItems(items?: string | string[]): void;
  readAllItems(callback: (anythingBad: boolean, values: Record<string, unknown>) => void): void;
  writeItems(items: string | string[], values: unknown, callback: (anythingBad: boolean) => void): void;
  dropConnection(callback: () => void): void;
}
type NodePcccConstructor = new (options?: { silent?: boolean; debug?: boolean }) => NodePccc;

const NodePCCC = createRequire(import.meta.url)("nodepccc") as NodePcccConstructor;

describe("the SLC 5/05 personality read and written by nodepccc", () => {
  let emulator: RunningSlcEmulator;
  let client: NodePccc;

  beforeAll(async () => {
    emulator = await startSlcEmulator({
      port: 0,
      startPaused: true,
      equipment: [{ tagPrefix: "", targetSpeedPerMinute: 12, faultWords: 2, faultBits: [17], autonomous: false }],
    });
    client = new NodePCCC({ silent: true });
    await new Promise<void>((resolve, reject) =>
      client.initiateConnection({ host: emulator.host, port: emulator.port }, (error) =>
        error === undefined ? resolve() : reject(error),
      ),
    );
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => client?.dropConnection(resolve));
    await emulator?.stop();
  });

  function readAll(items: string[]): Promise<Record<string, unknown>> {
    client.removeItems();
    client.addItems(items);
    return new Promise((resolve, reject) =>
      client.readAllItems((anythingBad, values) =>
        anythingBad ? reject(new Error(`nodepccc read failed: ${JSON.stringify(values)}`)) : resolve(values),
      ),
    );
  }

  function write(items: string[], values: unknown[]): Promise<void> {
    return new Promise((resolve, reject) =>
      client.writeItems(items, values, (anythingBad) =>
        anythingBad ? reject(new Error("nodepccc write failed")) : resolve(),
      ),
    );
  }

  it("reads integers, an integer array, floats, bits and a timer word as the data table holds them", async () => {
    emulator.control.setTag("N10:0", [1234, -5, 32_767, -32_768]);
    emulator.control.setTag("F8:40", [3.5, -0.125]);
    emulator.control.setTag("B3:40", 0b1010_0000_0000_0001);
    emulator.control.setTag("T4:3.ACC", 77);
    emulator.control.forceFault("", 17);
    const values = await readAll([
      "N10:0",
      "N10:1,3",
      "F8:40,2",
      "B3:40/0",
      "B3:40/1",
      "B3:40/15",
      "T4:3.ACC",
      "B3:1/1",
      "N7:0",
    ]);
    expect(values).toEqual({
      "N10:0": 1234,
      "N10:1,3": [-5, 32_767, -32_768],
      "F8:40,2": [3.5, -0.125],
      "B3:40/0": true,
      "B3:40/1": false,
      "B3:40/15": true,
      "T4:3.ACC": 77,
      // Fault bit 17 is bit 1 of the second fault word; the state code says DOWN (3)
      "B3:1/1": true,
      "N7:0": 3,
    });
    emulator.control.clearFaults("");
  });

  it("writes an integer, a float and single bits that the data table then holds, other bits untouched", async () => {
    emulator.control.setTag("B3:41", 0b0110);
    await write(["N10:20", "F8:50", "B3:41/0", "B3:41/2"], [-4321, 12.25, true, false]);
    expect(emulator.control.getTag("N10:20")).toBe(-4321);
    expect(emulator.control.getTag("F8:50")).toBe(12.25);
    expect(emulator.control.getTag("B3:41")).toBe(0b0011);
  });
});
