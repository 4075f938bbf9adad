// POSTs from the gateway to its subgraphs over node:http with keep-alive connections. Chosen over
// the global fetch (undici) because every query and every subscription event with fields of another
// subgraph costs one such call, and fetch's streams and Response objects cost several times the CPU
// of a plain http.request for a small JSON body (CPU profiles of `pnpm bench:gateway`, BENCHMARKS.md).
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

/**
 * How long a pooled connection to a subgraph may sit idle before the gateway closes it. Below the
 * subgraphs' keep-alive timeout (SUBGRAPH_SERVER_DEFAULTS.keepAliveTimeoutMs, 65 s), so it is the
 * gateway that closes an idle connection and never the subgraph at the moment the gateway reuses it
 * (a request then dies with ECONNRESET).
 */
export const SUBGRAPH_IDLE_SOCKET_MS = 30_000;

/** A connection failure before any byte of the answer arrived: the subgraph may not have seen the request. */
export class SubgraphConnectionError extends Error {
  override name = "SubgraphConnectionError";
  constructor(
    override readonly cause: Error,
    /** True when the failure came before the first byte of the answer. */
    readonly beforeAnswer: boolean,
  ) {
    super(cause.message);
  }

  /** A reset or closed socket, as an idle keep-alive connection closed by the peer gives. */
  get isConnectionReset(): boolean {
    const code = (this.cause as NodeJS.ErrnoException).code;
    return code === "ECONNRESET" || code === "EPIPE" || this.cause.message === "socket hang up";
  }
}

/** The subgraph did not finish answering within the call's time limit. */
export class SubgraphTimeoutError extends Error {
  override name = "TimeoutError";
  constructor(readonly timeoutMs: number) {
    super(`The subgraph did not answer within ${timeoutMs} ms.`);
  }
}

/** Subgraph URLs are a handful of fixed strings: parse each once, not per call. */
const parsedUrls = new Map<string, URL>();
function parsedUrl(url: string): URL {
  let parsed = parsedUrls.get(url);
  if (!parsed) {
    parsed = new URL(url);
    if (parsedUrls.size < 64) parsedUrls.set(url, parsed);
  }
  return parsed;
}

export interface SubgraphHttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

// `timeout` on the agent is set once per socket and closes sockets idle in the pool after it.
const agents = {
  http: new HttpAgent({ keepAlive: true, maxFreeSockets: 256, timeout: SUBGRAPH_IDLE_SOCKET_MS }),
  https: new HttpsAgent({ keepAlive: true, maxFreeSockets: 256, timeout: SUBGRAPH_IDLE_SOCKET_MS }),
};

/**
 * POSTs `body` to `url` and reads the whole answer. Rejects with SubgraphConnectionError on a
 * connection failure, and when `timeoutMs` passes (or, without it, `signal` aborts) before the
 * answer is complete.
 */
export function postToSubgraph(
  url: string,
  headers: Readonly<Record<string, string>>,
  body: string,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<SubgraphHttpResponse> {
  const target = parsedUrl(url);
  const secure = target.protocol === "https:";
  return new Promise((resolve, reject) => {
    let answered = false;
    // One plain timer per call: AbortSignal.timeout's signal and abort listener per request were
    // about 1 % of the gateway process's CPU in `pnpm bench:gateway`'s profile. Not the `timeout`
    // option either: on a reused keep-alive socket it adds a listener per request.
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => req.destroy(new SubgraphTimeoutError(options.timeoutMs as number)), options.timeoutMs);
    const settle = () => clearTimeout(timer);
    const req = (secure ? httpsRequest : httpRequest)(
      target,
      {
        method: "POST",
        agent: secure ? agents.https : agents.http,
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        signal: options.timeoutMs === undefined ? options.signal : undefined,
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          settle();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") });
        });
        res.on("error", (error) => {
          settle();
          reject(new SubgraphConnectionError(error, false));
        });
      },
    );
    req.on("error", (error) => {
      settle();
      reject(new SubgraphConnectionError(error, !answered));
    });
    req.end(body);
  });
}
