// The operator's side of the dead-letter streams: list what was set aside and why, replay an entry
// (its original fields appended to its original stream, then the letter removed) or discard it.
import type { RedisClient } from "./redis-client.ts";
import type { DeadLetterFields } from "./stream-consumer.ts";

export interface DeadLetter {
  /** The letter's own id in the dead-letter stream. */
  letterId: string;
  stream: string;
  /** The entry's id in its stream when it was set aside. */
  id: string;
  group: string;
  kind: string;
  error: string;
  deliveries: number;
  failedAt: string;
  fields: Record<string, string>;
}

function letterOf(letterId: string, message: Record<string, string>): DeadLetter {
  const raw = message as Partial<DeadLetterFields>;
  return {
    letterId,
    stream: raw.stream ?? "",
    id: raw.id ?? "",
    group: raw.group ?? "",
    kind: raw.kind ?? "kept-failing",
    error: raw.error ?? "",
    deliveries: Number(raw.deliveries ?? 0),
    failedAt: raw.failedAt ?? "",
    fields: JSON.parse(raw.fields ?? "{}") as Record<string, string>,
  };
}

/** The dead-letter streams under `keyPrefix` (`<prefix>dead-letter:<group>`). */
export async function findDeadLetterStreams(redis: RedisClient, keyPrefix: string): Promise<string[]> {
  const found: string[] = [];
  for await (const keys of redis.scanIterator({ MATCH: `${keyPrefix}dead-letter:*`, TYPE: "stream", COUNT: 500 })) {
    found.push(...keys);
  }
  return found.sort();
}

export async function listDeadLetters(
  redis: RedisClient,
  deadLetterStream: string,
  count = 100,
): Promise<DeadLetter[]> {
  const messages = await redis.xRange(deadLetterStream, "-", "+", { COUNT: count });
  return (messages ?? []).map((m) => letterOf(m.id, m.message as Record<string, string>));
}

export class DeadLetterNotFound extends Error {
  readonly code = "DEAD_LETTER_NOT_FOUND";
  constructor(deadLetterStream: string, letterId: string) {
    super(`no dead letter ${letterId} in ${deadLetterStream}`);
  }
}

async function readLetter(redis: RedisClient, deadLetterStream: string, letterId: string): Promise<DeadLetter> {
  const [message] = (await redis.xRange(deadLetterStream, letterId, letterId)) ?? [];
  if (!message) throw new DeadLetterNotFound(deadLetterStream, letterId);
  return letterOf(message.id, message.message as Record<string, string>);
}

/**
 * Appends the entry's original fields to its original stream (a new id: the consumers see it as a
 * new entry), then removes the letter. A crash in between leaves the letter, so a replay is never
 * lost; running it again would append the entry twice. Returns the new entry's id.
 */
export async function replayDeadLetter(
  redis: RedisClient,
  deadLetterStream: string,
  letterId: string,
): Promise<string> {
  const letter = await readLetter(redis, deadLetterStream, letterId);
  const newId = await redis.xAdd(letter.stream, "*", letter.fields);
  await redis.xDel(deadLetterStream, letterId);
  return newId;
}

/** Removes the letter for good. */
export async function discardDeadLetter(redis: RedisClient, deadLetterStream: string, letterId: string): Promise<void> {
  const removed = await redis.xDel(deadLetterStream, letterId);
  if (removed === 0) throw new DeadLetterNotFound(deadLetterStream, letterId);
}
