// The builder and the Line entity a test subgraph starts from: Line guarded by plant:read and
// resolvable by id through `_entities`, with one DataLoader for both.
import type { Line } from "@ms5/db";
import { getDatamodel } from "@ms5/db/pothos-types";
import { createSubgraphBuilder, type SubgraphBuilder, type SubgraphBuilderOptions } from "../subgraph-builder.ts";
import { defineLoader } from "../subgraph-context.ts";

/** A subgraph builder over the project's Prisma datamodel. */
export function createTestSubgraphBuilder(options: Pick<SubgraphBuilderOptions, "rootTypes"> = {}): SubgraphBuilder {
  return createSubgraphBuilder({ prismaDatamodel: getDatamodel(), ...options });
}

export interface TestLineEntityOptions {
  /** Told each batch of Line ids the loader reads, so a test can count batches. */
  onBatch?: (ids: string[]) => void;
}

/** Registers Line (id, code, name) as an entity keyed by id; returns its ref and its loader. */
export function defineTestLineEntity(builder: SubgraphBuilder, options: TestLineEntityOptions = {}) {
  const lineById = defineLoader<string, Line | null>(async (ids, context) => {
    options.onBatch?.([...ids]);
    const rows = await context.prisma.line.findMany({ where: { id: { in: [...ids] } } });
    return ids.map((id) => rows.find((row) => row.id === id) ?? null);
  });

  const LineRef = builder.prismaObject("Line", {
    authScopes: { permission: "plant:read" },
    fields: (t) => ({
      id: t.exposeID("id"),
      code: t.exposeString("code"),
      name: t.exposeString("name"),
    }),
  });
  builder.asEntity(LineRef, {
    key: builder.selection<{ id: string }>("id"),
    resolveReference: (reference, context) => context.loaders.of(lineById).load(reference.id),
  });

  return { LineRef, lineById };
}
