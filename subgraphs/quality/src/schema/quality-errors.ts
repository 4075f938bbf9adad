// The typed refusals of quality operations, as schema types every mutation's result union may name.
import { ExpectedError } from "@ms5/kit/subgraph";
import { builder } from "../builder.ts";
import {
  InspectionPlanInactive,
  QualityInputInvalid,
  QualityReferenceNotFound,
  QualitySignatureRejected,
  QualityStateConflict,
} from "../quality-errors.ts";

builder.objectType(QualityReferenceNotFound, {
  name: "QualityReferenceNotFound",
  description: "An id given to a quality operation names nothing; nothing changed.",
  interfaces: [ExpectedError],
  fields: (t) => ({
    entity: t.exposeString("entity", { description: "What kind of thing was looked for (check, plan, line...)." }),
    id: t.exposeID("id"),
  }),
});

builder.objectType(QualityInputInvalid, {
  name: "QualityInputInvalid",
  description:
    "An argument is out of range or inconsistent (not a finite number, a subgroup of the wrong size, LSL not below USL...); nothing changed.",
  interfaces: [ExpectedError],
  fields: (t) => ({ field: t.exposeString("field", { description: "The argument at fault." }) }),
});

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

export const RECORDING_ERRORS = [
  QualityReferenceNotFound,
  QualityInputInvalid,
  InspectionPlanInactive,
  QualityStateConflict,
];
export const CHANGE_ERRORS = [QualityReferenceNotFound, QualityInputInvalid];
export const STEP_ERRORS = [QualityReferenceNotFound, QualityInputInvalid, QualityStateConflict];
export { QualitySignatureRejected };
