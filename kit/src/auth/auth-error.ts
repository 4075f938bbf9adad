// The one error class of the auth library: a stable `code` from the API's error codes, a `reason`
// for logs and clients that must tell cases apart (an expired token is refreshed, a reused one is
// not), and a message a person can act on.
import type { ErrorCode } from "@ms5/schema";

export type AuthErrorCode = Extract<
  ErrorCode,
  "UNAUTHENTICATED" | "FORBIDDEN" | "RATE_LIMITED" | "BAD_USER_INPUT" | "SERVICE_UNAVAILABLE"
>;

/** Why authentication or authorisation failed; stable strings, safe to log and to send. */
export type AuthFailureReason =
  // access tokens
  | "expired"
  | "bad-signature"
  | "unknown-kid"
  | "wrong-audience"
  | "wrong-issuer"
  | "wrong-type"
  | "disallowed-algorithm"
  | "malformed"
  // passwords and PINs
  | "invalid-credentials"
  | "account-inactive"
  | "account-locked"
  | "pin-locked"
  | "too-many-attempts"
  | "password-change-required"
  | "pin-change-required"
  // refresh tokens
  | "refresh-token-unknown"
  | "refresh-token-expired"
  | "refresh-token-revoked"
  | "refresh-token-reused"
  // API keys
  | "api-key-invalid"
  | "api-key-revoked"
  | "api-key-expired"
  // the login limiter's store cannot answer: sign-in is refused rather than left unlimited
  | "limiter-unavailable"
  // authorisation and input
  | "missing-permission"
  | "invalid-input";

export class AuthError extends Error {
  override readonly name = "AuthError";
  /** Seconds until another attempt can succeed; set with code RATE_LIMITED. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly code: AuthErrorCode,
    readonly reason: AuthFailureReason,
    message: string,
    options: { retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** What a GraphQL error's `extensions` should carry. */
  get extensions(): { code: AuthErrorCode; reason: AuthFailureReason; retryAfterSeconds?: number } {
    return this.retryAfterSeconds === undefined
      ? { code: this.code, reason: this.reason }
      : { code: this.code, reason: this.reason, retryAfterSeconds: this.retryAfterSeconds };
  }
}

export function rateLimited(reason: AuthFailureReason, retryAfterSeconds: number, message: string): AuthError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new AuthError("RATE_LIMITED", reason, `${message} Try again in ${describeWait(seconds)}.`, {
    retryAfterSeconds: seconds,
  });
}

export function badUserInput(message: string): AuthError {
  return new AuthError("BAD_USER_INPUT", "invalid-input", message);
}

function describeWait(seconds: number): string {
  if (seconds < 90) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minutes`;
}
