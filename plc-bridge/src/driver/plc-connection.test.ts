// PlcConnection: full-jitter backoff, fail-fast reads while down, and reconnection after the
// emulated controller drops, dies and returns, or goes silent.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type RunningLogixEmulator, startLogixEmulator } from "../../emulator/index.ts";
import { LogixDriver } from "./logix-driver.ts";
import { PlcConnection, type PlcConnectionState, plcConnectionDefaults, reconnectDelayMs } from "./plc-connection.ts";
import { PlcCommsError, type PlcDriver, type PlcEndpoint, type TagSpec } from "./plc-driver.ts";

const plant = [
  {
    tagPrefix: "Program:Bagger1",
    targetSpeedPerMinute: 40,
    faultWords: 2 as const,
    faultBits: [0, 1, 2],
    autonomous: false,
  },
];
const goodCount: TagSpec = { name: "Program:Bagger1.GoodCount", type: "DINT" };
/** Fast retries so a test sees several attempts in a fraction of a second. */
const quickRetry = { initialDelayMs: 20, maxDelayMs: 100 };

function startEmulator(port = 0): Promise<RunningLogixEmulator> {
  return startLogixEmulator({ port, seed: 3, timeScale: 1, startPaused: true, equipment: plant });
}

function endpointOf(emulator: { host: string; port: number }, timeoutMs = 1_000): PlcEndpoint {
  return { host: emulator.host, port: emulator.port, slot: 0, timeoutMs, connected: true };
}

/** Resolves when the connection reaches `state` (at once if it is there). */
function reach(connection: PlcConnection, state: PlcConnectionState, withinMs = 5_000): Promise<void> {
  if (connection.state === state) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      connection.off("state", onState);
      reject(new Error(`still ${connection.state} after ${withinMs} ms, waiting for ${state}`));
    }, withinMs);
    const onState = (next: PlcConnectionState) => {
      if (next !== state) return;
      clearTimeout(timer);
      connection.off("state", onState);
      resolve();
    };
    connection.on("state", onState);
  });
}

describe("reconnect backoff", () => {
  it("the delay ceiling starts at initialDelayMs, doubles per failed attempt and stops at maxDelayMs", () => {
    const ceilings = [0, 1, 2, 3, 10, 20, 1_000].map((attempt) =>
      reconnectDelayMs(attempt, { ...plcConnectionDefaults, random: () => 1 - Number.EPSILON }),
    );
    expect(ceilings).toEqual([249, 499, 999, 1_999, 29_999, 29_999, 29_999]);
  });

  it("the delay is drawn uniformly below the ceiling (full jitter)", () => {
    expect(reconnectDelayMs(3, { ...plcConnectionDefaults, random: () => 0 })).toBe(0);
    expect(reconnectDelayMs(3, { ...plcConnectionDefaults, random: () => 0.5 })).toBe(1_000);
  });
});

describe("PlcConnection", () => {
  let emulator: RunningLogixEmulator;
  let connection: PlcConnection | undefined;

  beforeEach(async () => {
    emulator = await startEmulator();
  });
  afterEach(async () => {
    await connection?.close();
    connection = undefined;
    await emulator.stop();
  });

  it("connects in the background, reads through the driver and stamps the good read", async () => {
    connection = new PlcConnection(new LogixDriver(endpointOf(emulator)), { now: () => 1_700_000_000_000 });
    expect(connection.state).toBe("disconnected");
    connection.start();
    expect(connection.state).toBe("connecting");
    await reach(connection, "connected");
    emulator.control.setTag(goodCount.name, 5);
    await expect(connection.readTags([goodCount])).resolves.toEqual([{ name: goodCount.name, ok: true, value: 5 }]);
    expect(connection.counters).toEqual({
      reconnects: 0,
      failedConnects: 0,
      failedReads: 0,
      lastGoodReadAt: 1_700_000_000_000,
      lastError: undefined,
    });
  });

  it("while disconnected, readTags throws PlcCommsError at once", async () => {
    const port = emulator.port;
    await emulator.stop();
    connection = new PlcConnection(new LogixDriver(endpointOf({ host: "127.0.0.1", port })), quickRetry);
    connection.start();
    await reach(connection, "disconnected");
    const started = performance.now();
    await expect(connection.readTags([goodCount])).rejects.toMatchObject({ name: "PlcCommsError", kind: "closed" });
    expect(performance.now() - started).toBeLessThan(100);
    expect(connection.counters.failedConnects).toBeGreaterThanOrEqual(1);
    expect(connection.counters.lastError).toMatch(/refused/);
    emulator = await startEmulator(port);
  });

  it("reconnects after the controller drops every connection, and reads resume", async () => {
    connection = new PlcConnection(new LogixDriver(endpointOf(emulator)), quickRetry);
    const states: PlcConnectionState[] = [];
    connection.on("state", (state) => states.push(state));
    connection.start();
    await reach(connection, "connected");
    emulator.control.dropConnections();
    await expect(connection.readTags([goodCount])).rejects.toBeInstanceOf(PlcCommsError);
    expect(connection.state).not.toBe("connected");
    await reach(connection, "connected");
    await expect(connection.readTags([goodCount])).resolves.toMatchObject([{ ok: true }]);
    expect(states).toEqual(["connecting", "connected", "disconnected", "connecting", "connected"]);
    expect(connection.counters).toMatchObject({
      reconnects: 1,
      failedReads: 1,
      lastError: expect.stringMatching(/closed/),
    });
  });

  it("keeps retrying while the controller is gone and reconnects when it returns on its port", async () => {
    const port = emulator.port;
    connection = new PlcConnection(new LogixDriver(endpointOf(emulator)), quickRetry);
    connection.start();
    await reach(connection, "connected");
    await emulator.stop();
    await expect(connection.readTags([goodCount])).rejects.toBeInstanceOf(PlcCommsError);
    await expect.poll(() => connection!.counters.failedConnects, { timeout: 5_000 }).toBeGreaterThanOrEqual(3);
    emulator = await startEmulator(port);
    await reach(connection, "connected");
    await expect(connection.readTags([goodCount])).resolves.toMatchObject([{ ok: true }]);
    expect(connection.counters.reconnects).toBe(1);
  });

  it("a silent controller is caught by the request timeout, and the connection returns when it answers again", async () => {
    connection = new PlcConnection(new LogixDriver(endpointOf(emulator, 200)), quickRetry);
    connection.start();
    await reach(connection, "connected");
    emulator.control.setReplyMode("silent");
    await expect(connection.readTags([goodCount])).rejects.toMatchObject({ kind: "timeout" });
    expect(connection.state).not.toBe("connected");
    await expect.poll(() => connection!.counters.failedConnects, { timeout: 5_000 }).toBeGreaterThanOrEqual(1);
    emulator.control.setReplyMode("normal");
    await reach(connection, "connected");
    await expect(connection.readTags([goodCount])).resolves.toMatchObject([{ ok: true }]);
  });

  it("close() stops the retries and leaves it disconnected", async () => {
    await emulator.stop();
    connection = new PlcConnection(new LogixDriver(endpointOf(emulator)), quickRetry);
    connection.start();
    await expect.poll(() => connection!.counters.failedConnects).toBeGreaterThanOrEqual(1);
    await connection.close();
    const attempts = connection.counters.failedConnects;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(connection.counters.failedConnects).toBe(attempts);
    expect(connection.state).toBe("disconnected");
    emulator = await startEmulator();
  });

  it("a driver that throws anything, or rejects on close, causes no unhandled rejection", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    let connects = 0;
    const flaky: PlcDriver = {
      connected: false,
      connect: async () => {
        connects++;
        if (connects < 3) throw new TypeError("library bug");
        (flaky as { connected: boolean }).connected = true;
      },
      readTags: async () => {
        throw new PlcCommsError("gone", "closed");
      },
      writeTag: async () => undefined,
      close: async () => {
        (flaky as { connected: boolean }).connected = false;
        throw new Error("close failed");
      },
    };
    try {
      connection = new PlcConnection(flaky, quickRetry);
      connection.start();
      await reach(connection, "connected");
      await expect(connection.readTags([goodCount])).rejects.toBeInstanceOf(PlcCommsError);
      await reach(connection, "connected");
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});
