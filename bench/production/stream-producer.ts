// Child process of `pnpm bench:production`: offers telemetry entries at a fixed rate (a tick every
// 10 ms, one pipelined XADD batch per tick, round-robin over the lines' streams), then prints one
// JSON line: how many entries it added over how many seconds.
//   REDIS_URL, STREAM_KEY_PREFIX, LINES ([{ code, equipment: [{ code }] }]), RATE, SECONDS
import { createRedisClient } from "@ms5/kit";
import { streamKey } from "../../schema/src/streams.ts";
import { syntheticEntry } from "./synthetic-telemetry.ts";

const { REDIS_URL, STREAM_KEY_PREFIX, LINES, RATE, SECONDS } = process.env;
if (!REDIS_URL || !STREAM_KEY_PREFIX || !LINES || !RATE || !SECONDS) {
  console.error("Set REDIS_URL, STREAM_KEY_PREFIX, LINES, RATE and SECONDS.");
  process.exit(64);
}
const lines = JSON.parse(LINES) as { code: string; equipment: { code: string }[] }[];
const perTick = Math.round(Number(RATE) / 100);
const redis = createRedisClient({ url: REDIS_URL });
await redis.connect();

let seq = 0;
const started = performance.now();
const end = started + Number(SECONDS) * 1_000;
let nextTick = started;
while (performance.now() < end) {
  const multi = redis.multi();
  for (let i = 0; i < perTick; i++) {
    seq++;
    const line = lines[seq % lines.length]!;
    const fields = syntheticEntry(line, Math.floor(seq / lines.length), seq, Date.now());
    multi.xAdd(streamKey(line.code, "telemetry", STREAM_KEY_PREFIX), "*", fields);
  }
  await multi.execAsPipeline();
  nextTick += 10;
  const wait = nextTick - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
process.stdout.write(`${JSON.stringify({ entries: seq, seconds: (performance.now() - started) / 1000 })}\n`);
redis.destroy();
