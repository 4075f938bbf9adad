// Where the gateway answers, read from the environment at run time on the server: GATEWAY_URL (its
// HTTP origin) and GATEWAY_WS_URL (the graphql-ws endpoint the browser connects to directly).
const DEFAULT_GATEWAY_URL = "http://127.0.0.1:4000";

export function gatewayOrigin(): string {
  return (process.env.GATEWAY_URL || DEFAULT_GATEWAY_URL).replace(/\/+$/, "");
}

export function gatewayWebSocketUrl(): string {
  if (process.env.GATEWAY_WS_URL) return process.env.GATEWAY_WS_URL;
  return `${gatewayOrigin().replace(/^http/, "ws")}/graphql`;
}
