// The typed refusals of the admin mutations (plant, shifts, schedules, work orders, targets) as
// GraphQL types: every admin mutation's result is its row or one of these.
import { ExpectedError } from "@ms5/kit/subgraph";
import { builder } from "../builder.ts";
import { DuplicateKey, InvalidStatusChange } from "../plant-admin/admin-errors.ts";

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
