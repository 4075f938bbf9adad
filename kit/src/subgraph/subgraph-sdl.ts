// The printed SDL of a subgraph, as composition reads it (committed as subgraphs/<name>/schema.graphql),
// and optionally its root fields' access rules beside it (schema.rules.json), which the gateway's
// API-schema test checks the composed API against.
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

export interface WriteSubgraphSdlOptions {
  /** Also write the root fields' rules (printFieldRules) to this file, e.g. subgraphs/<name>/schema.rules.json. */
  rulesPath?: string;
}

/**
 * Writes the SDL to `file` (and the rules to `options.rulesPath`); leaves a file untouched when it
 * already says the same. Returns whether anything changed.
 */
export async function writeSubgraphSdl(
  schema: GraphQLSchema,
  file: string,
  options: WriteSubgraphSdlOptions = {},
): Promise<boolean> {
  const sdlChanged = await writeIfChanged(file, printSubgraphSdl(schema));
  const rulesChanged = options.rulesPath ? await writeIfChanged(options.rulesPath, printFieldRules(schema)) : false;
  return sdlChanged || rulesChanged;
}
