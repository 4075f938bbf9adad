// The printed SDL of a subgraph, as composition reads it (committed as subgraphs/<name>/schema.graphql).
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { printSubgraphSchema } from "@apollo/subgraph";
import type { GraphQLSchema } from "graphql";

export function printSubgraphSdl(schema: GraphQLSchema): string {
  return `${printSubgraphSchema(schema).trimEnd()}\n`;
}

/** Writes the SDL to `file`; leaves the file untouched when it already says the same. Returns whether it changed. */
export async function writeSubgraphSdl(schema: GraphQLSchema, file: string): Promise<boolean> {
  const sdl = printSubgraphSdl(schema);
  const existing = await readFile(file, "utf8").catch(() => undefined);
  if (existing === sdl) return false;
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, sdl);
  return true;
}
