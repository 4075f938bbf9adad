// The production subgraph's one SchemaBuilder: the kit's builder over the plant's Prisma datamodel,
// with the production services every resolver reaches through its context.
import { getDatamodel } from "@ms5/db/pothos-types";
import type { PlantChangeAnnouncer } from "@ms5/kit";
import { createSubgraphBuilder, type SubgraphContext, uuidArgument } from "@ms5/kit/subgraph";
import type { DiagnosticsSnapshotReader } from "./equipment-diagnostics/equipment-diagnostics.ts";
import type { LiveEventHub } from "./live-events/live-event-hub.ts";
import type { PlcBridgeAsker } from "./plc-admin/plc-connection-test-request.ts";
import type { SystemSurveyor } from "./system-health/system-survey.ts";

/**
 * What createProductionSubgraph gives startSubgraphServer as context extras. Absent where the schema
 * runs without the subgraph (tests that execute it directly): nothing is published there.
 */
export interface ProductionContextExtras {
  /** Live line events of every instance: subscriptions listen, mutations publish after commit. */
  liveEvents?: LiveEventHub;
  /** Tells stream consumers of every service about a committed plant-model change. */
  plantChanges?: PlantChangeAnnouncer;
  /** Asks the PLC bridge to test a connection or browse a controller (only it reaches the PLCs). */
  plcBridge?: PlcBridgeAsker;
  /** Gathers the administrators' system overview (systemHealth). */
  systemSurveyor?: SystemSurveyor;
  /** Reads the PLC bridge's diagnostics snapshots (equipmentDiagnostics). */
  diagnostics?: DiagnosticsSnapshotReader;
}

export type Context = SubgraphContext & ProductionContextExtras;

// DateTime and the root types (Query, Mutation, Subscription) come with the kit's builder: each
// schema/<type>.ts adds its fields with queryFields / mutationFields / subscriptionFields.
export const builder = createSubgraphBuilder<{ Context: Context }>({ prismaDatamodel: getDatamodel() });

export { uuidArgument };
