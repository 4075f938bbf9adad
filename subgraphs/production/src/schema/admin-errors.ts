// The typed refusals of the admin mutations (plant, shifts, schedules, work orders, targets) as
// GraphQL types: every admin mutation's result is its row or one of these.
import { ExpectedError } from "@ms5/kit/subgraph";
import { builder } from "../builder.ts";
import { DuplicateKey, InputInvalid, InvalidStatusChange, ReferenceNotFound } from "../plant-admin/admin-errors.ts";

builder.objectType(ReferenceNotFound, {
  name: "ReferenceNotFound",
  description: "An id given to the operation names nothing of the expected kind; nothing changed.",
  interfaces: [ExpectedError],
  fields: (t) => ({
    entity: t.exposeString("entity", { description: "What kind of thing was looked for (line, work order...)." }),
    id: t.exposeID("id"),
  }),
});

builder.objectType(InputInvalid, {
  name: "InputInvalid",
  description: "A field of the input is missing, malformed or out of range; nothing changed.",
  interfaces: [ExpectedError],
  fields: (t) => ({ field: t.exposeString("field", { description: "The input field at fault." }) }),
});

builder.objectType(DuplicateKey, {
  name: "DuplicateKey",
  description: "Another row already holds this unique key; nothing changed.",
  interfaces: [ExpectedError],
  fields: (t) => ({
    entity: t.exposeString("entity"),
    field: t.exposeString("field"),
    value: t.exposeString("value"),
  }),
});

builder.objectType(InvalidStatusChange, {
  name: "InvalidStatusChange",
  description: "The row is not in a status that allows this change; nothing changed.",
  interfaces: [ExpectedError],
  fields: (t) => ({
    entity: t.exposeString("entity"),
    id: t.exposeID("id"),
    from: t.exposeString("from"),
    to: t.exposeString("to"),
  }),
});
