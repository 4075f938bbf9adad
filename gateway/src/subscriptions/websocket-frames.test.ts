// Pre-encoded frames written beside ws: a real ws client reads them, at every length encoding, in
// order with the messages ws itself sends on the same connection.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { FrameWriter, serverTextFrame } from "./websocket-frames.ts";

describe("pre-encoded WebSocket frames", () => {
  const httpServer = createServer();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const frames = new FrameWriter();
  let url: string;
  let nextUpgraded: ((socket: WebSocket) => void) | undefined;

  beforeAll(async () => {
    httpServer.on("upgrade", (req, socket, head) =>
      wss.handleUpgrade(
        req,
        socket,
        head,
        frames.recording(socket, (ws) => nextUpgraded?.(ws)),
      ),
    );
    await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
    url = `ws://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const client of wss.clients) client.terminate();
    await new Promise((resolve) => httpServer.close(resolve));
  });

  /** A client and the server's WebSocket of the same connection. */
  async function connect(): Promise<{ client: WebSocket; socket: WebSocket }> {
    const upgraded = new Promise<WebSocket>((resolve) => {
      nextUpgraded = resolve;
    });
    const client = new WebSocket(url);
    await new Promise((resolve) => client.once("open", resolve));
    return { client, socket: await upgraded };
  }

  it("arrive whole and in order between ws's own messages, whatever their length", async () => {
    const { client, socket } = await connect();
    const lengths = [0, 1, 125, 126, 127, 65_535, 65_536, 70_000];
    const expected = lengths.flatMap((length, index) => [`é${"x".repeat(length)}`, `ws ${index}`]);
    const received: string[] = [];
    const all = new Promise<void>((resolve) => {
      client.on("message", (data, isBinary) => {
        received.push(isBinary ? "(binary)" : String(data));
        if (received.length === expected.length) resolve();
      });
    });

    for (const [index, length] of lengths.entries()) {
      frames.write(socket, serverTextFrame(`é${"x".repeat(length)}`));
      socket.send(`ws ${index}`);
    }
    await all;
    expect(received).toEqual(expected);
    client.close();
  });

  it("are not written once the WebSocket is closing", async () => {
    const { client, socket } = await connect();
    const messages: string[] = [];
    client.on("message", (data) => messages.push(String(data)));
    const closed = new Promise<number>((resolve) => client.once("close", resolve));

    socket.close(1000);
    frames.write(socket, serverTextFrame("after close"));
    expect(await closed).toBe(1000);
    expect(messages).toEqual([]);
  });
});
