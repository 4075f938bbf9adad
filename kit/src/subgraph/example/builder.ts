import { getDatamodel } from "@ms5/db/pothos-types";
import { createSubgraphBuilder } from "@ms5/kit/subgraph";

// DateTime, Query and the shared NotFound / InputInvalid results come with it. This subgraph has
// only queries: a subgraph with mutations or subscriptions leaves rootTypes at its default.
export const builder = createSubgraphBuilder({ prismaDatamodel: getDatamodel(), rootTypes: [] });
