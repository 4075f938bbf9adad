// The reporting subgraph's one SchemaBuilder: the kit's builder over the plant's Prisma datamodel,
// with the reporting services every resolver reaches through its context.
import { getDatamodel } from "@ms5/db/pothos-types";
import { createSubgraphBuilder, type SubgraphContext, uuidArgument } from "@ms5/kit/subgraph";
import type { ReportRunEvents } from "./report-runs/report-run-events.ts";
import type { ReportingFiles } from "./report-runs/reporting-files.ts";

/**
 * What createReportingSubgraph gives startSubgraphServer as context extras. Absent where the schema
 * runs without the subgraph (the SDL printer).
 */
export interface ReportingContextExtras {
  /** Report run changes of every instance: subscriptions listen, mutations publish after commit. */
  reportRunEvents?: ReportRunEvents;
  /** Where this instance keeps report files and signs their download links. */
  reportingFiles?: ReportingFiles;
}

export type Context = SubgraphContext & ReportingContextExtras;

// DateTime and the root types (Query, Mutation, Subscription) come with the kit's builder: each
// schema/<type>.ts adds its fields with queryFields / mutationFields / subscriptionFields.
export const builder = createSubgraphBuilder<{ Context: Context }>({ prismaDatamodel: getDatamodel() });

export { uuidArgument };
