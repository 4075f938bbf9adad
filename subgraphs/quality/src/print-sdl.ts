// `pnpm --filter @ms5/quality print-sdl`: writes subgraphs/quality/schema.graphql and the field rules
// beside it (schema.rules.json) from the schema alone (no database, no Redis), so `pnpm compose`
// and the API rules test run offline.
import path from "node:path";
import { FIELD_RULES_FILE_NAME, writeSubgraphSdl } from "@ms5/kit/subgraph";
import { QUALITY_SDL_PATH, QUALITY_SUBGRAPH_DIRECTORY } from "./quality-subgraph.ts";
import { schema } from "./schema/index.ts";

const changed = await writeSubgraphSdl(schema, QUALITY_SDL_PATH, {
  rulesPath: path.join(QUALITY_SUBGRAPH_DIRECTORY, FIELD_RULES_FILE_NAME),
});
console.log(changed ? `wrote ${QUALITY_SDL_PATH}` : `${QUALITY_SDL_PATH} is up to date`);
