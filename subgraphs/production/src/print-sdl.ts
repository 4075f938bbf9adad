// `pnpm --filter @ms5/production print-sdl`: writes subgraphs/production/schema.graphql and the
// field rules beside it (schema.rules.json) from the schema alone (no database, no Redis), so
// `pnpm compose` and the API rules test run offline.
import path from "node:path";
import { FIELD_RULES_FILE_NAME, writeSubgraphSdl } from "@ms5/kit/subgraph";
import { PRODUCTION_SDL_PATH, PRODUCTION_SUBGRAPH_DIRECTORY } from "./production-subgraph.ts";
import { schema } from "./schema/index.ts";

const changed = await writeSubgraphSdl(schema, PRODUCTION_SDL_PATH, {
  rulesPath: path.join(PRODUCTION_SUBGRAPH_DIRECTORY, FIELD_RULES_FILE_NAME),
});
console.log(changed ? `wrote ${PRODUCTION_SDL_PATH}` : `${PRODUCTION_SDL_PATH} is up to date`);
