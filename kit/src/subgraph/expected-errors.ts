// The expected outcomes every subgraph shares, one class each, registered as GraphQL types by
// createSubgraphBuilder (shareable: each subgraph serves the same type). A subgraph's own outcomes
// (an andon already acknowledged, a job that is not yours) stay with it; "this id names nothing"
// and "this input is wrong" are said the same way everywhere.
import { ExpectedError } from "./api-errors.ts";

/** An id names nothing of the expected kind (or nothing the caller may see); nothing changed. */
export class NotFound extends ExpectedError {
  override name = "NotFound";
  constructor(
    /** What was looked for, in words: "line", "work order", "notification"... */
    readonly entity: string,
    readonly id: string,
    /** Instead of "There is no <entity> <id>.", e.g. to say whose it is not. */
    message?: string,
  ) {
    super("NOT_FOUND", message ?? `There is no ${entity} ${id}.`);
  }
}

/** A field of the input is missing, malformed, out of range or inconsistent with the rows it names; nothing changed. */
export class InputInvalid extends ExpectedError {
  override name = "InputInvalid";
  constructor(
    /** The input field at fault. */
    readonly field: string,
    message: string,
  ) {
    super("BAD_USER_INPUT", message);
  }
}
