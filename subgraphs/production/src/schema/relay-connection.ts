// The production subgraph's connection types: the kit's Relay connections over its builder (PageInfo
// registered once here); keyset paging itself comes from @ms5/kit/subgraph.
import { relayConnections } from "@ms5/kit/subgraph";
import { builder } from "../builder.ts";

export const { connectionRef } = relayConnections(builder);
