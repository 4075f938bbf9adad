// The workspace's package graph, read from the sources: every package declares each workspace package
// it imports (pnpm links only what is declared, so an undeclared import works by accident of hoisting),
// and the declared graph has no cycle (a cycle makes neither package buildable or testable alone).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const PACKAGE_DIRECTORIES = [
  "kit",
  "schema",
  "prisma",
  "gateway",
  "plc-bridge",
  "web",
  "hostile",
  "chaos",
  "test-support",
  "floor-test-plant",
  ...readdirSync(path.join(ROOT, "subgraphs")).map((name) => `subgraphs/${name}`),
];
const SKIPPED_DIRECTORIES = new Set(["node_modules", ".next", "generated", "dist", ".data"]);
const WORKSPACE_IMPORT = /(?:from|import\(|require\()\s*["'](@ms5\/[\w-]+)/g;

interface WorkspacePackage {
  name: string;
  directory: string;
  declared: Set<string>;
}

function packageOf(directory: string): WorkspacePackage {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, directory, "package.json"), "utf8")) as {
    name: string;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  return {
    name: manifest.name,
    directory,
    declared: new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.devDependencies ?? {})]),
  };
}

function sourceFilesUnder(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return SKIPPED_DIRECTORIES.has(entry.name) ? [] : sourceFilesUnder(full);
    return /\.(ts|tsx|mts|js|mjs)$/.test(entry.name) ? [full] : [];
  });
}

/** The workspace packages a package's sources import, each with one file that does. */
function importedBy(pkg: WorkspacePackage): Map<string, string> {
  const imported = new Map<string, string>();
  for (const file of sourceFilesUnder(path.join(ROOT, pkg.directory))) {
    for (const match of readFileSync(file, "utf8").matchAll(WORKSPACE_IMPORT)) {
      const name = match[1]!;
      if (name !== pkg.name && !imported.has(name)) imported.set(name, path.relative(ROOT, file));
    }
  }
  return imported;
}

const packages = PACKAGE_DIRECTORIES.map(packageOf);
const workspaceNames = new Set(packages.map((pkg) => pkg.name));

describe("the workspace's package graph", () => {
  it("every package declares each workspace package its sources import", () => {
    const undeclared = packages.flatMap((pkg) =>
      [...importedBy(pkg)]
        .filter(([name]) => workspaceNames.has(name) && !pkg.declared.has(name))
        .map(([name, file]) => `${pkg.name} imports ${name} (${file}) without declaring it`),
    );
    expect(undeclared).toEqual([]);
  });

  it("no workspace package depends on itself through others (no cycle such as @ms5/db <-> @ms5/kit)", () => {
    const dependsOn = new Map(
      packages.map((pkg) => [pkg.name, [...pkg.declared].filter((name) => workspaceNames.has(name))]),
    );
    const cycles: string[] = [];
    const visit = (name: string, trail: readonly string[]) => {
      if (trail.includes(name)) {
        cycles.push([...trail.slice(trail.indexOf(name)), name].join(" -> "));
        return;
      }
      for (const next of dependsOn.get(name) ?? []) visit(next, [...trail, name]);
    };
    for (const name of dependsOn.keys()) visit(name, []);
    expect(cycles).toEqual([]);
  });
});
