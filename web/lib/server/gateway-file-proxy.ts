// Same-origin doors to the gateway's file answers (a report's PDF behind its signed link, an
// analytics CSV export): GET only, the path kept to its prefix, the caller's bearer token passed on,
// the body streamed back with the gateway's type, disposition and no-store.
import { gatewayOrigin } from "./gateway-address";

/** `/downloads/reports/<file>` or `/exports/<file>`, with the request's query string. */
export async function proxyGatewayFile(request: Request, gatewayPath: string): Promise<Response> {
  const search = new URL(request.url).search;
  const headers: Record<string, string> = {};
  const authorization = request.headers.get("authorization");
  if (authorization) headers.authorization = authorization;
  try {
    const upstream = await fetch(`${gatewayOrigin()}${gatewayPath}${search}`, { headers, cache: "no-store" });
    const passed = new Headers({ "cache-control": "no-store" });
    for (const name of ["content-type", "content-disposition", "content-length"]) {
      const value = upstream.headers.get(name);
      if (value) passed.set(name, value);
    }
    return new Response(upstream.body, { status: upstream.status, headers: passed });
  } catch {
    return new Response("The server cannot be reached.", { status: 503, headers: { "cache-control": "no-store" } });
  }
}

/** A file name of one path segment: letters, digits, dot, dash, underscore. */
export function isPlainFileName(name: string): boolean {
  return /^[\w.-]+$/.test(name) && !name.startsWith(".");
}
