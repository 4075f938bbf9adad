// Proof that a request to a subgraph comes from the gateway: the gateway signs each HTTP request and
// each graphql-ws connection_init with the secret it shares with the subgraphs; the subgraph refuses
// anything unsigned before it reads a credential or executes an operation.
//
// Scheme: `x-ms5-gateway-signature: v1=<hex HMAC-SHA256>` over "v1\n<timestamp>\n<Authorization>\n<body>",
// with `x-ms5-gateway-timestamp: <unix seconds>` accepted within a small window (30 s either way by
// default). Chosen over a plain shared-secret header compared timing-safe because the secret itself
// never travels: a header that leaks through a proxy's log, a trace or a captured request cannot be
// turned into a new request; it can only replay that exact request, with that caller's token, for
// the few seconds the window allows. The Authorization value is covered so a signed request cannot
// be re-sent under someone else's token. The cost is one HMAC over the body (microseconds) and a
// body read before verification, which the subgraph's own HTTP handler does anyway. graphql-ws
// frames cannot carry headers, so connection_init carries the same fields in its payload, signed
// over a fixed body that no HTTP request has (a JSON body never equals it).
import { createHmac, timingSafeEqual } from "node:crypto";

export const GATEWAY_SIGNATURE_HEADER = "x-ms5-gateway-signature";
export const GATEWAY_TIMESTAMP_HEADER = "x-ms5-gateway-timestamp";

/** What a graphql-ws connection_init is signed over in place of a request body. */
export const GATEWAY_WEBSOCKET_INIT_BODY = "graphql-transport-ws connection_init";

const SCHEME = "v1";
const SIGNATURE_PATTERN = /^v1=([0-9a-f]{64})$/;

/** The headers (or connection_init payload fields) the gateway adds. */
export interface GatewaySignatureHeaders {
  [GATEWAY_TIMESTAMP_HEADER]: string;
  [GATEWAY_SIGNATURE_HEADER]: string;
}

export interface GatewayRequestToSign {
  /** SUBGRAPH_GATEWAY_SECRET. */
  secret: string;
  /** The exact bytes sent as the body; for connection_init, GATEWAY_WEBSOCKET_INIT_BODY. */
  body: string | Uint8Array;
  /** The Authorization value forwarded with the request, if any, exactly as sent. */
  authorization?: string | null;
  /** The clock; tests move it. @default () => new Date() */
  now?: () => Date;
}

function mac(secret: string, timestamp: string, authorization: string, body: string | Uint8Array): Buffer {
  return createHmac("sha256", secret).update(`${SCHEME}\n${timestamp}\n${authorization}\n`).update(body).digest();
}

/** For the gateway: the two headers to add to a subgraph request (or to a connection_init payload). */
export function signGatewayRequest(request: GatewayRequestToSign): GatewaySignatureHeaders {
  const timestamp = String(Math.floor((request.now?.() ?? new Date()).getTime() / 1000));
  const signature = mac(request.secret, timestamp, request.authorization ?? "", request.body).toString("hex");
  return { [GATEWAY_TIMESTAMP_HEADER]: timestamp, [GATEWAY_SIGNATURE_HEADER]: `${SCHEME}=${signature}` };
}

/** Why a request was not accepted as the gateway's; stable strings for logs and metrics. */
export type GatewaySignatureRefusal =
  | "signature-missing"
  | "signature-malformed"
  | "timestamp-outside-window"
  | "signature-mismatch";

export interface GatewaySignatureToVerify {
  /** The current secret first; during a rotation the previous one too. */
  secrets: readonly string[];
  body: string | Uint8Array;
  authorization?: string | null;
  timestamp: string | undefined;
  signature: string | undefined;
  toleranceSeconds: number;
  now?: () => Date;
}

/** null when the request carries a valid gateway signature, else why not. */
export function gatewaySignatureRefusal(request: GatewaySignatureToVerify): GatewaySignatureRefusal | null {
  if (!request.timestamp || !request.signature) return "signature-missing";
  const signature = SIGNATURE_PATTERN.exec(request.signature);
  if (!signature || !/^\d{1,12}$/.test(request.timestamp)) return "signature-malformed";
  const nowSeconds = (request.now?.() ?? new Date()).getTime() / 1000;
  if (Math.abs(nowSeconds - Number(request.timestamp)) > request.toleranceSeconds) return "timestamp-outside-window";
  const sent = Buffer.from(signature[1]!, "hex");
  const matches = request.secrets.some((secret) =>
    timingSafeEqual(sent, mac(secret, request.timestamp!, request.authorization ?? "", request.body)),
  );
  return matches ? null : "signature-mismatch";
}
