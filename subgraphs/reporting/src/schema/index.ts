// The reporting subgraph's schema: every domain type file registers itself on the builder, then the
// federated schema is built once.
import { subgraphSchemaOf } from "@ms5/kit/subgraph";
import { builder } from "../builder.ts";
import "./oee-analytics.ts";
import "./daily-kpis.ts";
import "./downtime-pareto.ts";
import "./production-by-hour.ts";
import "./report-template.ts";
import "./report-run.ts";
import "./report-schedule.ts";
import "./report-file.ts";

export const schema = subgraphSchemaOf(builder);
