// Every error a client of the API can see carries one of these codes in `extensions.code`.

export const ERROR_CODES = {
  UNAUTHENTICATED: "No valid credentials were sent, or they have expired",
  FORBIDDEN: "The caller is known but lacks the permission for this field or operation",
  BAD_USER_INPUT: "An argument is missing, malformed or out of range",
  NOT_FOUND: "The object named does not exist or is not visible to the caller",
  CONFLICT: "The change conflicts with the current state (a duplicate, a stale version)",
  INVALID_STATE_TRANSITION: "The object is not in a state that allows this operation",
  RATE_LIMITED: "Too many attempts; retry after the time given",
  PAYLOAD_TOO_LARGE: "The request or upload is larger than allowed",
  QUERY_TOO_COMPLEX: "The operation exceeds a depth, alias, token or cost limit",
  TOO_MANY_SUBSCRIPTIONS: "The connection or account holds as many live subscriptions as allowed; end one first",
  PERSISTED_QUERY_NOT_FOUND: "The operation is not in the trusted document list",
  SERVICE_UNAVAILABLE: "A dependency is down; retry later",
  INTERNAL_SERVER_ERROR: "Something failed on the server; the log has the detail",
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;
