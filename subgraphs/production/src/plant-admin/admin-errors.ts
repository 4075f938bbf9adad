// The refusals of the plant, shift, schedule and target admin mutations a client is expected to
// handle: thrown inside the transaction (so nothing changes), returned as typed union members.
import { ExpectedError, InputInvalid, NotFound } from "@ms5/kit/subgraph";

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
export const ADMIN_ERRORS = [NotFound, InputInvalid, DuplicateKey, InvalidStatusChange];
