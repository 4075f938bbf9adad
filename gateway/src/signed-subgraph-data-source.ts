// How the gateway calls a subgraph: the caller's Authorization and correlation id forwarded, every
// request signed with the secret the subgraphs share with the gateway, over keep-alive node:http
// (subgraph-http-client.ts says why not fetch).
//
// A GraphQLDataSource of its own rather than Apollo's RemoteGraphQLDataSource: that one builds
// node-fetch Headers and a Request, and wants a fetch Response back (its body read through a
// stream), for every subgraph call; for a small JSON answer that was several times the cost of the
// call itself (CPU profiles of `pnpm bench:gateway`). Nothing it offered is used here: no APQ to
// subgraphs, no subgraph Cache-Control, no federated traces.
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import { CORRELATION_HEADER } from "@ms5/kit";
import { signGatewayRequest } from "@ms5/kit/subgraph";
import type { ErrorCode } from "@ms5/schema";
import { GraphQLError } from "graphql";
import { postToSubgraph, SubgraphConnectionError, type SubgraphHttpResponse } from "./subgraph-http-client.ts";

/** What the gateway's per-request context carries for the subgraphs. */
export interface GatewayRequestContext {
  /** The caller's Authorization header, forwarded as sent (the subgraph verifies it itself). */
  authorization?: string;
  correlationId: string;
}

type SubgraphResponse = Awaited<ReturnType<GraphQLDataSource["process"]>>;
type SubgraphRequest = GraphQLDataSourceProcessOptions["request"];

export interface SignedSubgraphRequest {
  url: string;
  /** SUBGRAPH_GATEWAY_SECRET. */
  gatewaySecret: string;
  request: Pick<SubgraphRequest, "query" | "variables" | "operationName" | "extensions">;
  /** The caller's Authorization, forwarded as sent. */
  authorization?: string;
  correlationId?: string;
  timeoutMs?: number;
}

/** A query (or an entity fetch) reads only; a mutation's fetch must never be sent twice. */
function isReadOnly(query: string | undefined): boolean {
  return query !== undefined && /^\s*(\{|query\b)/.test(query);
}

/**
 * POSTs a GraphQL request to a subgraph as the gateway: serialised once, and signed over exactly
 * those bytes. Rejects when the subgraph cannot be reached; any answer, whatever its status, resolves.
 * A read-only request whose connection was reset before any byte of the answer came back is sent
 * once more (freshly signed: each signature is accepted once); a mutation never is.
 */
export async function postSignedToSubgraph(call: SignedSubgraphRequest): Promise<SubgraphHttpResponse> {
  const { query, variables, operationName, extensions } = call.request;
  const body = JSON.stringify({ query, variables, operationName, extensions });
  const send = () => {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      ...signGatewayRequest({ secret: call.gatewaySecret, body, authorization: call.authorization }),
    };
    if (call.authorization) headers.authorization = call.authorization;
    if (call.correlationId) headers[CORRELATION_HEADER] = call.correlationId;
    return postToSubgraph(call.url, headers, body, { timeoutMs: call.timeoutMs });
  };
  try {
    return await send();
  } catch (error) {
    const retriable =
      error instanceof SubgraphConnectionError && error.beforeAnswer && error.isConnectionReset && isReadOnly(query);
    if (!retriable) throw error;
    return send();
  }
}

export interface SignedSubgraphDataSourceOptions {
  name: string;
  url: string;
  /** SUBGRAPH_GATEWAY_SECRET. */
  gatewaySecret: string;
  /** A subgraph answer slower than this fails the fetch with SERVICE_UNAVAILABLE. */
  timeoutMs: number;
}

/**
 * A subgraph that refuses a request (401 for a bad credential, 413, ...) answers in the GraphQL
 * response shape with a documented code: pass its message and code on instead of "401: Unauthorized".
 */
function errorFromRefusal(answer: SubgraphHttpResponse): GraphQLError {
  let first: { message?: unknown; extensions?: { code?: unknown; reason?: unknown } } | undefined;
  try {
    first = (JSON.parse(answer.body) as { errors?: (typeof first)[] }).errors?.[0];
  } catch {
    first = undefined;
  }
  const code = typeof first?.extensions?.code === "string" ? first.extensions.code : undefined;
  if (code && typeof first?.message === "string") {
    const reason = typeof first.extensions?.reason === "string" ? { reason: first.extensions.reason } : {};
    return new GraphQLError(first.message, { extensions: { code, ...reason } });
  }
  return new GraphQLError(`The subgraph answered ${answer.status}.`, {
    extensions: { code: answer.status === 401 ? "UNAUTHENTICATED" : "INTERNAL_SERVER_ERROR" },
  });
}

export class SignedSubgraphDataSource implements GraphQLDataSource<GatewayRequestContext> {
  constructor(private readonly options: SignedSubgraphDataSourceOptions) {}

  async process({
    request,
    context,
  }: GraphQLDataSourceProcessOptions<GatewayRequestContext>): Promise<SubgraphResponse> {
    if (!request.query) throw new Error("Missing query");
    const forwarded = context as Partial<GatewayRequestContext>;
    let answer: SubgraphHttpResponse;
    try {
      answer = await postSignedToSubgraph({
        url: this.options.url,
        gatewaySecret: this.options.gatewaySecret,
        request,
        authorization: forwarded.authorization,
        correlationId: forwarded.correlationId,
        timeoutMs: this.options.timeoutMs,
      });
    } catch (error) {
      throw new GraphQLError(`The ${this.options.name} service cannot be reached; retry shortly.`, {
        originalError: error instanceof Error ? error : undefined,
        extensions: { code: "SERVICE_UNAVAILABLE" satisfies ErrorCode },
      });
    }
    if (answer.status < 200 || answer.status > 299) throw errorFromRefusal(answer);
    let body: unknown;
    try {
      body = JSON.parse(answer.body);
    } catch {
      body = undefined;
    }
    if (body === null || typeof body !== "object" || Array.isArray(body)) {
      throw new Error(`Expected JSON response body, but received: ${answer.body}`);
    }
    return body as SubgraphResponse;
  }
}
