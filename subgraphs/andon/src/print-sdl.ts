// `pnpm --filter @ms5/andon print-sdl`: writes subgraphs/andon/schema.graphql and the field rules
// beside it (schema.rules.json) from the schema alone (no database, no Redis), so `pnpm compose`
// and the API rules test run offline.
import path from "node:path";
import { FIELD_RULES_FILE_NAME, writeSubgraphSdl } from "@ms5/kit/subgraph";
import { ANDON_SDL_PATH, ANDON_SUBGRAPH_DIRECTORY } from "./andon-subgraph.ts";
import { schema } from "./schema/index.ts";

const changed = await writeSubgraphSdl(schema, ANDON_SDL_PATH, {
  rulesPath: path.join(ANDON_SUBGRAPH_DIRECTORY, FIELD_RULES_FILE_NAME),
});
console.log(changed ? `wrote ${ANDON_SDL_PATH}` : `${ANDON_SDL_PATH} is up to date`);
