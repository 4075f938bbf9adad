// The production subgraph's Line, Equipment and User-free references the andon types point at: stubs
// with only their key, so the gateway fetches the rest from the subgraph that owns them.
import { builder } from "../builder.ts";

export const LineRef = builder.externalRef("Line", builder.selection<{ id: string }>("id")).implement({
  externalFields: () => ({}),
  fields: (t) => ({ id: t.exposeID("id") }),
});

export const EquipmentRef = builder.externalRef("Equipment", builder.selection<{ id: string }>("id")).implement({
  externalFields: () => ({}),
  fields: (t) => ({ id: t.exposeID("id") }),
});
