// Structured JSON logging (pino) with a correlation id carried through async work, so one
// request's or one stream entry's lines can be found together.
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import pino, { type Logger, type LoggerOptions } from "pino";

export type { Logger } from "pino";

const correlationStore = new AsyncLocalStorage<{ correlationId: string }>();

/** The header a client or an upstream service uses to pass its correlation id along. */
export const CORRELATION_HEADER = "x-correlation-id";

/**
 * Names whose values are never written, whatever object they sit in: credentials people type
 * (passwords, PINs, their replacements and one-time temporary ones), tokens of every kind, keys and
 * secrets, and the headers that carry them.
 */
export const REDACTED_KEYS: readonly string[] = [
  "password",
  "newPassword",
  "currentPassword",
  "temporaryPassword",
  "pin",
  "newPin",
  "currentPin",
  "temporaryPin",
  "token",
  "accessToken",
  "refreshToken",
  "apiKey",
  "secret",
  "gatewaySecret",
  "privateKey",
  "authorization",
  "cookie",
  "set-cookie",
  "x-api-key",
];

/** Each key at the top of a line's object and up to three levels down (req.headers.authorization). */
const REDACTED_PATHS = REDACTED_KEYS.flatMap((key) => {
  const leaf = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
  const join = (prefix: string) => (leaf.startsWith("[") ? `${prefix}${leaf}` : `${prefix}.${leaf}`);
  return [leaf, join("*"), join("*.*"), join("*.*.*")];
});

export interface CreateLoggerOptions {
  service: string;
  level?: LoggerOptions["level"];
  /** Where lines go; stdout when omitted. Tests pass a stream to read what was logged. */
  destination?: pino.DestinationStream;
}

export function createLogger({ service, level = "info", destination }: CreateLoggerOptions): Logger {
  const options: LoggerOptions = {
    level,
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Every line logged inside withCorrelationId() carries the id without callers passing it.
    mixin: () => {
      const context = correlationStore.getStore();
      return context ? { correlationId: context.correlationId } : {};
    },
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Runs `work` with `correlationId` (or a new one) attached to every log line it writes. */
export function withCorrelationId<T>(correlationId: string | undefined, work: () => T): T {
  return correlationStore.run({ correlationId: correlationId || randomUUID() }, work);
}

export function currentCorrelationId(): string | undefined {
  return correlationStore.getStore()?.correlationId;
}
