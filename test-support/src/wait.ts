// Waiting in tests for something that happens asynchronously (a consumer catching up, an event
// arriving), through vitest's vi.waitFor: one polling loop for every package instead of a
// hand-written one per test file, failing with what was awaited.
import { vi } from "vitest";

export interface WaitOptions {
  /** What is awaited, for the failure message. */
  what?: string;
  /** @default 10,000 ms */
  timeoutMs?: number;
  /** @default 20 ms */
  intervalMs?: number;
}

const WAIT_DEFAULTS = { timeoutMs: 10_000, intervalMs: 20 } as const;

/** Resolves with the probe's first value that is not undefined, null or false; throws after the timeout. */
export function eventually<T>(
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  options: WaitOptions = {},
): Promise<T> {
  return vi.waitFor(
    async () => {
      const value = await probe();
      if (value === undefined || value === null || value === false) {
        throw new Error(`timed out waiting for ${options.what ?? "the condition"}`);
      }
      return value;
    },
    { timeout: options.timeoutMs ?? WAIT_DEFAULTS.timeoutMs, interval: options.intervalMs ?? WAIT_DEFAULTS.intervalMs },
  );
}

/** Resolves once the condition holds; throws after the timeout. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, options: WaitOptions = {}): Promise<void> {
  await eventually(async () => (await condition()) || undefined, options);
}
