// The refusals of a whole import call (as opposed to a row's errors, which are reported in the
// result): returned as typed union members, nothing written.
import { ExpectedError } from "@ms5/kit/subgraph";

/** The idempotency key was used before with a different payload: the retry is not a retry. */
export class ImportKeyConflict extends ExpectedError {
  override name = "ImportKeyConflict";
  constructor(readonly idempotencyKey: string) {
    super(
      "CONFLICT",
      `Idempotency key "${idempotencyKey}" was used for a different import; send a new key for new rows.`,
    );
  }
}

/** More rows than one call takes. */
export class ImportTooLarge extends ExpectedError {
  override name = "ImportTooLarge";
  constructor(
    readonly rowCount: number,
    readonly maxRows: number,
  ) {
    super("PAYLOAD_TOO_LARGE", `${rowCount} rows were sent; one import takes at most ${maxRows}.`);
  }
}

export class InvalidIdempotencyKey extends ExpectedError {
  override name = "InvalidIdempotencyKey";
  constructor(readonly maxLength: number) {
    super("BAD_USER_INPUT", `An idempotency key is 1 to ${maxLength} characters, not blank.`);
  }
}
