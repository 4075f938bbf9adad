// `pnpm streams:dead-letters`: lists, replays or discards the entries consumers set aside, against
// the Redis and key prefix the services use (REDIS_URL, STREAM_KEY_PREFIX).
//   list [<group>] [--count <n>]           every dead-letter stream, or one group's
//   replay <group> <letter-id>... | --all   back to the original stream, then removed
//   discard <group> <letter-id>... | --all  removed for good
import { deadLetterStreamKey } from "@ms5/schema";
import { createRedisClient } from "./redis-client.ts";
import { discardDeadLetter, findDeadLetterStreams, listDeadLetters, replayDeadLetter } from "./stream-dead-letters.ts";
import { loadStreamEnvironment } from "./stream-environment.ts";

const USAGE = `usage: pnpm streams:dead-letters list [<group>] [--count <n>]
       pnpm streams:dead-letters replay <group> (<letter-id>... | --all)
       pnpm streams:dead-letters discard <group> (<letter-id>... | --all)`;

const [command, ...rest] = process.argv.slice(2);
const countAt = rest.indexOf("--count");
const count = countAt >= 0 ? Number(rest.splice(countAt, 2)[1]) : 100;
if (!command || !["list", "replay", "discard"].includes(command) || !Number.isInteger(count) || count <= 0) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(64);
}

const environment = loadStreamEnvironment("streams:dead-letters");
const redis = createRedisClient({ url: environment.redisUrl });
await redis.connect();
try {
  if (command === "list") {
    const streams = rest[0]
      ? [deadLetterStreamKey(rest[0], environment.keyPrefix)]
      : await findDeadLetterStreams(redis, environment.keyPrefix);
    for (const stream of streams) {
      const letters = await listDeadLetters(redis, stream, count);
      process.stdout.write(`${stream}: ${await redis.xLen(stream)} dead letter(s)\n`);
      for (const letter of letters) {
        process.stdout.write(
          `  ${letter.letterId}  ${letter.stream} ${letter.id}  ${letter.kind} after ${letter.deliveries} ` +
            `deliveries at ${letter.failedAt}: ${letter.error}\n    ${JSON.stringify(letter.fields)}\n`,
        );
      }
    }
  } else {
    const [group, ...ids] = rest;
    if (!group || ids.length === 0) {
      process.stderr.write(`${USAGE}\n`);
      process.exitCode = 64;
    } else {
      const stream = deadLetterStreamKey(group, environment.keyPrefix);
      const letterIds = ids.includes("--all")
        ? (await listDeadLetters(redis, stream, Number.MAX_SAFE_INTEGER)).map((l) => l.letterId)
        : ids;
      for (const letterId of letterIds) {
        if (command === "replay") {
          const newId = await replayDeadLetter(redis, stream, letterId);
          process.stdout.write(`replayed ${letterId} as ${newId}\n`);
        } else {
          await discardDeadLetter(redis, stream, letterId);
          process.stdout.write(`discarded ${letterId}\n`);
        }
      }
    }
  }
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  redis.destroy();
}
