import { fileURLToPath } from "node:url";
import { type StartSubgraphServerOptions, startSubgraphServer } from "@ms5/kit/subgraph";
import { schema } from "./schema/index.ts";

/** The committed SDL composition reads (`schema.rules.json` is written beside it). */
export const QUALITY_SDL_PATH = fileURLToPath(new URL("./schema.graphql", import.meta.url));

/** The subgraph as one value: the binary and the tests start the same thing. */
export function startQualitySubgraph(options: Omit<StartSubgraphServerOptions, "name" | "schema">) {
  return startSubgraphServer({ name: "quality", schema, ...options });
}
