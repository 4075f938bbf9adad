// The reporting subgraph's one SchemaBuilder: the kit's builder over the plant's Prisma datamodel.
import { getDatamodel } from "@ms5/db/pothos-types";
import { createSubgraphBuilder, type SubgraphContext, uuidArgument } from "@ms5/kit/subgraph";

export type Context = SubgraphContext;

// DateTime and the root types (Query, Mutation, Subscription) come with the kit's builder: each
// schema/<type>.ts adds its fields with queryFields / mutationFields / subscriptionFields.
export const builder = createSubgraphBuilder({ prismaDatamodel: getDatamodel() });

export { uuidArgument };
