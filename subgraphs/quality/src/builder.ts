// The quality subgraph's one SchemaBuilder: the kit's builder over the plant's Prisma datamodel, with
// the quality services every resolver reaches through its context.
import { getDatamodel } from "@ms5/db/pothos-types";
import { createSubgraphBuilder, type SubgraphContext, uuidArgument } from "@ms5/kit/subgraph";
import type { QualityEventBus } from "./quality-events/quality-event-bus.ts";
import type { QualityRuntime } from "./quality-runtime.ts";
import { NUMBER_SERIES_SCALAR, STRING_SERIES_SCALAR } from "./schema/series-scalars.ts";

/**
 * What createQualitySubgraph gives startSubgraphServer as context extras. Absent where the schema
 * runs without the subgraph (the SDL printer, tests that execute it directly).
 */
export interface QualityContextExtras {
  quality?: QualityRuntime;
  /** Live quality events of every instance, for the subscriptions. */
  qualityEvents?: QualityEventBus;
}

export type Context = SubgraphContext & QualityContextExtras;

// DateTime and the root types (Query, Mutation, Subscription) come with the kit's builder: each
// schema/<type>.ts adds its fields with queryFields / mutationFields / subscriptionFields.
export const builder = createSubgraphBuilder<{
  Context: Context;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    NumberSeries: { Input: never; Output: readonly (number | null)[] };
    StringSeries: { Input: never; Output: readonly string[] };
  };
}>({ prismaDatamodel: getDatamodel() });

builder.scalarType("NumberSeries", NUMBER_SERIES_SCALAR);
builder.scalarType("StringSeries", STRING_SERIES_SCALAR);

export { uuidArgument };
