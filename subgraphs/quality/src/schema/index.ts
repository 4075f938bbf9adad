// The quality subgraph's schema: every domain type file registers itself on the builder, then the
// federated schema is built once.
import { subgraphSchemaOf } from "@ms5/kit/subgraph";
import { builder } from "../builder.ts";
import "./plant-refs.ts";
import "./quality-errors.ts";
import "./inspection-plan.ts";
import "./quality-check.ts";
import "./spc-chart.ts";
import "./defect.ts";
import "./scrap.ts";
import "./hold.ts";
import "./production-work-quality.ts";
import "./subscriptions.ts";

export const schema = subgraphSchemaOf(builder);
