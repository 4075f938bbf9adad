// `pnpm --filter @ms5/quality print-sdl`: writes subgraphs/quality/schema.graphql and the field rules
// beside it (schema.rules.json) from the schema alone (no database, no Redis), so `pnpm compose`
// and the API rules test run offline.
import { printSdlMain } from "@ms5/kit/subgraph";
import { QUALITY_SDL_PATH } from "./quality-subgraph.ts";
import { schema } from "./schema/index.ts";

await printSdlMain(schema, QUALITY_SDL_PATH);
