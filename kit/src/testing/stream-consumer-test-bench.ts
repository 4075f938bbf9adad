// What the stream consumer's tests share: per test, a Redis connection and fresh stream names under
// the run's key prefix, a consumer started over them that is stopped after the test, and a way to wait.
import type { Logger } from "../logger.ts";
import { createRedisClient, type RedisClient } from "../redis-client.ts";
import { StreamConsumer, type StreamConsumerOptions } from "../stream-consumer.ts";
import { testRedisPrefix } from "./redis-key-prefix.ts";

export interface StreamConsumerTestSetup {
  redis: RedisClient;
  /** Unique to this setup: `<run prefix><name><n>:`. */
  prefix: string;
  /** `streamCount` streams, `{line-1}:telemetry`, `{line-2}:telemetry`... */
  streams: string[];
  /** The first of `streams`. */
  stream: string;
  deadLetterStream: string;
  /** Starts a consumer of group "production" over `streams`, stopped at cleanup. */
  start(
    overrides: Partial<StreamConsumerOptions> & Pick<StreamConsumerOptions, "handle" | "consumer">,
  ): Promise<StreamConsumer>;
  /** Appends `{ n }` to the first stream. */
  add(n: number): Promise<string>;
  /** Entries delivered to group "production" and not yet acknowledged, across `streams`. */
  pending(): Promise<number>;
}

export class StreamConsumerTestBench {
  /** Run newest first by cleanup(); tests push their own (a consumer built by hand, an audit). */
  readonly cleanups: (() => Promise<void> | void)[] = [];
  private counter = 0;

  constructor(private readonly options: { runId: string; redisUrl: string; name: string; logger: Logger }) {}

  async setup(streamCount = 1): Promise<StreamConsumerTestSetup> {
    const prefix = `${testRedisPrefix(this.options.runId)}${this.options.name}${++this.counter}:`;
    const redis = createRedisClient({ url: this.options.redisUrl });
    await redis.connect();
    this.cleanups.push(() => redis.destroy());
    const streams = Array.from({ length: streamCount }, (_, i) => `${prefix}{line-${i + 1}}:telemetry`);
    const stream = streams[0]!;
    const deadLetterStream = `${prefix}dead-letter:production`;
    return {
      redis,
      prefix,
      streams,
      stream,
      deadLetterStream,
      start: async (overrides) => {
        const consumer = new StreamConsumer({
          redis,
          streams,
          group: "production",
          logger: this.options.logger,
          deadLetterStream,
          ...overrides,
        });
        await consumer.start();
        this.cleanups.push(() => consumer.stop());
        return consumer;
      },
      add: (n) => redis.xAdd(stream, "*", { n: String(n) }),
      pending: async () => {
        let total = 0;
        for (const name of streams) total += Number((await redis.xPending(name, "production")).pending);
        return total;
      },
    };
  }

  /** Runs and forgets every cleanup, newest first; call from afterEach. */
  async cleanup(): Promise<void> {
    for (const cleanup of this.cleanups.splice(0).reverse()) await cleanup();
  }
}
