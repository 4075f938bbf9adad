import type { Line } from "@ms5/db";
import { defineLoader, NotFound } from "@ms5/kit/subgraph";
import { builder } from "../builder.ts";

const lineById = defineLoader<string, Line | null>(async (ids, { prisma }) => {
  const rows = await prisma.line.findMany({ where: { id: { in: [...ids] } } });
  return ids.map((id) => rows.find((row) => row.id === id) ?? null);
});

export const LineRef = builder.prismaObject("Line", {
  authScopes: { permission: "plant:read" },
  fields: (t) => ({ id: t.exposeID("id"), name: t.exposeString("name") }),
});
builder.asEntity(LineRef, {
  key: builder.selection<{ id: string }>("id"),
  resolveReference: ({ id }, context) => context.loaders.of(lineById).load(id),
});

builder.queryFields((t) => ({
  line: t.field({
    type: LineRef,
    authScopes: { permission: "plant:read" },
    args: { id: t.arg.id({ required: true }) },
    errors: { types: [NotFound] },
    resolve: async (_root, { id }, context) => {
      const line = await context.loaders.of(lineById).load(String(id));
      if (!line) throw new NotFound("line", String(id));
      return line;
    },
  }),
}));
