// The reference of the subscriber benchmark: a bare `ws` server broadcasting the same messages the
// gateway sends (one pre-encoded text frame per event to every socket), in a process of its own like
// the gateway's. Forked with IPC; answers its first message with { url }, then RawWsCommand messages
// until SIGTERM.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";

export type RawWsCommand =
  | { type: "count" }
  /**
   * Sends `events` messages to every socket, one event after another, each encoded once; `{stamp}`
   * in `template` becomes the send time.
   */
  | { type: "broadcast"; template: string; events: number };

const now = () => performance.timeOrigin + performance.now();
await new Promise((resolve) => process.once("message", resolve));
const httpServer = createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server: httpServer, perMessageDeflate: false });
await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
process.send?.({ url: `ws://127.0.0.1:${(httpServer.address() as AddressInfo).port}/graphql` });

process.on("message", (command: RawWsCommand) => {
  if (command.type === "count") {
    process.send?.({ sockets: wss.clients.size });
    return;
  }
  let sent = 0;
  const sendOne = () => {
    const message = Buffer.from(command.template.replace("{stamp}", String(now())));
    for (const socket of wss.clients) socket.send(message, { binary: false });
    sent++;
    // One event per turn of the event loop, as the gateway broadcasts each resolved event.
    if (sent < command.events) setImmediate(sendOne);
    else process.send?.({ sent });
  };
  sendOne();
});

process.once("SIGTERM", () => {
  for (const socket of wss.clients) socket.terminate();
  httpServer.close(() => process.exit(0));
});
