// Turns a Node request to /graphql into the request Apollo Server runs: the body read within its cap,
// the credential found (an API key verified before anything is planned), a trusted document id
// replaced by its document, and the token limit applied. What is refused here never reaches Apollo.
import type { IncomingMessage } from "node:http";
import { HeaderMap } from "@apollo/server";
import { identifyRequest } from "@ms5/kit/auth";
import {
  API_KEY_HEADER,
  type EdgeCredential,
  type EdgeIdentityOptions,
  edgeCredentialOf,
  identifyEdgeCredential,
  isServiceIdentity,
} from "./edge-credentials.ts";
import type { GatewaySettings } from "./gateway-defaults.ts";
import { HttpRefusal, headerOf, readCappedBody } from "./http-json.ts";
import { OPERATION_LIMIT_CODE, tokenLimitRefusal } from "./operation-limits.ts";
import { GraphQLRefusal } from "./request-refusals.ts";
import {
  resolveTrustedDocument,
  type TrustedDocumentOutcome,
  type TrustedDocumentPolicy,
  type TrustedDocumentRequest,
} from "./trusted-documents.ts";

/** Apollo Server's HTTP request from Node's, with the body as parsed JSON or, for other types, the raw text. */
export function apolloRequestOf(req: IncomingMessage, raw: Buffer | undefined) {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
  }
  let body: unknown;
  if (raw && raw.length > 0) {
    const text = raw.toString("utf8");
    if (/^application\/(graphql-response\+)?json/i.test(headerOf(req, "content-type") ?? "")) {
      try {
        body = JSON.parse(text);
      } catch {
        throw new HttpRefusal(400, "BAD_USER_INPUT", "The request body is not JSON.");
      }
    } else {
      // Apollo refuses it: as a CSRF "simple request" without the preflight header, or as unparsable.
      body = text;
    }
  }
  const url = new URL(req.url ?? "/", "http://gateway");
  return { method: (req.method ?? "GET").toUpperCase(), headers, search: url.search, body };
}

export type ApolloHttpRequest = ReturnType<typeof apolloRequestOf>;

/**
 * The GraphQL parameters of a JSON body or of a GET's query string; undefined for what Apollo refuses
 * by itself (a batched array, a CSRF simple request's text, no body).
 */
function graphQLParamsOf(request: ApolloHttpRequest): TrustedDocumentRequest | undefined {
  if (request.method === "GET") {
    const params = new URLSearchParams(request.search);
    let extensions: unknown;
    try {
      extensions = JSON.parse(params.get("extensions") ?? "null") ?? undefined;
    } catch {
      extensions = undefined;
    }
    return { query: params.get("query") ?? undefined, documentId: params.get("documentId") ?? undefined, extensions };
  }
  const body = request.body;
  return body !== null && typeof body === "object" && !Array.isArray(body)
    ? (body as TrustedDocumentRequest)
    : undefined;
}

/** The request with the document to run in place of a document id, for Apollo (which knows no ids). */
function withDocument(
  request: ApolloHttpRequest,
  outcome: Extract<TrustedDocumentOutcome, { kind: "run" }>,
): ApolloHttpRequest {
  if (request.method === "GET") {
    const params = new URLSearchParams(request.search);
    params.set("query", outcome.query);
    params.delete("documentId");
    if (outcome.extensions) params.set("extensions", JSON.stringify(outcome.extensions));
    else params.delete("extensions");
    return { ...request, search: `?${params}` };
  }
  const { documentId: _documentId, extensions: _extensions, ...rest } = request.body as Record<string, unknown>;
  return {
    ...request,
    body: { ...rest, query: outcome.query, ...(outcome.extensions ? { extensions: outcome.extensions } : {}) },
  };
}

export interface GraphQLRequestAdaptation {
  settings: Pick<GatewaySettings, "bodyLimitBytes" | "limits">;
  trustedDocuments: TrustedDocumentPolicy;
  edgeIdentity: EdgeIdentityOptions;
}

/**
 * The Apollo request and the caller's credential of a /graphql request; throws HttpRefusal,
 * GraphQLRefusal or AuthError for what is refused before execution.
 */
export async function adaptGraphQLRequest(
  req: IncomingMessage,
  adaptation: GraphQLRequestAdaptation,
): Promise<{ httpGraphQLRequest: ApolloHttpRequest; credential: EdgeCredential }> {
  const { settings, trustedDocuments, edgeIdentity } = adaptation;
  if (req.method !== "POST" && req.method !== "GET") {
    throw new HttpRefusal(405, "BAD_USER_INPUT", "Send GraphQL requests with POST (or GET for queries).", {
      allow: "GET, POST",
    });
  }
  const raw = req.method === "POST" ? await readCappedBody(req, settings.bodyLimitBytes) : undefined;
  let httpGraphQLRequest = apolloRequestOf(req, raw);

  const credential = edgeCredentialOf(headerOf(req, "authorization"), headerOf(req, API_KEY_HEADER));
  // API keys are verified here so a revoked or expired one is refused before anything is planned.
  let verifiedApiKey = false;
  if (credential.kind === "api-key") {
    await identifyEdgeCredential(credential, edgeIdentity);
    verifiedApiKey = true;
  }

  const params = graphQLParamsOf(httpGraphQLRequest);
  if (params) {
    let outcome = resolveTrustedDocument(trustedDocuments, params, verifiedApiKey);
    if (
      outcome.kind === "refused" &&
      outcome.code === "PERSISTED_QUERY_NOT_FOUND" &&
      trustedDocuments.mode === "enforce" &&
      (await isServiceCaller(credential, verifiedApiKey, edgeIdentity))
    ) {
      outcome = resolveTrustedDocument(trustedDocuments, params, true);
    }
    if (outcome.kind === "refused") throw new GraphQLRefusal(400, outcome.code, outcome.message);
    httpGraphQLRequest = withDocument(httpGraphQLRequest, outcome);
    const tooManyTokens = tokenLimitRefusal(outcome.query, settings.limits.maxTokens);
    if (tooManyTokens) throw new GraphQLRefusal(400, OPERATION_LIMIT_CODE, tooManyTokens.message);
  }
  return { httpGraphQLRequest, credential };
}

/** Whether the caller behind `credential` is a verified service account (may send any document). */
async function isServiceCaller(
  credential: EdgeCredential,
  verifiedApiKey: boolean,
  { verificationKeys, verifiedAccessTokens }: EdgeIdentityOptions,
): Promise<boolean> {
  if (verifiedApiKey) return true;
  if (credential.kind !== "token") return false;
  // Only asked in enforce mode for a document outside the manifest: a person's token is refused
  // either way, so verifying it here costs nothing on the trusted path.
  return isServiceIdentity(await identifyRequest(credential.authorization, { verificationKeys, verifiedAccessTokens }));
}
