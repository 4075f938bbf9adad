// What a client of the gateway sees of a failure: the kit's rules (a documented `extensions.code`,
// internal messages hidden in production), plus the gateway's own refusals mapped onto the list.

import { toClientError } from "@ms5/kit/subgraph";
import type { GraphQLFormattedError } from "graphql";
import { isOperationLimitRefusal, OPERATION_LIMIT_CODE } from "./operation-limits.ts";

export function formatGatewayError(
  formatted: GraphQLFormattedError,
  error: unknown,
  options: { hideInternalDetail: boolean },
): GraphQLFormattedError {
  // Apollo files a refused limit under GRAPHQL_VALIDATION_FAILED; the refusal itself says which it is.
  if (isOperationLimitRefusal(error)) {
    return { message: formatted.message, extensions: { code: OPERATION_LIMIT_CODE } };
  }
  return toClientError(formatted, options);
}
