// Tells an error that will pass by itself (the database or Redis unreachable, a dropped
// connection, a serialization failure or deadlock, a timeout) from one that an entry causes: the
// stream consumer retries the first kind forever and never dead-letters it.

/** Socket errors of a peer that is down, restarting or unreachable. */
const TRANSIENT_SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "EAI_AGAIN",
  "ENOTCONN",
]);

/**
 * PostgreSQL SQLSTATEs that a retry of the same work can get past: connection exceptions (08xxx),
 * serialization failure and deadlock, too many connections, the server shutting down or starting
 * up, a statement or lock timeout, and a cancelled query.
 */
const TRANSIENT_SQLSTATES = new Set([
  "08000",
  "08001",
  "08003",
  "08004",
  "08006",
  "08P01",
  "40001",
  "40P01",
  "53300",
  "55P03",
  "57014",
  "57P01",
  "57P02",
  "57P03",
]);

/**
 * Prisma's codes for an unreachable or timed-out database (P1001 can't reach, P1002 timed out,
 * P1008 operation timed out, P1017 server closed the connection, P2024 pool timeout, P2028
 * transaction API error such as an expired transaction, P2034 write conflict or deadlock).
 */
const TRANSIENT_PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2028", "P2034"]);

/** Prisma driver adapter error kinds of the same nature. */
const TRANSIENT_ADAPTER_KINDS = new Set([
  "DatabaseNotReachable",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
  "TransactionWriteConflict",
  "TransactionAlreadyClosed",
]);

/** node-redis's error classes for a connection that is closed, lost or not yet open. */
const TRANSIENT_ERROR_NAMES = new Set([
  "ClientClosedError",
  "ClientOfflineError",
  "SocketClosedUnexpectedlyError",
  "ConnectionTimeoutError",
  "SocketTimeoutError",
  "ReconnectStrategyError",
  "TimeoutError",
  "PrismaClientInitializationError",
]);

/** Messages of the same failures from layers that set no code (pg's pool, Redis replies). */
const TRANSIENT_MESSAGES =
  /Connection terminated|Can't reach database server|timeout exceeded when trying to connect|the database system is (shutting down|starting up|in recovery mode)|terminating connection due to administrator command|The client is (closed|offline)|^Connection timeout$|^Socket timeout|Socket closed unexpectedly|^LOADING |^BUSY |^TRYAGAIN|^CLUSTERDOWN|^MASTERDOWN|^READONLY/;

/** True when retrying the same work later can succeed without anything about the work changing. */
export function isTransientError(error: unknown): boolean {
  const seen = new Set<unknown>();
  const stack: unknown[] = [error];
  while (stack.length > 0) {
    const current = stack.pop();
    if (current === null || typeof current !== "object" || seen.has(current)) continue;
    seen.add(current);
    const candidate = current as {
      code?: unknown;
      originalCode?: unknown;
      kind?: unknown;
      name?: unknown;
      message?: unknown;
      cause?: unknown;
      errors?: unknown;
      meta?: { driverAdapterError?: unknown };
    };
    for (const code of [candidate.code, candidate.originalCode]) {
      if (typeof code !== "string") continue;
      if (TRANSIENT_SOCKET_CODES.has(code) || TRANSIENT_SQLSTATES.has(code) || TRANSIENT_PRISMA_CODES.has(code)) {
        return true;
      }
    }
    if (typeof candidate.kind === "string" && TRANSIENT_ADAPTER_KINDS.has(candidate.kind)) return true;
    // node-redis's classes set no `name`; their constructor's name says what they are.
    for (const name of [candidate.name, (current as object).constructor?.name]) {
      if (typeof name === "string" && TRANSIENT_ERROR_NAMES.has(name)) return true;
    }
    if (typeof candidate.message === "string" && TRANSIENT_MESSAGES.test(candidate.message)) return true;
    stack.push(candidate.cause, candidate.meta?.driverAdapterError);
    if (Array.isArray(candidate.errors)) stack.push(...candidate.errors);
  }
  return false;
}

// The rejection of an entry that can never be applied is part of the stream contract: the one
// parser of stream entries (@ms5/schema/stream-entries) throws it, and handlers throw it for entries
// that break a rule of the plant model.
export { StreamEntryRejected } from "@ms5/schema/stream-entries";
