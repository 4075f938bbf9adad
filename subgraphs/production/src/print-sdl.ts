// `pnpm --filter @ms5/production print-sdl`: writes subgraphs/production/schema.graphql and the
// field rules beside it (schema.rules.json) from the schema alone.
import { printSdlMain } from "@ms5/kit/subgraph";
import { PRODUCTION_SDL_PATH } from "./production-subgraph.ts";
import { schema } from "./schema/index.ts";

await printSdlMain(schema, PRODUCTION_SDL_PATH);
