// The production subgraph's schema: every domain type file registers itself on the builder, then
// the federated schema is built once.
import { subgraphSchemaOf } from "@ms5/kit/subgraph";
import { builder } from "../builder.ts";
import "./plant.ts";
import "./plant-admin.ts";
import "./plc.ts";
import "./plc-admin.ts";
import "./plc-connection-test.ts";
import "./shift.ts";
import "./work-order.ts";
import "./production-target.ts";
import "./bulk-import.ts";
import "./shift-handover.ts";
import "./consumption.ts";
import "./line-state.ts";
import "./downtime.ts";
import "./downtime-history.ts";
import "./manual-stop.ts";
import "./fault-catalog.ts";
import "./fault-events.ts";
import "./oee.ts";
import "./job.ts";
import "./checklist.ts";
import "./subscriptions.ts";
import "./user-admin.ts";
import "./system-health.ts";
import "./certification.ts";
import "./shift-roster.ts";
import "./job-statistics.ts";
import "./product-specification.ts";
import "./equipment-diagnostics.ts";

export const schema = subgraphSchemaOf(builder);
