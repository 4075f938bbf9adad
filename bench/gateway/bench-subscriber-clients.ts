// Subscriber connections of the subscriber benchmark, in a process of their own (several run side by
// side) so the gateway's process is measured alone. Speaks graphql-transport-ws directly over `ws`
// (connection_init, subscribe, complete) or takes a raw `ws` broadcast, and records, for every event
// received, publish-to-receive latency from the publish time the event carries in `name`.
// Commands arrive over IPC (ClientCommand); each is answered with one message.
import WebSocket from "ws";

export type ClientCommand =
  | {
      type: "connect";
      url: string;
      count: number;
      /** Index of this process's first connection among all (variables are chosen by global index). */
      offset: number;
      protocol: "graphql" | "raw";
      connectionParams?: Record<string, unknown>;
      /** Source addresses to spread the connections over (127.0.0.x), so ephemeral ports last. */
      localAddresses: string[];
    }
  | { type: "subscribe"; id: string; query: string; lineIds?: string[] }
  | { type: "complete"; id: string }
  | { type: "reset" }
  | { type: "count" }
  | { type: "report" }
  | { type: "close" };

export interface ClientReport {
  received: number;
  latenciesMs: number[];
  /** Earliest publish time carried by a message received since the last reset. */
  firstPublishedAt: number;
  lastReceivedAt: number;
}

const now = () => performance.timeOrigin + performance.now();
const STAMP = /"name":"(\d+(?:\.\d+)?)"/;

const sockets: WebSocket[] = [];
let offset = 0;
let report: ClientReport = { received: 0, latenciesMs: [], firstPublishedAt: Infinity, lastReceivedAt: 0 };

function onMessage(data: WebSocket.RawData) {
  const receivedAt = now();
  const text = data.toString();
  const stamp = STAMP.exec(text);
  if (!stamp) return;
  const publishedAt = Number(stamp[1]);
  report.received++;
  report.latenciesMs.push(receivedAt - publishedAt);
  if (publishedAt < report.firstPublishedAt) report.firstPublishedAt = publishedAt;
  report.lastReceivedAt = receivedAt;
}

function open(
  url: string,
  protocol: "graphql" | "raw",
  params: Record<string, unknown> | undefined,
  localAddress: string,
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, protocol === "graphql" ? "graphql-transport-ws" : undefined, {
      localAddress,
      perMessageDeflate: false,
    });
    socket.on("error", reject);
    socket.once("open", () => {
      if (protocol === "raw") {
        socket.on("message", onMessage);
        resolve(socket);
        return;
      }
      socket.send(JSON.stringify({ type: "connection_init", payload: params ?? {} }));
      socket.once("message", (data) => {
        if (!String(data).includes('"connection_ack"')) {
          reject(new Error(`not acknowledged: ${String(data)}`));
          return;
        }
        socket.on("message", onMessage);
        resolve(socket);
      });
    });
    socket.once("close", (code, reason) => reject(new Error(`closed ${code} ${String(reason)}`)));
  });
}

async function connect(command: Extract<ClientCommand, { type: "connect" }>): Promise<{ connected: number }> {
  offset = command.offset;
  let next = 0;
  // A bounded number of handshakes in flight: the gateway verifies a token per connection.
  const worker = async () => {
    while (next < command.count) {
      const index = next++;
      const localAddress = command.localAddresses[index % command.localAddresses.length]!;
      sockets.push(await open(command.url, command.protocol, command.connectionParams, localAddress));
    }
  };
  await Promise.all(Array.from({ length: 50 }, worker));
  return { connected: sockets.length };
}

process.on("message", (command: ClientCommand) => {
  void (async () => {
    switch (command.type) {
      case "connect":
        process.send?.(await connect(command));
        return;
      case "subscribe":
        for (const [index, socket] of sockets.entries()) {
          const lineIds = command.lineIds;
          const variables = lineIds ? { lineId: lineIds[(offset + index) % lineIds.length] } : {};
          socket.send(
            JSON.stringify({ id: command.id, type: "subscribe", payload: { query: command.query, variables } }),
          );
        }
        process.send?.({ subscribed: sockets.length });
        return;
      case "complete":
        for (const socket of sockets) socket.send(JSON.stringify({ id: command.id, type: "complete" }));
        process.send?.({ completed: sockets.length });
        return;
      case "reset":
        report = { received: 0, latenciesMs: [], firstPublishedAt: Infinity, lastReceivedAt: 0 };
        process.send?.({ reset: true });
        return;
      case "count":
        process.send?.({ received: report.received });
        return;
      case "report":
        process.send?.(report);
        return;
      case "close": {
        const closed = sockets.map(
          (socket) =>
            new Promise<void>((resolve) => {
              socket.removeAllListeners("close");
              socket.once("close", () => resolve());
              socket.close(1000);
            }),
        );
        await Promise.all(closed);
        sockets.length = 0;
        process.send?.({ closed: true });
        return;
      }
    }
  })().catch((error: unknown) => {
    process.send?.({ error: error instanceof Error ? error.message : String(error) });
  });
});
