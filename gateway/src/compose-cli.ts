// `pnpm compose`: composes subgraphs/*/schema.graphql into schema/supergraph.graphql and the public
// schema/api.graphql; `pnpm compose --check` writes nothing and exits 1 when those files are stale.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  type ComposedSupergraph,
  CompositionFailedError,
  composeSupergraph,
  loadAcceptedHints,
  readSubgraphSdls,
} from "./supergraph-composition.ts";

/** The repository root: two folders above gateway/src. */
const REPOSITORY_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface ComposeCommandOptions {
  /** Holds subgraphs/, schema/ and gateway/accepted-composition-hints.json. */
  rootDir: string;
  /** Compare instead of write. */
  check: boolean;
  /** Where messages go. @default console.log */
  print?: (line: string) => void;
}

/** The files composition produces, relative to the root, and what they should hold. */
export function composedFiles(composed: ComposedSupergraph): Record<string, string> {
  return {
    "schema/supergraph.graphql": composed.supergraphSdl,
    "schema/api.graphql": composed.apiSchemaSdl,
  };
}

/** The composed files under `rootDir` whose content differs from `composed` (missing ones included). */
export async function staleComposedFiles(rootDir: string, composed: ComposedSupergraph): Promise<string[]> {
  const stale: string[] = [];
  for (const [file, content] of Object.entries(composedFiles(composed))) {
    const committed = await readFile(path.join(rootDir, file), "utf8").catch(() => undefined);
    if (committed !== content) stale.push(file);
  }
  return stale;
}

/** Runs the command; returns the exit code. */
export async function runComposeCommand(options: ComposeCommandOptions): Promise<number> {
  const print = options.print ?? ((line: string) => console.log(line));
  const subgraphs = await readSubgraphSdls(path.join(options.rootDir, "subgraphs"));
  if (subgraphs.length === 0) {
    print("No subgraph has printed its SDL yet (subgraphs/*/schema.graphql): nothing to compose.");
    return 0;
  }
  let composed: ComposedSupergraph;
  try {
    const accepted = await loadAcceptedHints(path.join(options.rootDir, "gateway/accepted-composition-hints.json"));
    composed = composeSupergraph(subgraphs, accepted);
  } catch (error) {
    if (!(error instanceof CompositionFailedError)) throw error;
    print(error.message);
    return 1;
  }
  const names = subgraphs.map((subgraph) => subgraph.name).join(", ");
  if (options.check) {
    const stale = await staleComposedFiles(options.rootDir, composed);
    if (stale.length > 0) {
      print(`Stale: ${stale.join(", ")} (composed from ${names}); run \`pnpm compose\` and commit them.`);
      return 1;
    }
    print(`Composed schemas are up to date (${names}).`);
    return 0;
  }
  for (const [file, content] of Object.entries(composedFiles(composed))) {
    await writeFile(path.join(options.rootDir, file), content);
  }
  print(`Composed ${names} into schema/supergraph.graphql and schema/api.graphql.`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runComposeCommand({ rootDir: REPOSITORY_ROOT, check: process.argv.includes("--check") }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
