// Asks the andon subgraph for a QUALITY andon by appending to the plant's quality andon request
// stream (schema/src/streams.ts); the andon subgraph raises it in its own transaction. Called after
// the quality change committed: a failed append is logged and retried by the caller's next pass
// (overdue checks) or lost with a warning (out-of-spec), never undoing the recording.
import type { Logger, RedisClient } from "@ms5/kit";
import { type QualityAndonRequestEntry, qualityAndonStreamKey, STREAM_SCHEMA_VERSION } from "@ms5/schema";

/** The request stream keeps about this many entries. @default 10000 */
export const QUALITY_ANDON_STREAM_MAX_LENGTH = 10_000;

export type QualityAndonRequest = Omit<QualityAndonRequestEntry, "v" | "type" | "ts" | "equipmentId"> & {
  equipmentId: string | null;
  at: Date;
};

export async function requestQualityAndon(
  redis: RedisClient,
  keyPrefix: string,
  request: QualityAndonRequest,
): Promise<string> {
  const entry: QualityAndonRequestEntry = {
    v: STREAM_SCHEMA_VERSION,
    type: "quality-andon",
    reason: request.reason,
    lineId: request.lineId,
    equipmentId: request.equipmentId ?? "",
    priority: request.priority,
    subjectId: request.subjectId,
    note: request.note,
    ts: String(request.at.getTime()),
  };
  return redis.xAdd(
    qualityAndonStreamKey(keyPrefix),
    "*",
    { ...entry },
    {
      TRIM: { strategy: "MAXLEN", strategyModifier: "~", threshold: QUALITY_ANDON_STREAM_MAX_LENGTH },
    },
  );
}

/** Fire-and-log for requests that accompany a committed recording. */
export async function requestQualityAndonOrLog(
  redis: RedisClient,
  keyPrefix: string,
  request: QualityAndonRequest,
  logger: Logger,
): Promise<void> {
  try {
    await requestQualityAndon(redis, keyPrefix, request);
  } catch (error) {
    logger.warn({ err: error, request }, "could not ask for a quality andon");
  }
}
