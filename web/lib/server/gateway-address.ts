// Where the gateway answers, read from the validated environment at run time on the server:
// GATEWAY_URL (its HTTP origin) and GATEWAY_WS_URL (the graphql-ws endpoint the browser connects to
// directly).
import { webEnvironment } from "@/lib/server/web-environment";

export function gatewayOrigin(): string {
  return webEnvironment().GATEWAY_URL.replace(/\/+$/, "");
}

export function gatewayWebSocketUrl(): string {
  const { GATEWAY_WS_URL } = webEnvironment();
  if (GATEWAY_WS_URL) return GATEWAY_WS_URL;
  return `${gatewayOrigin().replace(/^http/, "ws")}/graphql`;
}
