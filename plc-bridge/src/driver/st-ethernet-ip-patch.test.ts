// The st-ethernet-ip fixes in patches/st-ethernet-ip@2.7.5.patch, each shown on the library itself
// against a scripted target: stream reassembly, listener cleanup with reply correlation, and prompt
// failure when the peer closes. Each test here fails on the unpatched library.
import { Controller, Tag } from "st-ethernet-ip";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ScriptedEnipServer, startScriptedEnipServer } from "./scripted-enip-server.ts";

let server: ScriptedEnipServer;
const controllers: Controller[] = [];

beforeEach(async () => {
  server = await startScriptedEnipServer({
    Counter: { type: "DINT", values: [42] },
    Speed: { type: "REAL", values: [12.5] },
    Slow: { type: "DINT", values: [111] },
    Fast: { type: "DINT", values: [222] },
  });
});

afterEach(async () => {
  for (const controller of controllers.splice(0)) controller.destroy();
  await server.close();
});

async function connect(options: { timeoutMs?: number; connected?: boolean } = {}): Promise<Controller> {
  const controller = new Controller(options.connected ?? false, { port: server.port });
  controller.timeout_sp = options.timeoutMs ?? 2_000;
  controllers.push(controller);
  await controller.connect(server.host, 0, false);
  return controller;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const activeTimers = () => process.getActiveResourcesInfo().filter((resource) => resource === "Timeout").length;

/** Elapsed milliseconds of `work`, and its outcome. */
async function timed<T>(work: Promise<T>): Promise<{ ms: number; outcome: PromiseSettledResult<T> }> {
  const started = performance.now();
  const [outcome] = await Promise.allSettled([work]);
  return { ms: performance.now() - started, outcome: outcome! };
}

describe("st-ethernet-ip patch", () => {
  it("is installed (pnpm install applies patches/st-ethernet-ip@2.7.5.patch)", () => {
    expect(typeof (Controller.prototype as unknown as { _awaitReply?: unknown })._awaitReply).toBe("function");
  });
});

describe("fix 1: replies are reassembled from the TCP stream", () => {
  for (const connected of [false, true]) {
    it(`a reply cut into 5-byte pieces is reassembled and read correctly (${connected ? "connected" : "unconnected"})`, async () => {
      const controller = await connect({ connected });
      server.deliver = (reply, { socket }) => {
        socket.setNoDelay(true);
        void (async () => {
          for (let offset = 0; offset < reply.length; offset += 5) {
            socket.write(reply.subarray(offset, offset + 5));
            await sleep(2);
          }
        })();
      };
      const counter = new Tag("Counter");
      const speed = new Tag("Speed");
      await controller.readTag(counter);
      await controller.readTag(speed);
      expect(counter.value).toBe(42);
      expect(speed.value).toBe(12.5);
    });
  }

  it("two replies arriving in one TCP chunk are both delivered", async () => {
    const controller = await connect({ timeoutMs: 1_000 });
    const held: Buffer[] = [];
    server.deliver = (reply, { socket }) => {
      held.push(reply);
      if (held.length === 2) socket.write(Buffer.concat(held.splice(0)));
    };
    const counter = new Tag("Counter");
    const fast = new Tag("Fast", undefined, 0xc4);
    fast.value = 7;
    // The read and write queues of the library run side by side: two requests in flight
    await Promise.all([controller.readTag(counter), controller.writeTag(fast)]);
    expect(counter.value).toBe(42);
    expect(server.tags.get("fast")!.values[0]).toBe(7);
  });

  it("a reply too short for its command drops the connection with a protocol error, and the process lives on", async () => {
    const controller = await connect({ timeoutMs: 5_000 });
    server.deliver = (reply, { socket }) => {
      const truncated = Buffer.from(reply.subarray(0, 26));
      truncated.writeUInt16LE(2, 2); // SendRRData must hold at least its 6-byte interface handle and timeout
      socket.write(truncated);
    };
    const { ms, outcome } = await timed(controller.readTag(new Tag("Counter")));
    expect(outcome.status).toBe("rejected");
    expect((outcome as PromiseRejectedResult).reason).toMatchObject({ code: "ENIP_PROTOCOL" });
    expect(ms).toBeLessThan(1_000);
    expect(controller.destroyed).toBe(true);
  });

  it("a header with an unknown command fails the request at once instead of at its timeout", async () => {
    const controller = await connect({ timeoutMs: 5_000 });
    server.deliver = (_reply, { socket }) => {
      socket.write(Buffer.alloc(24, 0xff));
    };
    const { ms, outcome } = await timed(controller.readTag(new Tag("Counter")));
    expect((outcome as PromiseRejectedResult).reason).toMatchObject({ code: "ENIP_PROTOCOL" });
    expect(ms).toBeLessThan(1_000);
  });
});

describe("fix 2: failed requests leave no listeners, and late replies answer nobody", () => {
  it("1,000 refused reads leave listener and timer counts flat and raise no MaxListenersExceededWarning", async () => {
    const controller = await connect();
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    try {
      await controller.readTag(new Tag("Counter"));
      const baseline = controller.eventNames().map((event) => [event, controller.listenerCount(event)]);
      const timers = activeTimers();
      for (let i = 0; i < 1_000; i++) {
        await expect(controller.readTag(new Tag("Missing"))).rejects.toMatchObject({ generalStatusCode: 0x05 });
      }
      expect(controller.listenerCount("Read Tag")).toBe(0);
      expect(controller.eventNames().map((event) => [event, controller.listenerCount(event)])).toEqual(baseline);
      // Each request's timeout timer used to live on for timeout_sp, holding the request's closure
      expect(activeTimers()).toBeLessThanOrEqual(timers + 1);
      await sleep(10);
      expect(warnings.filter((warning) => warning.name === "MaxListenersExceededWarning")).toEqual([]);
    } finally {
      process.off("warning", onWarning);
    }
  });

  it("a late reply to a timed-out read is not taken as the reply to the next read", async () => {
    const controller = await connect({ timeoutMs: 400 });
    server.deliver = (reply, { socket, tagNames }) => {
      setTimeout(() => socket.write(reply), tagNames.includes("Slow") ? 500 : 250);
    };
    const slow = new Tag("Slow");
    const fast = new Tag("Fast");
    await expect(controller.readTag(slow)).rejects.toThrow(/TIMEOUT/);
    // Sent at ~400 ms: Slow's reply lands at 500 ms while this read waits for its own at ~650 ms
    await controller.readTag(fast);
    expect(fast.value).toBe(222);
    expect(slow.value).toBeNull();
  });
});

describe("fix 3: a closed connection fails waiting requests promptly", () => {
  for (const [how, drop] of [
    ["closes the socket", (socket) => socket.destroy()],
    ["resets the connection", (socket) => socket.resetAndDestroy()],
  ] as const satisfies readonly (readonly [string, (socket: import("node:net").Socket) => void])[]) {
    it(`a peer that ${how} fails the pending read at once, not after the 5 s timeout`, async () => {
      const controller = await connect({ timeoutMs: 5_000 });
      server.deliver = (_reply, { socket }) => drop(socket);
      const { ms, outcome } = await timed(controller.readTag(new Tag("Counter")));
      expect((outcome as PromiseRejectedResult).reason).toMatchObject({ code: "ENIP_CLOSED" });
      expect(ms).toBeLessThan(1_000);
    });
  }

  it("a read on a connection already closed fails at once", async () => {
    const controller = await connect({ timeoutMs: 5_000 });
    for (const socket of server.sockets) socket.destroy();
    await sleep(50);
    const { ms, outcome } = await timed(controller.readTag(new Tag("Counter")));
    expect((outcome as PromiseRejectedResult).reason).toMatchObject({ code: "ENIP_CLOSED" });
    expect(ms).toBeLessThan(1_000);
  });
});
