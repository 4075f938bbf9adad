// How the gateway calls a subgraph: the caller's Authorization and correlation id forwarded, every
// request signed with the secret the subgraphs share with the gateway, over keep-alive node:http
// (subgraph-http-client.ts says why not fetch).
//
// The signature covers the exact body bytes sent. RemoteGraphQLDataSource serialises the body itself
// (JSON.stringify in sendRequest) and hands the string to `fetcher`, so signing happens in the
// fetcher, over that very string: nothing can re-serialise it after it was signed.

import { type GraphQLDataSourceProcessOptions, RemoteGraphQLDataSource } from "@apollo/gateway";
import { CORRELATION_HEADER } from "@ms5/kit";
import { signGatewayRequest } from "@ms5/kit/subgraph";
import type { ErrorCode } from "@ms5/schema";
import { GraphQLError } from "graphql";
import { postToSubgraph, toFetchResponse } from "./subgraph-http-client.ts";

/** What the gateway's per-request context carries for the subgraphs. */
export interface GatewayRequestContext {
  /** The caller's Authorization header, forwarded as sent (the subgraph verifies it itself). */
  authorization?: string;
  correlationId: string;
}

type FetcherInit = { method?: string; headers?: Record<string, string>; body?: string };
type Fetcher = RemoteGraphQLDataSource["fetcher"];

export interface SignedSubgraphDataSourceOptions {
  name: string;
  url: string;
  /** SUBGRAPH_GATEWAY_SECRET. */
  gatewaySecret: string;
  /** @default postToSubgraph over keep-alive node:http */
  fetch?: typeof fetch;
}

function headerValue(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

/** A fetcher that signs the final body and turns a failed connection into SERVICE_UNAVAILABLE. */
function signingFetcher(options: SignedSubgraphDataSourceOptions): Fetcher {
  const send =
    options.fetch ??
    (async (url: string, init: FetcherInit & { body: string }) =>
      toFetchResponse(await postToSubgraph(url, init.headers ?? {}, init.body)));
  const fetcher = async (url: string, init?: FetcherInit) => {
    const body = init?.body ?? "";
    const signature = signGatewayRequest({
      secret: options.gatewaySecret,
      body,
      authorization: headerValue(init?.headers, "authorization"),
    });
    try {
      return await send(url, { ...init, headers: { ...init?.headers, ...signature }, body });
    } catch (error) {
      throw new GraphQLError(`The ${options.name} service cannot be reached; retry shortly.`, {
        originalError: error instanceof Error ? error : undefined,
        extensions: { code: "SERVICE_UNAVAILABLE" satisfies ErrorCode },
      });
    }
  };
  return fetcher as unknown as Fetcher;
}

export class SignedSubgraphDataSource extends RemoteGraphQLDataSource<GatewayRequestContext> {
  constructor(options: SignedSubgraphDataSourceOptions) {
    super({ url: options.url, fetcher: signingFetcher(options), honorSubgraphCacheControlHeader: false });
  }

  override willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayRequestContext>): void {
    const headers = options.request.http?.headers;
    if (!headers) return;
    const context = options.context as Partial<GatewayRequestContext>;
    if (context.authorization) headers.set("authorization", context.authorization);
    if (context.correlationId) headers.set(CORRELATION_HEADER, context.correlationId);
  }

  /**
   * A subgraph that refuses a request (401 for a bad credential, 413, ...) answers in the GraphQL
   * response shape with a documented code: pass its message and code on instead of "401: Unauthorized".
   */
  override async errorFromResponse(response: Parameters<RemoteGraphQLDataSource["errorFromResponse"]>[0]) {
    const text = await response.text().catch(() => "");
    let first: { message?: unknown; extensions?: { code?: unknown; reason?: unknown } } | undefined;
    try {
      first = (JSON.parse(text) as { errors?: (typeof first)[] }).errors?.[0];
    } catch {
      first = undefined;
    }
    const code = typeof first?.extensions?.code === "string" ? first.extensions.code : undefined;
    if (code && typeof first?.message === "string") {
      const reason = typeof first.extensions?.reason === "string" ? { reason: first.extensions.reason } : {};
      return new GraphQLError(first.message, { extensions: { code, ...reason } });
    }
    return new GraphQLError(`The subgraph answered ${response.status}.`, {
      extensions: { code: response.status === 401 ? "UNAUTHENTICATED" : "INTERNAL_SERVER_ERROR" },
    });
  }
}
