// The production subgraph's entities the quality types point at, as key-only stubs (the gateway
// fetches the rest from the owner). Quality fields of Line and Equipment are added in the files of
// the types they return; those of work orders, jobs and product types in production-work-quality.ts.
import { builder } from "../builder.ts";

export const LineRef = builder.externalRef("Line", builder.selection<{ id: string }>("id")).implement({
  externalFields: () => ({}),
  fields: (t) => ({ id: t.exposeID("id") }),
});

export const EquipmentRef = builder.externalRef("Equipment", builder.selection<{ id: string }>("id")).implement({
  externalFields: () => ({}),
  fields: (t) => ({ id: t.exposeID("id") }),
});

export const ProductTypeRef = builder
  .externalRef("ProductType", builder.selection<{ id: string }>("id"))
  .implement({ externalFields: () => ({}), fields: (t) => ({ id: t.exposeID("id") }) });

export const WorkOrderRef = builder.externalRef("WorkOrder", builder.selection<{ id: string }>("id")).implement({
  externalFields: () => ({}),
  fields: (t) => ({ id: t.exposeID("id") }),
});

export const JobRef = builder.externalRef("Job", builder.selection<{ id: string }>("id")).implement({
  externalFields: () => ({}),
  fields: (t) => ({ id: t.exposeID("id") }),
});

export const lineRefOf = (lineId: string) => ({ id: lineId });
export const equipmentRefOf = (equipmentId: string | null) => (equipmentId ? { id: equipmentId } : null);
