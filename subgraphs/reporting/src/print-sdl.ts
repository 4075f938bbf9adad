// `pnpm --filter @ms5/reporting print-sdl`: writes subgraphs/reporting/schema.graphql and the field
// rules beside it (schema.rules.json) from the schema alone (no database, no Redis), so
// `pnpm compose` and the API rules test run offline.
import path from "node:path";
import { FIELD_RULES_FILE_NAME, writeSubgraphSdl } from "@ms5/kit/subgraph";
import { REPORTING_SDL_PATH, REPORTING_SUBGRAPH_DIRECTORY } from "./reporting-subgraph.ts";
import { schema } from "./schema/index.ts";

const changed = await writeSubgraphSdl(schema, REPORTING_SDL_PATH, {
  rulesPath: path.join(REPORTING_SUBGRAPH_DIRECTORY, FIELD_RULES_FILE_NAME),
});
console.log(changed ? `wrote ${REPORTING_SDL_PATH}` : `${REPORTING_SDL_PATH} is up to date`);
