// The one error a PLC driver throws when it cannot talk to the controller (as opposed to the
// controller refusing one tag, which is a result or a PlcTagError).

export type PlcCommsErrorKind = "timeout" | "closed" | "refused" | "protocol";

/** The controller did not answer, the connection closed or was refused, or the reply was not the protocol. */
export class PlcCommsError extends Error {
  override readonly name = "PlcCommsError";
  /** Stable code for logs and metrics; `kind` says which failure. */
  readonly code = "PLC_COMMS_ERROR";

  constructor(
    message: string,
    readonly kind: PlcCommsErrorKind,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The controller answered but refused a tag write (unknown tag, type mismatch), or the value does not fit the tag. */
export class PlcTagError extends Error {
  override readonly name = "PlcTagError";
  readonly code = "PLC_TAG_ERROR";

  constructor(
    message: string,
    readonly tag: string,
    /** CIP general status when the controller refused it. */
    readonly cipStatus?: number,
  ) {
    super(message);
  }
}
