// What a client sees of a failure: every error carries `extensions.code` from schema/src/error-codes.ts;
// errors thrown on purpose keep their message, anything else becomes INTERNAL_SERVER_ERROR whose
// message is hidden in production while the log keeps the detail.
import { ERROR_CODES, type ErrorCode } from "@ms5/schema";
import type { GraphQLFormattedError } from "graphql";
import type { Logger } from "../logger.ts";

/**
 * A failure a resolver raises on purpose with a stable code (NOT_FOUND, CONFLICT,
 * SERVICE_UNAVAILABLE, ...), where the schema has no typed result for it. Its message reaches the
 * client, so write it for a person. Outcomes a client is expected to handle belong in the schema
 * as typed results (ExpectedError), not here.
 */
export class ApiError extends Error {
  override readonly name = "ApiError";

  constructor(
    readonly code: Exclude<ErrorCode, "INTERNAL_SERVER_ERROR">,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }

  /** graphql-js copies an error's `extensions` onto the GraphQL error it wraps it in. */
  get extensions(): { code: ErrorCode } {
    return { code: this.code };
  }
}

/**
 * An outcome the client is expected to handle, returned as a typed result through the errors
 * plugin (`errors: { types: [...] }`) rather than thrown to the client. Subclass it per outcome and
 * register the subclass as an object type implementing the `ExpectedError` interface.
 */
export class ExpectedError extends Error {
  override name = "ExpectedError";

  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Apollo Server's own request-level codes, mapped onto the documented list. */
const REQUEST_ERROR_CODES: Readonly<Record<string, ErrorCode>> = {
  GRAPHQL_PARSE_FAILED: "BAD_USER_INPUT",
  GRAPHQL_VALIDATION_FAILED: "BAD_USER_INPUT",
  BAD_REQUEST: "BAD_USER_INPUT",
  OPERATION_RESOLUTION_FAILURE: "BAD_USER_INPUT",
  PERSISTED_QUERY_NOT_SUPPORTED: "PERSISTED_QUERY_NOT_FOUND",
};

/** Extensions an error thrown on purpose may show besides `code` (AuthError's reason and wait). */
const PUBLIC_EXTENSIONS = ["reason", "retryAfterSeconds"] as const;

const HIDDEN_MESSAGE = "Internal server error";

function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(ERROR_CODES, value);
}

/** The error a resolver threw, when graphql-js wrapped it (checked by shape: graphql may load twice). */
function thrownByResolver(error: unknown): unknown {
  if (typeof error === "object" && error !== null && "path" in error && "originalError" in error) {
    return (error as { originalError?: unknown }).originalError ?? error;
  }
  return error;
}

/**
 * The documented code of an error raised on purpose (by a resolver, scope-auth or the request
 * pipeline), read from its extensions; undefined for anything unexpected.
 */
export function deliberateErrorCode(extensions: Readonly<Record<string, unknown>> | undefined): ErrorCode | undefined {
  const code = extensions?.code;
  if (typeof code !== "string") return undefined;
  return REQUEST_ERROR_CODES[code] ?? (isErrorCode(code) && code !== "INTERNAL_SERVER_ERROR" ? code : undefined);
}

/** Logs the errors of one operation that nobody raised on purpose, with the original error and stack. */
export function logUnexpectedErrors(
  errors: readonly { extensions?: Readonly<Record<string, unknown>>; path?: readonly (string | number)[] }[],
  logger: Logger,
): void {
  for (const error of errors) {
    if (deliberateErrorCode(error.extensions)) continue;
    logger.error({ err: thrownByResolver(error), path: error.path }, "unexpected error in a GraphQL operation");
  }
}

/**
 * The error as the client may see it (Apollo's `formatError`, and graphql-ws results): a documented
 * code always; the message when the error was raised on purpose; otherwise a generic message in
 * production (NODE_ENV=production: `hideInternalDetail`), the detail being in the log.
 */
export function toClientError(
  formatted: GraphQLFormattedError,
  options: { hideInternalDetail: boolean },
): GraphQLFormattedError {
  const extensions = formatted.extensions ?? {};
  const deliberateCode = deliberateErrorCode(extensions);
  const stacktrace = options.hideInternalDetail ? {} : pick(extensions, ["stacktrace"]);
  if (deliberateCode) {
    return {
      message: formatted.message,
      ...location(formatted),
      extensions: { code: deliberateCode, ...pick(extensions, PUBLIC_EXTENSIONS), ...stacktrace },
    };
  }
  return {
    message: options.hideInternalDetail ? HIDDEN_MESSAGE : formatted.message,
    ...location(formatted),
    extensions: { code: "INTERNAL_SERVER_ERROR" satisfies ErrorCode, ...stacktrace },
  };
}

function location(formatted: GraphQLFormattedError): Pick<GraphQLFormattedError, "locations" | "path"> {
  return {
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
  };
}

function pick(source: Readonly<Record<string, unknown>>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((key) => source[key] !== undefined).map((key) => [key, source[key]]));
}
