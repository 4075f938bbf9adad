// The outcomes of andon and escalation operations a client is expected to handle: thrown by the
// domain functions, returned as typed union members by the GraphQL errors plugin. Nothing changed
// when one of them is returned.
import type { AndonStatus } from "@ms5/db";
import { ExpectedError } from "@ms5/kit/subgraph";

/** The andon is not in a state from which the asked-for step is allowed. */
export class InvalidAndonTransition extends ExpectedError {
  override name = "InvalidAndonTransition";
  constructor(
    readonly andonId: string,
    readonly from: AndonStatus,
    readonly to: AndonStatus,
  ) {
    super("INVALID_STATE_TRANSITION", `Andon ${andonId} is ${from} and cannot become ${to}.`);
  }
}

/** Somebody acknowledged the andon already; a second acknowledgement changes nothing. */
export class AndonAlreadyAcknowledged extends ExpectedError {
  override name = "AndonAlreadyAcknowledged";
  constructor(
    readonly andonId: string,
    readonly acknowledgedById: string | null,
    readonly acknowledgedAt: Date,
  ) {
    super("INVALID_STATE_TRANSITION", `Andon ${andonId} was acknowledged at ${acknowledgedAt.toISOString()}.`);
  }
}

/** The andon's escalation rule wants it acknowledged before it is resolved. */
export class AcknowledgeRequired extends ExpectedError {
  override name = "AcknowledgeRequired";
  constructor(readonly andonId: string) {
    super("INVALID_STATE_TRANSITION", `Andon ${andonId} must be acknowledged before it is resolved.`);
  }
}

/** A photo that is too large, not a JPEG/PNG/WebP, or not what its declared type says. */
export class PhotoRejected extends ExpectedError {
  override name = "PhotoRejected";
  constructor(
    readonly reason: "TOO_LARGE" | "UNSUPPORTED_TYPE" | "TYPE_MISMATCH" | "MALFORMED" | "TOO_MANY",
    message: string,
  ) {
    super(reason === "TOO_LARGE" ? "PAYLOAD_TOO_LARGE" : "BAD_USER_INPUT", message);
  }
}

/**
 * The caller used this idempotency key before for a different request (another andon, other
 * fields): the key names one request, so this one is refused rather than silently answered with
 * the earlier result.
 */
export class IdempotencyKeyReused extends ExpectedError {
  override name = "IdempotencyKeyReused";
  constructor(readonly idempotencyKey: string) {
    super("CONFLICT", "You used this idempotency key for a different request; nothing was changed. Send a new key.");
  }
}
