// The outcomes of quality operations a client is expected to handle: thrown by the domain functions,
// returned as typed union members by the GraphQL errors plugin. Nothing changed when one is returned.
// "This id names nothing" and "this input is wrong" are the kit's NotFound and InputInvalid.
import { ExpectedError } from "@ms5/kit/subgraph";

/** The plan (or its characteristic) is no longer active: nothing is recorded against it. */
export class InspectionPlanInactive extends ExpectedError {
  override name = "InspectionPlanInactive";
  constructor(readonly planId: string) {
    super("INVALID_STATE_TRANSITION", `Inspection plan ${planId} is not active.`);
  }
}

/** The check, hold or measurement is not in a state that allows this step. */
export class QualityStateConflict extends ExpectedError {
  override name = "QualityStateConflict";
  constructor(
    readonly entity: string,
    readonly id: string,
    readonly state: string,
    message: string,
  ) {
    super("INVALID_STATE_TRANSITION", message);
  }
}

/** The secret re-entered to sign was wrong (or the signer is locked out). */
export class QualitySignatureRejected extends ExpectedError {
  override name = "QualitySignatureRejected";
  constructor(message = "The password or PIN given to sign is not right.") {
    super("FORBIDDEN", message);
  }
}
