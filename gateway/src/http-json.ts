// Reading a capped request body and writing JSON answers on Node's own http server.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ErrorCode } from "@ms5/schema";

/** A request refused before it reached its handler's logic, with the HTTP status and documented code. */
export class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The body, or HttpRefusal 413 as soon as it is known to be larger than `limit` bytes. */
export async function readCappedBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const tooLarge = () => new HttpRefusal(413, "PAYLOAD_TOO_LARGE", `The request body is larger than ${limit} bytes.`);
  if (Number(req.headers["content-length"]) > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
    ...headers,
  });
  res.end(JSON.stringify(body));
}
