// Runs a piece of work for a key at most once per interval: requests while a run is pending join it,
// and runs of one key never overlap (each waits for the one before), so what they publish stays in
// order. The clock is injected so the spacing can be proven without waiting on the wall clock.

export interface ThrottleClock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
}

export const SYSTEM_CLOCK: ThrottleClock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (timer) => clearTimeout(timer as NodeJS.Timeout),
};

export interface PerKeyThrottle {
  /** Asks for a run for `key`: at once if the last one started an interval ago, else when it has. */
  request(key: string): void;
  /** Cancels pending runs and waits for those under way; later requests do nothing. */
  close(): Promise<void>;
}

export function createPerKeyThrottle(options: {
  intervalMs: number;
  run: (key: string) => Promise<void>;
  clock?: ThrottleClock;
}): PerKeyThrottle {
  const clock = options.clock ?? SYSTEM_CLOCK;
  const keys = new Map<string, { lastStartedAt: number; timer: unknown; running: Promise<void> }>();
  let closed = false;
  return {
    request(key) {
      if (closed) return;
      let state = keys.get(key);
      if (!state) {
        state = { lastStartedAt: Number.NEGATIVE_INFINITY, timer: undefined, running: Promise.resolve() };
        keys.set(key, state);
      }
      if (state.timer !== undefined) return;
      const line = state;
      const delay = Math.max(0, line.lastStartedAt + options.intervalMs - clock.now());
      line.timer = clock.setTimeout(() => {
        line.timer = undefined;
        line.lastStartedAt = clock.now();
        line.running = line.running.then(() => options.run(key));
      }, delay);
    },
    async close() {
      closed = true;
      for (const state of keys.values()) {
        if (state.timer !== undefined) clock.clearTimeout(state.timer);
        state.timer = undefined;
      }
      await Promise.all([...keys.values()].map((state) => state.running));
    },
  };
}
