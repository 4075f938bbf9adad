// `pnpm --filter @ms5/andon print-sdl`: writes subgraphs/andon/schema.graphql and the field rules
// beside it (schema.rules.json) from the schema alone.
import { printSdlMain } from "@ms5/kit/subgraph";
import { ANDON_SDL_PATH } from "./andon-subgraph.ts";
import { schema } from "./schema/index.ts";

await printSdlMain(schema, ANDON_SDL_PATH);
