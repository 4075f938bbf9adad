// Offline composition: the subgraphs' printed SDLs become the supergraph the gateway serves and the
// public API schema clients generate from. Composition errors fail; so does any hint that is not in
// the accepted list (gateway/accepted-composition-hints.json), so a new hint is a reviewed decision.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { composeServices } from "@apollo/composition";
import { printSchema as printFederationSchema } from "@apollo/federation-internals";
import { SUBGRAPH_DEFAULT_PORTS } from "@ms5/kit/subgraph";
import { parse } from "graphql";

/** A subgraph as composition reads it. */
export interface SubgraphDefinition {
  name: string;
  /** Where the gateway reaches it; written into the supergraph's join__Graph. */
  url: string;
  /** The printed subgraph SDL. */
  sdl: string;
}

/** A composition hint we decided to live with; `coordinate` narrows it to one schema element. */
export interface AcceptedCompositionHint {
  /** The hint's code, e.g. "INCONSISTENT_DESCRIPTION". */
  code: string;
  /** Schema coordinate ("Line.name"); any coordinate when omitted. */
  coordinate?: string;
  /** Why it is acceptable: required, so every exception carries its reason. */
  why: string;
}

export interface ComposedSupergraph {
  /** schema/supergraph.graphql: what @apollo/gateway serves. */
  supergraphSdl: string;
  /** schema/api.graphql: the public API schema (no federation machinery), what clients generate from. */
  apiSchemaSdl: string;
  /** Every hint composition gave (all of them accepted, or composition would have failed). */
  hints: { code: string; coordinate?: string; message: string }[];
}

/** Composition did not produce a supergraph we accept; `problems` lists each error and unaccepted hint. */
export class CompositionFailedError extends Error {
  override readonly name = "CompositionFailedError";

  constructor(readonly problems: { kind: "error" | "unaccepted-hint"; code: string; message: string }[]) {
    super(
      `composition failed:\n${problems.map((problem) => `  [${problem.kind}] ${problem.code}: ${problem.message}`).join("\n")}`,
    );
  }
}

type CompositionHint = NonNullable<ReturnType<typeof composeServices>["hints"]>[number];

function isAccepted(hint: CompositionHint, accepted: readonly AcceptedCompositionHint[]): boolean {
  return accepted.some(
    (entry) =>
      entry.code === hint.definition.code && (entry.coordinate === undefined || entry.coordinate === hint.coordinate),
  );
}

/**
 * Composes the subgraphs into a supergraph and prints the API schema. Throws CompositionFailedError
 * on any composition error or any hint not in `acceptedHints`.
 */
export function composeSupergraph(
  subgraphs: readonly SubgraphDefinition[],
  acceptedHints: readonly AcceptedCompositionHint[] = [],
): ComposedSupergraph {
  if (subgraphs.length === 0)
    throw new CompositionFailedError([{ kind: "error", code: "NO_SUBGRAPHS", message: "nothing to compose" }]);
  const services = [...subgraphs]
    // Sorted, so the output does not depend on the order the folder listing gave.
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((subgraph) => ({ name: subgraph.name, url: subgraph.url, typeDefs: parse(subgraph.sdl) }));
  const result = composeServices(services);
  if (result.errors) {
    throw new CompositionFailedError(
      result.errors.map((error) => ({
        kind: "error" as const,
        code: String(error.extensions.code ?? "COMPOSITION_ERROR"),
        message: error.message,
      })),
    );
  }
  const unaccepted = result.hints.filter((hint) => !isAccepted(hint, acceptedHints));
  if (unaccepted.length > 0) {
    throw new CompositionFailedError(
      unaccepted.map((hint) => ({
        kind: "unaccepted-hint" as const,
        code: hint.definition.code,
        message: hint.coordinate ? `${hint.coordinate}: ${hint.message}` : hint.message,
      })),
    );
  }
  return {
    supergraphSdl: `${result.supergraphSdl.trimEnd()}\n`,
    apiSchemaSdl: `${printFederationSchema(result.schema.toAPISchema()).trimEnd()}\n`,
    hints: result.hints.map((hint) => ({
      code: hint.definition.code,
      ...(hint.coordinate ? { coordinate: hint.coordinate } : {}),
      message: hint.message,
    })),
  };
}

/** The accepted hints of gateway/accepted-composition-hints.json (or another file). */
export async function loadAcceptedHints(file: string): Promise<AcceptedCompositionHint[]> {
  const parsed: unknown = JSON.parse(await readFile(file, "utf8"));
  const list = (parsed as { accepted?: unknown }).accepted;
  if (!Array.isArray(list)) throw new Error(`${file}: expected { "accepted": [...] }`);
  for (const entry of list as Partial<AcceptedCompositionHint>[]) {
    if (typeof entry.code !== "string" || typeof entry.why !== "string" || entry.why.trim() === "") {
      throw new Error(`${file}: every accepted hint needs a "code" and a "why": ${JSON.stringify(entry)}`);
    }
  }
  return list as AcceptedCompositionHint[];
}

/**
 * The URL a subgraph gets in the committed supergraph: its default local port (SUBGRAPH_DEFAULT_PORTS)
 * on loopback, the same on every machine so the committed file does not change per deployment; the
 * gateway maps it to the real address from its configuration (createGateway's `subgraphUrls`).
 */
export function defaultSubgraphUrl(name: string): string {
  const port = (SUBGRAPH_DEFAULT_PORTS as Readonly<Record<string, number>>)[name];
  return port ? `http://127.0.0.1:${port}/graphql` : `http://${name}.subgraph.invalid/graphql`;
}

/** Each `<subgraphsDir>/<name>/schema.graphql`, with its default URL; folders without one are skipped. */
export async function readSubgraphSdls(subgraphsDir: string): Promise<SubgraphDefinition[]> {
  const entries = await readdir(subgraphsDir, { withFileTypes: true }).catch(() => []);
  const subgraphs: SubgraphDefinition[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const sdl = await readFile(path.join(subgraphsDir, entry.name, "schema.graphql"), "utf8").catch(() => undefined);
    if (sdl !== undefined) subgraphs.push({ name: entry.name, url: defaultSubgraphUrl(entry.name), sdl });
  }
  return subgraphs;
}
