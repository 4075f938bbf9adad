// The gateway's calls to a subgraph under connection faults: a read retried once after a reset, a
// mutation never sent twice, a stuck subgraph cut off, and idle pooled connections closed by the
// gateway before the subgraph's keep-alive timeout can close them under a request.
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { SUBGRAPH_SERVER_DEFAULTS } from "@ms5/kit/subgraph";
import { afterEach, describe, expect, it } from "vitest";
import { postSignedToSubgraph } from "./signed-subgraph-data-source.ts";
import { SUBGRAPH_IDLE_SOCKET_MS, SubgraphConnectionError } from "./subgraph-http-client.ts";

const SECRET = "signed-data-source-test-secret-0123456789abcdef";

/** A subgraph stand-in whose first `resets` requests have their connection destroyed unanswered. */
async function flakySubgraph(resets: number, answer: (res: ServerResponse) => void = ok) {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      seen.push(body);
      if (seen.length <= resets) req.socket.destroy();
      else answer(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return { server, url, seen };
}

function ok(res: ServerResponse) {
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ data: { ok: true } }));
}

describe("calls from the gateway to a subgraph", () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("sends a query once more, freshly signed, when its connection was reset before any answer", async () => {
    const subgraph = await flakySubgraph(1);
    servers.push(subgraph.server);
    const answer = await postSignedToSubgraph({
      url: subgraph.url,
      gatewaySecret: SECRET,
      request: { query: "query Lines { lines { id } }" },
    });
    expect(JSON.parse(answer.body)).toEqual({ data: { ok: true } });
    expect(subgraph.seen).toHaveLength(2);
  });

  it("never sends a mutation twice: a reset fails it as unreachable", async () => {
    const subgraph = await flakySubgraph(1);
    servers.push(subgraph.server);
    const failure = await postSignedToSubgraph({
      url: subgraph.url,
      gatewaySecret: SECRET,
      request: { query: "mutation { raiseAndon(input: {}) { __typename } }" },
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SubgraphConnectionError);
    expect(subgraph.seen).toHaveLength(1);
  });

  it("retries a query only once: a second reset fails it", async () => {
    const subgraph = await flakySubgraph(2);
    servers.push(subgraph.server);
    const failure = await postSignedToSubgraph({
      url: subgraph.url,
      gatewaySecret: SECRET,
      request: { query: "{ lines { id } }" },
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SubgraphConnectionError);
    expect(subgraph.seen).toHaveLength(2);
  });

  it("gives up on a subgraph that does not answer within the timeout", async () => {
    const subgraph = await flakySubgraph(0, () => {
      // Never answers.
    });
    servers.push(subgraph.server);
    const failure = await postSignedToSubgraph({
      url: subgraph.url,
      gatewaySecret: SECRET,
      request: { query: "{ lines { id } }" },
      timeoutMs: 200,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SubgraphConnectionError);
    expect(subgraph.seen).toHaveLength(1);
  });

  it("closes its idle pooled connections before the subgraphs' keep-alive timeout would", () => {
    expect(SUBGRAPH_IDLE_SOCKET_MS).toBeLessThan(SUBGRAPH_SERVER_DEFAULTS.keepAliveTimeoutMs);
  });

  it("reuses one pooled connection for calls in a row", async () => {
    const subgraph = await flakySubgraph(0);
    servers.push(subgraph.server);
    const sockets = new Set<Socket>();
    subgraph.server.on("connection", (socket: Socket) => sockets.add(socket));
    for (let call = 0; call < 3; call++) {
      await postSignedToSubgraph({ url: subgraph.url, gatewaySecret: SECRET, request: { query: "{ a }" } });
    }
    expect(sockets.size).toBe(1);
  });
});
