// The Redis channel hub against a real Redis: one subscriber connection per process, a channel
// subscribed only while someone listens, filtered and bounded delivery, a close that ends every
// listener; and, on a redis-server of the test's own restarted mid-test, a resync of each channel's
// current state once the subscriber is back, and publishes that fail fast and are counted meanwhile.

import { waitUntil } from "@ms5/test-support";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { createLogger } from "./logger.ts";
import { type ChannelGap, RedisChannelHub } from "./redis-channel-hub.ts";
import { createRedisClient, type RedisClient } from "./redis-client.ts";
import { type RestartableRedisServer, startRestartableRedisServer, testRedisPrefix } from "./testing/index.ts";

interface Reading {
  n: number;
}

const parse = (raw: string): Reading | null => {
  const value = JSON.parse(raw) as Partial<Reading>;
  return typeof value.n === "number" ? { n: value.n } : null;
};

describe("a Redis channel hub", () => {
  const { runId, redisUrl } = inject("testRun");
  const prefix = `${testRedisPrefix(runId)}channel-hub:`;
  let redis: RedisClient;
  let hub: RedisChannelHub<Reading>;

  const subscribersOf = async (channel: string) => (await redis.pubSubNumSub(channel))[channel] ?? 0;

  beforeAll(async () => {
    redis = createRedisClient({ url: redisUrl });
    await redis.connect();
    hub = new RedisChannelHub<Reading>({
      redis,
      logger: createLogger({ service: "hub-test", level: "silent" }),
      name: "reading",
      parse,
      maxQueuedPerListener: 3,
    });
  });
  afterAll(async () => {
    await hub.close();
    redis.destroy();
  });

  it("subscribes a channel once for many listeners and unsubscribes when the last one leaves", async () => {
    const channel = `${prefix}a`;
    const first = await hub.messages(channel);
    const second = await hub.messages(channel, (reading) => reading.n % 2 === 0);
    expect(await subscribersOf(channel)).toBe(1);
    expect(hub.listenerCount).toBe(2);

    for (const n of [1, 2]) await hub.publish(channel, { n });
    expect(await first.next()).toEqual({ value: { n: 1 }, done: false });
    expect(await first.next()).toEqual({ value: { n: 2 }, done: false });
    expect(await second.next()).toEqual({ value: { n: 2 }, done: false });

    await first.return?.();
    expect(await subscribersOf(channel)).toBe(1);
    await second.return?.();
    await waitUntil(async () => (await subscribersOf(channel)) === 0);
    expect(await subscribersOf(channel)).toBe(0);
    expect(hub.channelCount).toBe(0);
  });

  it("keeps only the newest messages for a listener that falls behind, and drops malformed ones", async () => {
    const channel = `${prefix}b`;
    const slow = await hub.messages(channel);
    // A second listener that reads as messages come: once it has the last one, so has the slow queue.
    const prompt = await hub.messages(channel);
    await redis.publish(channel, JSON.stringify({ wrong: true }));
    for (const n of [1, 2, 3, 4, 5]) {
      await hub.publish(channel, { n });
      expect((await prompt.next()).value).toEqual({ n });
    }
    const received = [];
    for (let i = 0; i < 3; i++) received.push((await slow.next()).value);
    expect(received).toEqual([{ n: 3 }, { n: 4 }, { n: 5 }]);
    await slow.return?.();
    await prompt.return?.();
  });

  it("ends every listener on close, and refuses new ones", async () => {
    const own = new RedisChannelHub<Reading>({
      redis,
      logger: createLogger({ service: "hub-test", level: "silent" }),
      name: "reading",
      parse,
    });
    const listener = await own.messages(`${prefix}c`);
    const pending = listener.next();
    await own.close();
    expect(await pending).toEqual({ value: undefined, done: true });
    await expect(own.messages(`${prefix}c`)).rejects.toThrow(/closed/);
  });
});

describe("a Redis channel hub across a Redis restart", () => {
  let server: RestartableRedisServer | undefined;
  let redis: RedisClient;
  let hub: RedisChannelHub<Reading>;
  /** What the channels' owner holds as the truth (a database, in a service). */
  const current = new Map<string, number>();
  const gaps: { channel: string; gap: ChannelGap }[] = [];

  beforeAll(async () => {
    server = await startRestartableRedisServer({ name: "channel-hub-restart" });
    redis = createRedisClient({ url: server.url });
    await redis.connect();
    hub = new RedisChannelHub<Reading>({
      redis,
      logger: createLogger({ service: "hub-restart-test", level: "silent" }),
      name: "reading",
      parse,
      resync: async (channel, gap) => {
        gaps.push({ channel, gap });
        const n = current.get(channel);
        return n === undefined ? [] : [{ n }];
      },
    });
  });
  afterAll(async () => {
    await hub?.close();
    redis?.destroy();
    await server?.close();
  });

  it("hands each listener the current state its filter keeps once the subscriber is back, without a new message", async () => {
    const watched = "readings:a";
    const quiet = "readings:b";
    const all = await hub.messages(watched);
    const evenOnly = await hub.messages(watched, (reading) => reading.n % 2 === 0);
    const other = await hub.messages(quiet);
    current.set(watched, 1);
    await hub.publish(watched, { n: 1 });
    expect(await all.next()).toEqual({ value: { n: 1 }, done: false });

    await server!.stop();
    // Until the client has seen the socket close, a publish would wait in its queue and could still
    // reach subscribers after the restart; the case here is a publish made while Redis is known away.
    await vi.waitFor(() => expect(redis.isReady).toBe(false), { timeout: 10_000 });
    // Changed while Redis is away: the publish is lost (and counted), the owner's truth is not.
    current.set(watched, 2);
    await hub.publish(watched, { n: 2 });
    expect(hub.publishFailures).toBe(1);
    await server!.start();

    expect(await all.next()).toEqual({ value: { n: 2 }, done: false });
    expect(await evenOnly.next()).toEqual({ value: { n: 2 }, done: false });
    expect(hub.resyncCount).toBe(1);
    expect(gaps.map(({ channel }) => channel).sort()).toEqual([quiet, watched].sort());
    const { gap } = gaps[0]!;
    expect(gap.lostAt.getTime()).toBeLessThanOrEqual(gap.restoredAt.getTime());
    expect(gap.since.getTime()).toBeLessThan(gap.lostAt.getTime());

    // Resubscribed: messages published after the gap arrive as before, once the publishing client is
    // back too (it reconnects on its own backoff, which may end after the subscriber's).
    await vi.waitFor(() => expect(redis.isReady).toBe(true), { timeout: 10_000 });
    current.set(watched, 4);
    await hub.publish(watched, { n: 4 });
    expect(await all.next()).toEqual({ value: { n: 4 }, done: false });
    expect(await evenOnly.next()).toEqual({ value: { n: 4 }, done: false });
    for (const iterator of [all, evenOnly, other]) await iterator.return?.();
  });
});
