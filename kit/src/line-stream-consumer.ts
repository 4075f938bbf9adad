// How every subgraph reads the bridge: one consumer group over one kind of stream (telemetry,
// faults) of every active line. Lines added later join on a plant change or the periodic rescan;
// what the subgraph needs of an equipment is read by code and cached (at most cacheTtlMs, dropped at
// once on a plant change); entries that fail for good go to the group's dead-letter stream. The
// subgraph supplies only the lines, what to know of an equipment and what to do with an entry.
import { DEFAULT_KEY_PREFIX, deadLetterStreamKey, type StreamKind, streamKey } from "@ms5/schema";
import { type Logger, withCorrelationId } from "./logger.ts";
import {
  PLANT_FOLLOWING_DEFAULTS,
  type PlantFollowingSettings,
  PlantModelCache,
  startFollowingPlant,
} from "./plant-change-notices.ts";
import type { RedisClient } from "./redis-client.ts";
import { type ConsumedEntry, StreamConsumer, type StreamConsumerSettings } from "./stream-consumer.ts";
import { StreamEntryRejected } from "./transient-error.ts";

/** What a handler is given besides its entries. */
export interface LineStreamContext<Equipment> {
  /** The equipment of that code (cached); rejects the entry when the plant model has none. */
  equipmentOf(code: string): Promise<Equipment>;
}

export interface LineStreamConsumerOptions<Equipment> {
  redis: RedisClient;
  logger: Logger;
  /** Which stream of each line the group reads. */
  kind: StreamKind;
  /** The consumer group: one per subgraph, so each subgraph sees every entry. */
  group: string;
  /** Unique per instance and stable across its restarts. */
  consumerName: string;
  /** @default DEFAULT_KEY_PREFIX */
  keyPrefix?: string;
  settings?: Partial<StreamConsumerSettings>;
  /** How long equipment settings are cached at most. @default PLANT_FOLLOWING_DEFAULTS */
  plantFollowing?: Partial<PlantFollowingSettings>;
  /** The codes of the lines to read now (the active ones); asked at start, on each rescan and plant change. */
  activeLineCodes: () => Promise<readonly string[]>;
  /** What the handlers need of the equipment of that code, or null when the plant model has none. */
  loadEquipment: (code: string) => Promise<Equipment | null>;
  /** Commits one entry's effect (see StreamConsumerOptions.handle). */
  handle: (entry: ConsumedEntry, context: LineStreamContext<Equipment>) => Promise<void>;
  /** Commits one read's entries together (see StreamConsumerOptions.handleBatch). */
  handleBatch?: (entries: ConsumedEntry[], context: LineStreamContext<Equipment>) => Promise<void>;
}

/** Starts the group's consumer over the active lines' streams of `kind`, following the plant model. */
export async function startLineStreamConsumer<Equipment>(
  options: LineStreamConsumerOptions<Equipment>,
): Promise<StreamConsumer> {
  const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  const { cacheTtlMs } = { ...PLANT_FOLLOWING_DEFAULTS, ...options.plantFollowing };
  const equipmentByCode = new PlantModelCache<Equipment>(cacheTtlMs);
  const context: LineStreamContext<Equipment> = {
    equipmentOf: (code) =>
      equipmentByCode.get(code, async () => {
        const equipment = await options.loadEquipment(code);
        if (equipment === null) throw new StreamEntryRejected(`equipment '${code}' is not in the plant model`);
        return equipment;
      }),
  };
  const { handleBatch } = options;
  const consumer = new StreamConsumer({
    redis: options.redis,
    streams: [],
    listStreams: async () => (await options.activeLineCodes()).map((code) => streamKey(code, options.kind, keyPrefix)),
    group: options.group,
    consumer: options.consumerName,
    deadLetterStream: deadLetterStreamKey(options.group, keyPrefix),
    logger: options.logger,
    ...(options.settings ? { settings: options.settings } : {}),
    // Every line a handler logs names the entry it was handling: `<stream>/<id>`, the same text the
    // subgraphs store as the row's sourceStreamId, so a log line leads to the rows and back.
    handle: (entry) => withCorrelationId(streamEntryCorrelationId(entry), () => options.handle(entry, context)),
    ...(handleBatch
      ? {
          handleBatch: (entries: ConsumedEntry[]) =>
            withCorrelationId(streamBatchCorrelationId(entries), () => handleBatch(entries, context)),
        }
      : {}),
  });
  return startFollowingPlant(consumer, {
    redis: options.redis,
    keyPrefix,
    logger: options.logger,
    forget: () => equipmentByCode.clear(),
  });
}

/** The correlation id of the work one stream entry causes: `<stream>/<entry id>`. */
export function streamEntryCorrelationId(entry: Pick<ConsumedEntry, "stream" | "id">): string {
  return `${entry.stream}/${entry.id}`;
}

/**
 * The correlation id of one read's entries applied together: the first entry's, and how many
 * followed it (`<stream>/<id>+<n>`), so the batch's log lines lead to its first entry.
 */
export function streamBatchCorrelationId(entries: readonly Pick<ConsumedEntry, "stream" | "id">[]): string {
  const first = entries[0];
  if (!first) return "empty-batch";
  return entries.length === 1
    ? streamEntryCorrelationId(first)
    : `${streamEntryCorrelationId(first)}+${entries.length - 1}`;
}
