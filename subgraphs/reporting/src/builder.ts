// The reporting subgraph's one SchemaBuilder: the kit's builder over the plant's Prisma datamodel,
// the DateTime scalar, and the root types every schema/<type>.ts file adds its fields to.
import { getDatamodel } from "@ms5/db/pothos-types";
import { createSubgraphBuilder, DATE_TIME_SCALAR, type SubgraphContext, uuidArgument } from "@ms5/kit/subgraph";

export type Context = SubgraphContext;

export const builder = createSubgraphBuilder<{
  Scalars: { DateTime: { Input: Date; Output: Date } };
}>({ prismaDatamodel: getDatamodel() });

builder.scalarType("DateTime", DATE_TIME_SCALAR);

// Each schema/<type>.ts adds its fields with queryFields / mutationFields / subscriptionFields.
builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});

export { uuidArgument };
