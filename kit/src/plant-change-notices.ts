// Plant-model changes told to every service over pub/sub (`<prefix>plant-changed`): the production
// subgraph announces a committed change, stream consumers follow it (new lines' streams, fresh line
// and equipment settings). A lost message only delays that until the periodic rescan or cache expiry.
import { type PlantChange, plantChangedChannel } from "@ms5/schema";
import type { Logger } from "./logger.ts";
import type { RedisClient } from "./redis-client.ts";
import type { StreamConsumer } from "./stream-consumer.ts";

export interface PlantFollowingSettings {
  /** Line and equipment settings a consumer caches are read again after this long at the latest. @default 60000 */
  cacheTtlMs: number;
}

export const PLANT_FOLLOWING_DEFAULTS: Readonly<PlantFollowingSettings> = {
  cacheTtlMs: 60_000,
};

/**
 * The side that tells: the service that changes the plant model (production) makes one and hands it
 * to its resolvers through their context.
 */
export class PlantChangeAnnouncer {
  readonly #channel: string;

  constructor(private readonly options: { redis: RedisClient; keyPrefix: string; logger: Logger }) {
    this.#channel = plantChangedChannel(options.keyPrefix);
  }

  /** After the change committed: fire and forget, a failed publish is logged (consumers rescan anyway). */
  async announce(change: PlantChange): Promise<void> {
    try {
      await this.options.redis.publish(this.#channel, JSON.stringify(change));
    } catch (error) {
      this.options.logger.warn({ err: error, change }, "could not announce a plant change");
    }
  }
}

/** Calls `onChange` for every announced change, on its own subscriber connection, until closed. */
export async function followPlantChanges(options: {
  redis: RedisClient;
  keyPrefix: string;
  logger: Logger;
  onChange: (change: PlantChange) => void;
}): Promise<{ close(): Promise<void> }> {
  const subscriber = options.redis.duplicate();
  subscriber.on("error", (error: Error) => options.logger.warn({ err: error }, "plant change subscriber error"));
  await subscriber.connect();
  // node-redis subscribes again by itself after a reconnect.
  await subscriber.subscribe(plantChangedChannel(options.keyPrefix), (raw) => {
    try {
      options.onChange(JSON.parse(raw) as PlantChange);
    } catch (error) {
      options.logger.warn({ err: error, raw }, "ignored a malformed plant change");
    }
  });
  return {
    async close() {
      subscriber.destroy();
    },
  };
}

/**
 * Starts `consumer` and keeps it following the plant model: on each announced change `forget` drops
 * what the consumer's owner cached about the plant and the consumer rescans for new streams. The
 * follower stops with the consumer.
 */
export async function startFollowingPlant(
  consumer: StreamConsumer,
  options: { redis: RedisClient; keyPrefix: string; logger: Logger; forget: () => void },
): Promise<StreamConsumer> {
  await consumer.start();
  const plantChanges = await followPlantChanges({
    redis: options.redis,
    keyPrefix: options.keyPrefix,
    logger: options.logger,
    onChange: () => {
      options.forget();
      void consumer.rescan();
    },
  });
  consumer.whenStopping(() => plantChanges.close());
  return consumer;
}

/** Values read from the plant model, kept at most `ttlMs` and dropped at once on a plant change. */
export class PlantModelCache<Value> {
  private readonly values = new Map<string, { value: Value; expiresAt: number }>();

  constructor(private readonly ttlMs: number = PLANT_FOLLOWING_DEFAULTS.cacheTtlMs) {}

  /** The cached value, or `load`'s (cached unless it throws). */
  async get(key: string, load: () => Promise<Value>): Promise<Value> {
    const cached = this.values.get(key);
    if (cached && cached.expiresAt > Date.now()) return cached.value;
    const value = await load();
    this.values.set(key, { value, expiresAt: Date.now() + this.ttlMs });
    return value;
  }

  clear(): void {
    this.values.clear();
  }
}
