// The refusals of the plant, shift, schedule and target admin mutations a client is expected to
// handle: thrown inside the transaction (so nothing changes), returned as typed union members.
import { ExpectedError } from "@ms5/kit/subgraph";

/** An id given to an admin mutation names nothing of the expected kind. */
export class ReferenceNotFound extends ExpectedError {
  override name = "ReferenceNotFound";
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super("NOT_FOUND", `There is no ${entity} ${id}.`);
  }
}

/** A field of the input is missing, malformed, out of range or inconsistent with the rows it names. */
export class InputInvalid extends ExpectedError {
  override name = "InputInvalid";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super("BAD_USER_INPUT", message);
  }
}

/** Another row already holds this unique key (a code, a number, a period). */
export class DuplicateKey extends ExpectedError {
  override name = "DuplicateKey";
  constructor(
    readonly entity: string,
    readonly field: string,
    readonly value: string,
  ) {
    super("CONFLICT", `A ${entity} with ${field} "${value}" already exists.`);
  }
}

/** The row is not in a status that allows the change asked for. */
export class InvalidStatusChange extends ExpectedError {
  override name = "InvalidStatusChange";
  constructor(
    readonly entity: string,
    readonly id: string,
    readonly from: string,
    readonly to: string,
    reason?: string,
  ) {
    super("INVALID_STATE_TRANSITION", reason ?? `The ${entity} ${id} is ${from} and cannot become ${to}.`);
  }
}

/** Every admin mutation may answer with these. */
export const ADMIN_ERRORS = [ReferenceNotFound, InputInvalid, DuplicateKey, InvalidStatusChange];
