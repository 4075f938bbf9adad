// The printed SDL of a subgraph, as composition reads it (committed as subgraphs/<name>/schema.graphql),
// and its root fields' access rules beside it (schema.rules.json), which the gateway's API-schema
// test checks the composed API against. The two are always written together.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { printSubgraphSchema } from "@apollo/subgraph";
import type { GraphQLSchema } from "graphql";
import { printFieldRules } from "./field-rules.ts";

export function printSubgraphSdl(schema: GraphQLSchema): string {
  return `${printSubgraphSchema(schema).trimEnd()}\n`;
}

/** The rules file's name beside a subgraph's schema.graphql. */
export const FIELD_RULES_FILE_NAME = "schema.rules.json";

async function writeIfChanged(file: string, content: string): Promise<boolean> {
  const existing = await readFile(file, "utf8").catch(() => undefined);
  if (existing === content) return false;
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
  return true;
}

/**
 * Writes the SDL to `file` and the root fields' rules (printFieldRules) beside it
 * (schema.rules.json), always together, so the rules never describe another schema than the SDL;
 * leaves a file untouched when it already says the same. Returns whether anything changed.
 */
export async function writeSubgraphSdl(schema: GraphQLSchema, file: string): Promise<boolean> {
  const sdlChanged = await writeIfChanged(file, printSubgraphSdl(schema));
  const rulesPath = path.join(path.dirname(file), FIELD_RULES_FILE_NAME);
  const rulesChanged = await writeIfChanged(rulesPath, printFieldRules(schema));
  return sdlChanged || rulesChanged;
}

/**
 * The body of a subgraph's `print-sdl` script: writes `schema.graphql` and `schema.rules.json` from
 * the schema alone (no database, no Redis), so `pnpm compose` and the API rules test run offline.
 */
export async function printSdlMain(schema: GraphQLSchema, sdlPath: string): Promise<void> {
  const changed = await writeSubgraphSdl(schema, sdlPath);
  console.log(changed ? `wrote ${sdlPath} and its ${FIELD_RULES_FILE_NAME}` : `${sdlPath} is up to date`);
}
