// Child process of `pnpm bench:production`: the bare path the full one is compared with. It reads
// the bridge's telemetry streams with plain XREAD and sends each state entry, serialised once, to
// the WebSocket clients of its line (`?line=<code>`): bridge -> Redis -> ws and nothing else.
// Prints "READY <json>" with its URL.
//   REDIS_URL, STREAM_KEY_PREFIX, LINE_CODES (comma-separated)
import { createRedisClient } from "@ms5/kit";
import { type WebSocket, WebSocketServer } from "ws";
import { streamKey } from "../../schema/src/streams.ts";

const { REDIS_URL, STREAM_KEY_PREFIX, LINE_CODES } = process.env;
if (!REDIS_URL || !STREAM_KEY_PREFIX || !LINE_CODES) {
  console.error("Set REDIS_URL, STREAM_KEY_PREFIX and LINE_CODES.");
  process.exit(64);
}
const lines = LINE_CODES.split(",");
const clients = new Map<string, Set<WebSocket>>(lines.map((code) => [code, new Set()]));
const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
server.on("connection", (socket, request) => {
  const line = new URL(request.url ?? "/", "http://relay").searchParams.get("line") ?? "";
  const set = clients.get(line);
  if (!set) return socket.close(1008, "unknown line");
  set.add(socket);
  socket.on("close", () => set.delete(socket));
});
await new Promise((resolve) => server.once("listening", resolve));
const address = server.address();
const port = typeof address === "object" && address ? address.port : 0;

const redis = createRedisClient({ url: REDIS_URL });
await redis.connect();
const cursors = new Map(lines.map((code) => [streamKey(code, "telemetry", STREAM_KEY_PREFIX), "$"]));
let running = true;
process.once("SIGTERM", () => {
  running = false;
  redis.destroy();
  server.close();
  process.exit(0);
});
process.stdout.write(`READY ${JSON.stringify({ url: `ws://127.0.0.1:${port}` })}\n`);
// stdin is a pipe from the benchmark: when it closes, the benchmark is gone and so is this process.
process.stdin.once("close", () => process.exit(0));
process.stdin.resume();

while (running) {
  const reply = (await redis.xRead(
    [...cursors].map(([key, id]) => ({ key, id })),
    { BLOCK: 1_000, COUNT: 1_000 },
  )) as { name: string; messages: { id: string; message: Record<string, string> }[] }[] | null;
  for (const stream of reply ?? []) {
    const last = stream.messages.at(-1);
    if (last) cursors.set(stream.name, last.id);
    for (const { message } of stream.messages) {
      if (message.type !== "state") continue;
      const text = JSON.stringify({ equipment: message.equipment, state: message.state });
      for (const socket of clients.get(message.line ?? "") ?? []) socket.send(text);
    }
  }
}
