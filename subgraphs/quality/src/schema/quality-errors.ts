// The typed refusals of quality operations, as schema types every mutation's result union may name
// (NotFound and InputInvalid are the kit's, registered by createSubgraphBuilder).
import { ExpectedError, InputInvalid, NotFound } from "@ms5/kit/subgraph";
import { builder } from "../builder.ts";
import { InspectionPlanInactive, QualitySignatureRejected, QualityStateConflict } from "../quality-errors.ts";

builder.objectType(InspectionPlanInactive, {
  name: "InspectionPlanInactive",
  description: "The inspection plan (or characteristic) is not active: nothing is recorded against it.",
  interfaces: [ExpectedError],
  fields: (t) => ({ planId: t.exposeID("planId") }),
});

builder.objectType(QualityStateConflict, {
  name: "QualityStateConflict",
  description: "The check, measurement or hold is not in a state that allows this step; nothing changed.",
  interfaces: [ExpectedError],
  fields: (t) => ({
    entity: t.exposeString("entity"),
    id: t.exposeID("id"),
    state: t.exposeString("state", { description: "The state it is in." }),
  }),
});

builder.objectType(QualitySignatureRejected, {
  name: "QualitySignatureRejected",
  description:
    "The password or PIN re-entered to sign was not right (or signing is locked for a while); nothing was signed.",
  interfaces: [ExpectedError],
  fields: () => ({}),
});

export const RECORDING_ERRORS = [NotFound, InputInvalid, InspectionPlanInactive, QualityStateConflict];
export const CHANGE_ERRORS = [NotFound, InputInvalid];
export const STEP_ERRORS = [NotFound, InputInvalid, QualityStateConflict];
export { QualitySignatureRejected };
