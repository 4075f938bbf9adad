// POSTs from the gateway to its subgraphs over node:http with keep-alive connections. Chosen over
// the global fetch (undici) because every query and every subscription event with fields of another
// subgraph costs one such call, and fetch's streams and Response objects cost several times the CPU
// of a plain http.request for a small JSON body (CPU profiles of `pnpm bench:gateway`, BENCHMARKS.md).
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

export interface SubgraphHttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

const agents = {
  http: new HttpAgent({ keepAlive: true, maxFreeSockets: 256 }),
  https: new HttpsAgent({ keepAlive: true, maxFreeSockets: 256 }),
};

/**
 * POSTs `body` to `url` and reads the whole answer. Rejects on a connection failure, and when
 * `timeoutMs` passes (or, without it, `signal` aborts) before the answer is complete.
 */
export function postToSubgraph(
  url: string,
  headers: Readonly<Record<string, string>>,
  body: string,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<SubgraphHttpResponse> {
  const target = new URL(url);
  const secure = target.protocol === "https:";
  return new Promise((resolve, reject) => {
    const req = (secure ? httpsRequest : httpRequest)(
      target,
      {
        method: "POST",
        agent: secure ? agents.https : agents.http,
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        // Not the `timeout` option: on a reused keep-alive socket it adds a listener per request.
        signal: options.timeoutMs === undefined ? options.signal : AbortSignal.timeout(options.timeoutMs),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
