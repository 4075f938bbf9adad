// Redis pub/sub as the async iterator a test subgraph's subscription returns.
import type { RedisClient } from "../../redis-client.ts";

/**
 * Messages of one Redis pub/sub channel as an async iterator, on a duplicate connection closed on
 * return(). Hand-written rather than an async generator: a generator cannot be returned while it
 * awaits, which would leave the subscriber connection open after the client unsubscribed.
 */
export function redisChannelMessages(redis: RedisClient, channel: string): AsyncIterableIterator<string> {
  const subscriber = redis.duplicate();
  const queue: string[] = [];
  const waiting: ((result: IteratorResult<string>) => void)[] = [];
  let finished = false;
  const ready = subscriber.connect().then(() =>
    subscriber.subscribe(channel, (message) => {
      const next = waiting.shift();
      if (next) next({ value: message, done: false });
      else queue.push(message);
    }),
  );
  async function finish() {
    if (finished) return;
    finished = true;
    for (const next of waiting.splice(0)) next({ value: undefined, done: true });
    await ready.catch(() => {});
    subscriber.destroy();
  }
  return {
    async next() {
      await ready;
      const message = queue.shift();
      if (message !== undefined) return { value: message, done: false };
      if (finished) return { value: undefined, done: true };
      return new Promise((resolve) => waiting.push(resolve));
    },
    async return() {
      await finish();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
