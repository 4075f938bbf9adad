// Offline composition of the fixture's two real subgraphs, and what makes it fail.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runComposeCommand, staleComposedFiles } from "./compose-cli.ts";
import {
  CompositionFailedError,
  composeSupergraph,
  loadAcceptedHints,
  type SubgraphDefinition,
} from "./supergraph-composition.ts";
import { type FederatedTestPlant, startFederatedTestPlant } from "./testing/federated-test-plant.ts";
import {
  type GatewayTestEnvironment,
  openGatewayTestEnvironment,
  TEST_GATEWAY_SECRET,
} from "./testing/gateway-test-environment.ts";

/** An SDL of a third subgraph that disagrees with "plant" about Line.name's type. */
const CONFLICTING_SDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@shareable"])
type Line @key(fields: "id") { id: ID! name: Int @shareable }
type Query { conflicting: Int }
`;

/** An SDL whose field description differs from another subgraph's for the same shareable field: a hint, not an error. */
function hintingSdls(): SubgraphDefinition[] {
  const link = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@shareable"])`;
  return [
    {
      name: "a",
      url: "http://127.0.0.1:1/graphql",
      sdl: `${link}\ntype Query { a: Int }\ntype Shift @key(fields: "id") { id: ID! "The shift's name." name: String @shareable }`,
    },
    {
      name: "b",
      url: "http://127.0.0.1:2/graphql",
      sdl: `${link}\ntype Query { b: Int }\ntype Shift @key(fields: "id") { id: ID! "What the shift is called." name: String @shareable }`,
    },
  ];
}

describe("offline composition", () => {
  let environment: GatewayTestEnvironment;
  let plant: FederatedTestPlant;
  let workDirectory: string;

  beforeAll(async () => {
    environment = await openGatewayTestEnvironment();
    plant = await startFederatedTestPlant({
      gatewaySecret: TEST_GATEWAY_SECRET,
      verificationKeys: environment.keys,
      prisma: environment.db.prisma,
      redis: environment.redis,
      logger: environment.logger,
    });
    workDirectory = await mkdtemp(path.join(tmpdir(), "ms5-compose-"));
  });

  afterAll(async () => {
    await plant?.close();
    await environment?.dispose();
    if (workDirectory) await rm(workDirectory, { recursive: true, force: true });
  });

  it("composes the plant and andon subgraphs into a supergraph and a public API schema", () => {
    const composed = composeSupergraph(plant.subgraphs);
    expect(composed.hints).toEqual([]);
    expect(composed.supergraphSdl).toContain("join__Graph");
    expect(composed.supergraphSdl).toContain(plant.subgraphs[0]!.url);
    expect(composed.apiSchemaSdl).toMatch(/type Line \{[^}]*openAndonCount: Int[^}]*\}/s);
    expect(composed.apiSchemaSdl).toContain("setLineName(");
    expect(composed.apiSchemaSdl).toMatch(/lineChanged\(\s*"""[^"]*"""\s*lineId: ID\s*\): Line/);
    // The public schema carries none of the federation machinery.
    expect(composed.apiSchemaSdl).not.toMatch(/join__|link__|_entities|_service|@key/);
  });

  it("fails when the subgraphs disagree in a way composition cannot merge", () => {
    const conflicting = [
      ...plant.subgraphs,
      { name: "conflicting", url: "http://127.0.0.1:1/graphql", sdl: CONFLICTING_SDL },
    ];
    expect(() => composeSupergraph(conflicting)).toThrow(CompositionFailedError);
    try {
      composeSupergraph(conflicting);
    } catch (error) {
      expect((error as CompositionFailedError).problems.some((problem) => problem.kind === "error")).toBe(true);
    }
  });

  it("fails on a hint nobody accepted, and passes once it is accepted with a reason", () => {
    let refused: CompositionFailedError | undefined;
    try {
      composeSupergraph(hintingSdls());
    } catch (error) {
      refused = error as CompositionFailedError;
    }
    expect(refused).toBeInstanceOf(CompositionFailedError);
    expect(refused?.problems).toEqual([
      expect.objectContaining({ kind: "unaccepted-hint", code: "INCONSISTENT_DESCRIPTION" }),
    ]);
    const composed = composeSupergraph(hintingSdls(), [
      { code: "INCONSISTENT_DESCRIPTION", coordinate: "Shift.name", why: "test" },
    ]);
    expect(composed.hints.map((hint) => hint.code)).toEqual(["INCONSISTENT_DESCRIPTION"]);
    // Accepted for another field only: still refused.
    expect(() =>
      composeSupergraph(hintingSdls(), [{ code: "INCONSISTENT_DESCRIPTION", coordinate: "Shift.id", why: "test" }]),
    ).toThrow(CompositionFailedError);
  });

  it("the committed accepted-hints list is well formed", async () => {
    const accepted = await loadAcceptedHints(path.join(import.meta.dirname, "../accepted-composition-hints.json"));
    expect(Array.isArray(accepted)).toBe(true);
  });

  it("pnpm compose writes both files, --check passes on them and fails once a subgraph changes", async () => {
    const root = path.join(workDirectory, "repo");
    for (const subgraph of plant.subgraphs) {
      await mkdir(path.join(root, "subgraphs", subgraph.name), { recursive: true });
      await writeFile(path.join(root, "subgraphs", subgraph.name, "schema.graphql"), subgraph.sdl);
    }
    await mkdir(path.join(root, "schema"), { recursive: true });
    await mkdir(path.join(root, "gateway"), { recursive: true });
    await writeFile(path.join(root, "gateway/accepted-composition-hints.json"), JSON.stringify({ accepted: [] }));
    const lines: string[] = [];
    const print = (line: string) => lines.push(line);

    expect(await runComposeCommand({ rootDir: root, check: true, print })).toBe(1);
    expect(await runComposeCommand({ rootDir: root, check: false, print })).toBe(0);
    expect(await readFile(path.join(root, "schema/api.graphql"), "utf8")).toContain("openAndonCount");
    expect(await runComposeCommand({ rootDir: root, check: true, print })).toBe(0);

    const andonSdl = path.join(root, "subgraphs/andon/schema.graphql");
    await writeFile(
      andonSdl,
      (await readFile(andonSdl, "utf8")).replace("openAndonTotal: Int", "openAndonTotal: Int\n  andonsToday: Int"),
    );
    expect(await runComposeCommand({ rootDir: root, check: true, print })).toBe(1);
    expect(lines.at(-1)).toMatch(/Stale: schema\/supergraph\.graphql, schema\/api\.graphql/);
  });

  it("staleness is reported per file, including a missing one", async () => {
    const composed = composeSupergraph(plant.subgraphs);
    const root = path.join(workDirectory, "partial");
    await mkdir(path.join(root, "schema"), { recursive: true });
    await writeFile(path.join(root, "schema/supergraph.graphql"), composed.supergraphSdl);
    expect(await staleComposedFiles(root, composed)).toEqual(["schema/api.graphql"]);
  });

  it("the committed schema/supergraph.graphql and schema/api.graphql match the subgraphs' committed SDLs", async () => {
    const lines: string[] = [];
    const code = await runComposeCommand({
      rootDir: path.join(import.meta.dirname, "../.."),
      check: true,
      print: (line) => lines.push(line),
    });
    expect(lines.join("\n"), "run `pnpm compose` and commit schema/*.graphql").not.toMatch(/Stale|composition failed/);
    expect(code).toBe(0);
  });

  it("with no subgraph SDL yet, says so and succeeds", async () => {
    const lines: string[] = [];
    expect(
      await runComposeCommand({ rootDir: path.join(workDirectory, "empty"), check: true, print: (l) => lines.push(l) }),
    ).toBe(0);
    expect(lines[0]).toMatch(/nothing to compose/);
  });
});
