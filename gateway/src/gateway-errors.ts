// What a client of the gateway sees of a failure: the kit's rules (a documented `extensions.code`,
// internal messages hidden in production), plus the gateway's own refusals mapped onto the list.

import { toClientError } from "@ms5/kit/subgraph";
import type { ErrorCode } from "@ms5/schema";
import type { GraphQLFormattedError } from "graphql";
import { OPERATION_LIMIT_MESSAGE } from "./operation-limits.ts";

export function formatGatewayError(
  formatted: GraphQLFormattedError,
  options: { hideInternalDetail: boolean },
): GraphQLFormattedError {
  if (OPERATION_LIMIT_MESSAGE.test(formatted.message)) {
    return {
      message: formatted.message.replace(/^Syntax Error: /, ""),
      extensions: { code: "QUERY_TOO_COMPLEX" satisfies ErrorCode },
    };
  }
  return toClientError(formatted, options);
}
