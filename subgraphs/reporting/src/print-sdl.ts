// `pnpm --filter @ms5/reporting print-sdl`: writes subgraphs/reporting/schema.graphql and the field rules
// beside it (schema.rules.json) from the schema alone (no database, no Redis), so `pnpm compose`
// and the API rules test run offline.
import { printSdlMain } from "@ms5/kit/subgraph";
import { REPORTING_SDL_PATH } from "./reporting-subgraph.ts";
import { schema } from "./schema/index.ts";

await printSdlMain(schema, REPORTING_SDL_PATH);
