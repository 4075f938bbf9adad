// Limits sign-in attempts per login name and per client address with sliding windows in Redis, in
// front of the database lockout: it also covers names that do not exist and many names from one address.
// When Redis does not answer in time the attempt is refused (fails closed): an unlimited sign-in
// would reopen PIN guessing at full speed, and a sign-in that hangs helps no one.
import { createHash, randomUUID } from "node:crypto";
import { DEFAULT_KEY_PREFIX } from "@ms5/schema";
import type { RedisClient } from "../redis-client.ts";
import { AUTH_DEFAULTS, type SlidingWindowLimit } from "./auth-defaults.ts";
import { AuthError, rateLimited } from "./auth-error.ts";

export interface LoginRateLimiterOptions {
  /** A client from `createRedisClient`, connected. */
  redis: RedisClient;
  /** Prefix of every key, e.g. "ms5:" (tests: `testRedisPrefix(runId)`). @default "ms5:" */
  keyPrefix?: string;
  /** @default AUTH_DEFAULTS.loginAttemptsPerAccount */
  perAccount?: SlidingWindowLimit;
  /** @default AUTH_DEFAULTS.loginAttemptsPerAddress */
  perAddress?: SlidingWindowLimit;
  /** @default AUTH_DEFAULTS.loginLimiterTimeoutMs */
  timeoutMs?: number;
}

export interface LoginAttemptSubject {
  /** The username or employee id as typed. */
  login: string;
  /** Password and PIN attempts are counted in separate per-account windows. @default "password" */
  method?: "password" | "pin";
  /** The client's address; without one only the per-account window applies. */
  address?: string | null;
}

/** One allowed attempt. Left alone it counts as a failure; `succeeded()` takes it back. */
export interface LoginAttempt {
  /**
   * The sign-in worked: forget this attempt and the account's earlier failures of its method (a
   * password sign-in forgets the PIN failures too, as it lifts a PIN lock).
   */
  succeeded(): Promise<void>;
}

export interface LoginRateLimiter {
  /**
   * Counts an attempt in both windows, or throws AuthError RATE_LIMITED (`too-many-attempts`, with
   * retryAfterSeconds) without counting it when either window is full, or SERVICE_UNAVAILABLE
   * (`limiter-unavailable`) when Redis does not answer within the timeout.
   */
  consumeAttempt(subject: LoginAttemptSubject): Promise<LoginAttempt>;
}

// Checks every window first and only then records the attempt in all of them, atomically, with the
// server's clock (so gateways with skewed clocks share one window). Returns 0, or the ms to wait.
// ARGV: member, then limit and window (ms) per key.
const CONSUME_ATTEMPT_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local wait = 0
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[2 * i])
  local window = tonumber(ARGV[2 * i + 1])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  if count >= limit then
    local freeing = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
    local until_free = tonumber(freeing[2]) + window - now
    if until_free > wait then wait = until_free end
  end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[1])
  redis.call('PEXPIRE', key, tonumber(ARGV[2 * i + 1]))
end
return 0
`;

/** "::ffff:10.0.0.7" and "10.0.0.7" are one client. */
function normalizedAddress(address: string): string {
  const trimmed = address.trim().toLowerCase();
  return trimmed.startsWith("::ffff:") && trimmed.includes(".") ? trimmed.slice(7) : trimmed;
}

function limiterUnavailable(cause?: unknown): AuthError {
  return new AuthError(
    "SERVICE_UNAVAILABLE",
    "limiter-unavailable",
    "Sign-in is unavailable for a moment (the attempt counter does not answer). Try again shortly.",
    { cause },
  );
}

/** `work`, or limiter-unavailable once `timeoutMs` pass or Redis fails: never an unlimited attempt. */
async function withinTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(limiterUnavailable()), timeoutMs);
  });
  try {
    return await Promise.race([work.catch((error: unknown) => Promise.reject(limiterUnavailable(error))), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

export function createLoginRateLimiter(options: LoginRateLimiterOptions): LoginRateLimiter {
  const { redis, keyPrefix = DEFAULT_KEY_PREFIX } = options;
  const perAccount = options.perAccount ?? AUTH_DEFAULTS.loginAttemptsPerAccount;
  const perAddress = options.perAddress ?? AUTH_DEFAULTS.loginAttemptsPerAddress;
  const timeoutMs = options.timeoutMs ?? AUTH_DEFAULTS.loginLimiterTimeoutMs;
  // One hash tag for all keys, so the script's keys share a slot on a Redis Cluster too.
  const accountKey = (login: string, method: "password" | "pin") =>
    // Hashed: login names stay out of Redis, and a key's length does not depend on what was typed.
    `${keyPrefix}{login-attempts}:${method === "pin" ? "pin-account" : "account"}:${createHash("sha256").update(login.trim().toLowerCase()).digest("hex")}`;
  const addressKey = (address: string) => `${keyPrefix}{login-attempts}:address:${normalizedAddress(address)}`;

  return {
    async consumeAttempt({ login, address, method = "password" }) {
      const windows: [string, SlidingWindowLimit][] = [[accountKey(login, method), perAccount]];
      if (address) windows.push([addressKey(address), perAddress]);
      const member = randomUUID();
      const waitMs = Number(
        await withinTimeout(
          redis.eval(CONSUME_ATTEMPT_SCRIPT, {
            keys: windows.map(([key]) => key),
            arguments: [
              member,
              ...windows.flatMap(([, limit]) => [String(limit.maxAttempts), String(limit.windowSeconds * 1000)]),
            ],
          }),
          timeoutMs,
        ),
      );
      if (waitMs > 0) throw rateLimited("too-many-attempts", waitMs / 1000, "Too many sign-in attempts.");
      return {
        async succeeded() {
          const forget = [windows[0]![0]];
          if (method === "password") forget.push(accountKey(login, "pin"));
          await withinTimeout(
            Promise.all([redis.del(forget), windows[1] ? redis.zRem(windows[1][0], member) : 0]),
            timeoutMs,
          );
        },
      };
    },
  };
}
