// The andon subgraph's schema: every domain type file registers itself on the builder, then the
// federated schema is built once. Notifications, maintenance and alerts add their own lines here.
import { subgraphSchemaOf } from "@ms5/kit/subgraph";
import { builder } from "../builder.ts";
import "./andon.ts";
import "./escalation.ts";
import "./statistics.ts";
import "./subscriptions.ts";
import "./notification.ts";
import "./maintenance.ts";
import "./alert.ts";

export const schema = subgraphSchemaOf(builder);
