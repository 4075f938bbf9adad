// POST /graphql on Node's own http server, in front of Apollo Server: the gateway's signature is
// checked over the raw body and the caller's credential is verified before Apollo sees the request.
// Written here rather than through Express because the signature needs the exact body bytes, and
// the whole integration is one body read and one response write.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApolloServer, HTTPGraphQLResponse } from "@apollo/server";
import { HeaderMap } from "@apollo/server";
import type { ErrorCode } from "@ms5/schema";
import { AuthError } from "../auth/auth-error.ts";
import type { RequestIdentity } from "../auth/request-identity.ts";
import { CORRELATION_HEADER, type Logger, withCorrelationId } from "../logger.ts";
import {
  GATEWAY_NONCE_HEADER,
  GATEWAY_SIGNATURE_HEADER,
  GATEWAY_TIMESTAMP_HEADER,
  GatewayNonceLedger,
  gatewaySignatureRefusal,
} from "./gateway-signature.ts";
import { correlationIdFrom, type SubgraphContext } from "./subgraph-context.ts";
import type { SubgraphServerSettings } from "./subgraph-defaults.ts";
import type { SubgraphMetrics } from "./subgraph-metrics.ts";

export interface GraphQLHttpEndpointOptions {
  apollo: ApolloServer<SubgraphContext>;
  settings: SubgraphServerSettings;
  gatewaySecrets: readonly string[];
  /** identifyRequest bound to this service's keys: AuthError for bad credentials. */
  identify(authorization: string | undefined): Promise<RequestIdentity>;
  createContext(identity: RequestIdentity, correlationId: string): SubgraphContext;
  metrics: SubgraphMetrics;
  logger: Logger;
}

/** A request refused before execution, answered in the GraphQL response shape the gateway reads. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    readonly reason: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

function tooLarge(limit: number): Refusal {
  return new Refusal(413, "PAYLOAD_TOO_LARGE", "body-too-large", `The request body is larger than ${limit} bytes.`);
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(JSON.stringify(body));
}

function sendRefusal(res: ServerResponse, refusal: Refusal): void {
  // The body of a refused request may still be on the wire; closing is cheaper than draining it.
  res.shouldKeepAlive = false;
  send(
    res,
    refusal.status,
    { errors: [{ message: refusal.message, extensions: { code: refusal.code, reason: refusal.reason } }] },
    refusal.headers,
  );
}

/** Writes Apollo's answer to Node's response: its headers and status, then the body whole or streamed. */
export async function writeHttpGraphQLResponse(res: ServerResponse, response: HTTPGraphQLResponse): Promise<void> {
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === "complete") {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

export function createGraphQLHttpEndpoint(options: GraphQLHttpEndpointOptions) {
  const { apollo, settings, metrics, logger } = options;
  const nonces = new GatewayNonceLedger();

  async function admit(req: IncomingMessage): Promise<{ body: unknown; identity: RequestIdentity }> {
    if (req.method !== "POST") {
      throw new Refusal(405, "BAD_USER_INPUT", "method-not-allowed", "Send GraphQL requests with POST.", {
        allow: "POST",
      });
    }
    const timestamp = header(req, GATEWAY_TIMESTAMP_HEADER);
    const signature = header(req, GATEWAY_SIGNATURE_HEADER);
    // Refused before the body is read: an unsigned caller costs nothing.
    if (!timestamp || !signature) {
      throw new Refusal(401, "UNAUTHENTICATED", "signature-missing", "Subgraphs answer only the gateway.");
    }
    const raw = await readBody(req, settings.bodyLimitBytes);
    const authorization = header(req, "authorization");
    const refusal = gatewaySignatureRefusal({
      secrets: options.gatewaySecrets,
      body: raw,
      authorization,
      timestamp,
      nonce: header(req, GATEWAY_NONCE_HEADER),
      signature,
      toleranceSeconds: settings.gatewaySignatureToleranceSeconds,
      nonces,
    });
    if (refusal) throw new Refusal(401, "UNAUTHENTICATED", refusal, "Subgraphs answer only the gateway.");

    let body: unknown;
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      throw new Refusal(400, "BAD_USER_INPUT", "malformed-json", "The request body is not JSON.");
    }
    try {
      return { body, identity: await options.identify(authorization) };
    } catch (error) {
      if (error instanceof AuthError) {
        throw new Refusal(401, error.code, error.reason, error.message, { "www-authenticate": "Bearer" });
      }
      logger.error({ err: error }, "could not verify the caller's credential");
      throw new Refusal(503, "SERVICE_UNAVAILABLE", "identity-unavailable", "The credential cannot be checked now.");
    }
  }

  async function execute(req: IncomingMessage, res: ServerResponse, body: unknown, context: SubgraphContext) {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
    }
    const url = new URL(req.url ?? "/", "http://subgraph");
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: "POST", headers, search: url.search, body },
      context: async () => context,
    });
    await writeHttpGraphQLResponse(res, response);
  }

  /** Answers POST /graphql. */
  return async function handleGraphQLRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const stopTimer = metrics.httpRequestDuration.startTimer();
    const correlationId = correlationIdFrom(header(req, CORRELATION_HEADER));
    res.setHeader(CORRELATION_HEADER, correlationId);
    await withCorrelationId(correlationId, async () => {
      try {
        const { body, identity } = await admit(req);
        await execute(req, res, body, options.createContext(identity, correlationId));
      } catch (error) {
        if (error instanceof Refusal) {
          metrics.refusedRequests.inc({ transport: "http", reason: error.reason });
          logger.warn({ reason: error.reason, status: error.status }, "refused a GraphQL request");
          sendRefusal(res, error);
        } else if (!res.destroyed) {
          logger.error({ err: error }, "GraphQL request failed outside execution");
          send(res, 500, {
            errors: [{ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } }],
          });
        }
      } finally {
        stopTimer({ status: String(res.statusCode) });
      }
    });
  };
}
