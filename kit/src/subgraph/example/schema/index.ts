import { subgraphSchemaOf } from "@ms5/kit/subgraph";
import { builder } from "../builder.ts";
import "./line.ts";

export const schema = subgraphSchemaOf(builder);
