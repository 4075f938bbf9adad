// `@ms5/gateway/operation-limits`: the gateway's operation limits as a package export, so a client of
// the gateway (the web app's document test) checks its documents against the very rules the gateway
// applies (depth, aliases, tokens, directives, list-priced cost) without reaching into its sources.
export { OPERATION_LIMIT_DEFAULTS, type OperationLimits } from "./gateway-defaults.ts";
export { type ListBounds, listBoundsOf } from "./list-pricing.ts";
export {
  isOperationLimitRefusal,
  OPERATION_LIMIT_CODE,
  OperationLimitExceeded,
  operationLimitProtection,
} from "./operation-limits.ts";
