// `pnpm --filter @ms5/production print-sdl`: writes subgraphs/production/schema.graphql from the
// schema alone (no database, no Redis), so `pnpm compose` runs offline.
import { writeSubgraphSdl } from "@ms5/kit/subgraph";
import { PRODUCTION_SDL_PATH } from "./production-subgraph.ts";
import { schema } from "./schema/index.ts";

const changed = await writeSubgraphSdl(schema, PRODUCTION_SDL_PATH);
console.log(changed ? `wrote ${PRODUCTION_SDL_PATH}` : `${PRODUCTION_SDL_PATH} is up to date`);
