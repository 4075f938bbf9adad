// For tests: a TCP proxy in front of a server (a subgraph, PostgreSQL) that can cut every connection
// and refuse new ones for a while, as a restarting or unreachable server looks to its clients.
import { createServer, type Server, Socket } from "node:net";

export interface InterruptibleTcpProxy {
  /** The target URL with the proxy's port in place of the target's. */
  url: string;
  /** Destroys every open connection and stops listening (new connections are refused). */
  interrupt(): Promise<void>;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : port);
    });
  });
}

export async function startInterruptibleTcpProxy(targetUrl: string): Promise<InterruptibleTcpProxy> {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = new Socket();
    upstream.connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const port = await listen(server, 0);
  const url = new URL(targetUrl);
  url.port = String(port);
  let listening = true;

  async function interrupt() {
    if (!listening) return;
    listening = false;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  }

  return {
    url: url.toString(),
    interrupt,
    async restore() {
      if (listening) return;
      await listen(server, port);
      listening = true;
    },
    close: interrupt,
  };
}
