// How a request the gateway will not run is answered: an auth failure, a refusal before execution
// (trusted documents, token limit) or an HTTP-level refusal (method, body size) becomes its status
// and a GraphQL-shaped error with `extensions.code`; anything else is logged and answered as a 500
// that says nothing of the cause.
import type { ServerResponse } from "node:http";
import type { Logger } from "@ms5/kit";
import { AuthError } from "@ms5/kit/auth";
import type { ErrorCode } from "@ms5/schema";
import { HttpRefusal, sendJson } from "./http-json.ts";

/** A refusal of a /graphql request before execution, in the GraphQL response shape. */
export class GraphQLRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly reason?: string,
  ) {
    super(message);
  }

  static fromAuthError(error: AuthError): GraphQLRefusal {
    return new GraphQLRefusal(error.code === "FORBIDDEN" ? 403 : 401, error.code, error.message, error.reason);
  }
}

/**
 * Answers a request that failed outside execution and returns the `extensions.code` it was answered
 * with (for the metrics).
 */
export function sendRequestFailure(
  res: ServerResponse,
  error: unknown,
  { logger, path }: { logger: Logger; path: string | undefined },
): string {
  const refusal = error instanceof AuthError ? GraphQLRefusal.fromAuthError(error) : error;
  if (refusal instanceof GraphQLRefusal) {
    const reason = refusal.reason ? { reason: refusal.reason } : {};
    sendJson(res, refusal.status, {
      errors: [{ message: refusal.message, extensions: { code: refusal.code, ...reason } }],
    });
    return refusal.code;
  }
  if (error instanceof HttpRefusal) {
    // The rest of a refused body may still be on the wire; closing is cheaper than draining it.
    res.shouldKeepAlive = false;
    sendJson(
      res,
      error.status,
      { errors: [{ message: error.message, extensions: { code: error.code } }] },
      error.headers,
    );
    return error.code;
  }
  logger.error({ err: error, path }, "request failed outside execution");
  if (!res.destroyed) {
    sendJson(res, 500, {
      errors: [{ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } }],
    });
  }
  return "INTERNAL_SERVER_ERROR";
}
