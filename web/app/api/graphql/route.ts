// Same-origin door to the gateway's /graphql for queries and mutations: the browser sends its bearer
// token, this forwards the JSON body and the answer. The gateway has no CORS; subscriptions go to
// it directly over graphql-ws (WebSockets are not bound by CORS and carry the token in connection_init).
import type { NextRequest } from "next/server";
import { readCappedText } from "@/lib/server/capped-body";
import { gatewayOrigin } from "@/lib/server/gateway-address";

export const dynamic = "force-dynamic";

/** The gateway's own default body limit (GATEWAY_BODY_LIMIT_BYTES): larger is refused here, before buffering. */
const BODY_LIMIT_BYTES = 256 * 1024;

function tooLarge() {
  return Response.json(
    { errors: [{ message: "The request is too large.", extensions: { code: "PAYLOAD_TOO_LARGE" } }] },
    { status: 413 },
  );
}

export async function POST(request: NextRequest) {
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^application\/(graphql-response\+)?json\b/i.test(contentType)) {
    return Response.json(
      { errors: [{ message: "Send a JSON body.", extensions: { code: "BAD_USER_INPUT" } }] },
      { status: 415 },
    );
  }
  const body = await readCappedText(request, BODY_LIMIT_BYTES);
  if (body === null) return tooLarge();
  const headers: Record<string, string> = { "content-type": contentType, accept: "application/json" };
  const authorization = request.headers.get("authorization");
  if (authorization) headers.authorization = authorization;
  try {
    const upstream = await fetch(`${gatewayOrigin()}/graphql`, {
      method: "POST",
      headers,
      body,
      cache: "no-store",
    });
    return new Response(upstream.body, {
      status: upstream.status,
      headers: {
        "content-type": upstream.headers.get("content-type") ?? "application/json",
        "cache-control": "no-store",
      },
    });
  } catch {
    return Response.json(
      { errors: [{ message: "The server cannot be reached.", extensions: { code: "SERVICE_UNAVAILABLE" } }] },
      { status: 503 },
    );
  }
}
