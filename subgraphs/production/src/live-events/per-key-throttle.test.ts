// The OEE update of a line runs at most once per interval however many changes ask for it, proven on
// a clock the test moves by hand.
import { describe, expect, it } from "vitest";
import { createPerKeyThrottle, type ThrottleClock } from "./per-key-throttle.ts";

/** A clock whose time moves only when told; due timers run as it passes them. */
function manualClock() {
  let now = 0;
  let nextId = 0;
  const timers = new Map<number, { at: number; run: () => void }>();
  const clock: ThrottleClock = {
    now: () => now,
    setTimeout: (run, ms) => {
      const id = ++nextId;
      timers.set(id, { at: now + ms, run });
      return id;
    },
    clearTimeout: (id) => void timers.delete(id as number),
  };
  async function advanceTo(time: number) {
    for (;;) {
      const due = [...timers].filter(([, timer]) => timer.at <= time).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      timers.delete(due[0]);
      now = due[1].at;
      due[1].run();
      await Promise.resolve();
    }
    now = time;
    // Let runs chained on earlier ones go.
    for (let i = 0; i < 5; i++) await Promise.resolve();
  }
  return { clock, advanceTo, pending: () => timers.size };
}

describe("a per-key throttle", () => {
  it("runs at once, then at most once an interval per key however often it is asked", async () => {
    const { clock, advanceTo } = manualClock();
    const runs: { key: string; at: number }[] = [];
    const throttle = createPerKeyThrottle({
      intervalMs: 1_000,
      clock,
      run: async (key) => void runs.push({ key, at: clock.now() }),
    });

    throttle.request("line-a");
    await advanceTo(0);
    expect(runs).toEqual([{ key: "line-a", at: 0 }]);

    // Ten requests within 200 ms: one more run, an interval after the first.
    for (let t = 20; t <= 200; t += 20) {
      await advanceTo(t);
      throttle.request("line-a");
    }
    await advanceTo(999);
    expect(runs).toHaveLength(1);
    await advanceTo(1_000);
    expect(runs).toEqual([
      { key: "line-a", at: 0 },
      { key: "line-a", at: 1_000 },
    ]);

    // Another key has its own interval.
    throttle.request("line-b");
    await advanceTo(1_000);
    expect(runs.at(-1)).toEqual({ key: "line-b", at: 1_000 });

    // Asked again long after: at once.
    await advanceTo(5_000);
    throttle.request("line-a");
    await advanceTo(5_000);
    expect(runs.at(-1)).toEqual({ key: "line-a", at: 5_000 });
    await throttle.close();
  });

  it("never overlaps runs of one key: a run waits for the one still under way", async () => {
    const { clock, advanceTo } = manualClock();
    const events: string[] = [];
    let finishFirst!: () => void;
    const throttle = createPerKeyThrottle({
      intervalMs: 1_000,
      clock,
      run: async () => {
        const n = events.filter((event) => event.startsWith("start")).length + 1;
        events.push(`start ${n}`);
        if (n === 1) await new Promise<void>((resolve) => (finishFirst = resolve));
        events.push(`end ${n}`);
      },
    });
    throttle.request("line-a");
    await advanceTo(0);
    throttle.request("line-a");
    await advanceTo(1_500);
    // The second is due but the first has not finished: it waits.
    expect(events).toEqual(["start 1"]);
    finishFirst();
    await advanceTo(1_500);
    expect(events).toEqual(["start 1", "end 1", "start 2", "end 2"]);
    await throttle.close();
  });

  it("cancels a pending run when closed and ignores later requests", async () => {
    const { clock, advanceTo, pending } = manualClock();
    const runs: number[] = [];
    const throttle = createPerKeyThrottle({ intervalMs: 1_000, clock, run: async () => void runs.push(clock.now()) });
    throttle.request("line-a");
    await advanceTo(0);
    throttle.request("line-a");
    expect(pending()).toBe(1);
    await throttle.close();
    expect(pending()).toBe(0);
    throttle.request("line-a");
    await advanceTo(10_000);
    expect(runs).toEqual([0]);
  });
});
