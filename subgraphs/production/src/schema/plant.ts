// The plant model (ISA-95 site > line > equipment) and product types, read-only: the Line and
// Equipment entities other subgraphs extend, lines as a Relay-style connection, and every
// list-of-children field through a per-request DataLoader.
import type { Equipment, Line, ProductType, Site } from "@ms5/db";
import { ApiError, defineLoader } from "@ms5/kit/subgraph";
import { builder, uuidArgument } from "../builder.ts";

/** A page may ask for at most this many lines. */
export const MAX_LINES_PAGE_SIZE = 100;
/** @default 20 lines when `first` is not given. */
export const DEFAULT_LINES_PAGE_SIZE = 20;

const lineById = defineLoader<string, Line | null>(async (ids, { prisma }) => {
  const rows = await prisma.line.findMany({ where: { id: { in: [...ids] } } });
  return ids.map((id) => rows.find((row) => row.id === id) ?? null);
});

const equipmentById = defineLoader<string, Equipment | null>(async (ids, { prisma }) => {
  const rows = await prisma.equipment.findMany({ where: { id: { in: [...ids] } } });
  return ids.map((id) => rows.find((row) => row.id === id) ?? null);
});

/** A line's equipment, upstream first. */
export const equipmentOfLine = defineLoader<string, Equipment[]>(async (lineIds, { prisma }) => {
  const rows = await prisma.equipment.findMany({
    where: { lineId: { in: [...lineIds] } },
    orderBy: [{ sequence: "asc" }, { code: "asc" }],
  });
  return lineIds.map((lineId) => rows.filter((row) => row.lineId === lineId));
});

const siteOfArea = defineLoader<string, Site>(async (areaIds, { prisma }) => {
  const areas = await prisma.area.findMany({ where: { id: { in: [...areaIds] } }, include: { site: true } });
  return areaIds.map(
    (areaId) => areas.find((area) => area.id === areaId)?.site ?? new Error(`area ${areaId} vanished`),
  );
});

const linesOfSite = defineLoader<string, Line[]>(async (siteIds, { prisma }) => {
  const rows = await prisma.line.findMany({
    where: { area: { siteId: { in: [...siteIds] } } },
    include: { area: { select: { siteId: true } } },
    orderBy: { name: "asc" },
  });
  return siteIds.map((siteId) =>
    rows.filter((row) => row.area.siteId === siteId).map(({ area: _area, ...line }) => line),
  );
});

export const CriticalityEnum = builder.enumType("Criticality", {
  values: ["LOW", "MEDIUM", "HIGH", "CRITICAL"] as const,
});

export const SiteRef = builder.prismaObject("Site", {
  authScopes: { permission: "plant:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    code: t.exposeString("code"),
    name: t.exposeString("name"),
    timezone: t.exposeString("timezone", { description: "IANA time zone shifts are defined in." }),
  }),
});

export const LineRef = builder.prismaObject("Line", {
  authScopes: { permission: "plant:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    code: t.exposeString("code", { description: "Short stable key, also the key of the line's Redis streams." }),
    name: t.exposeString("name"),
    active: t.exposeBoolean("active"),
    microStopThresholdSeconds: t.exposeInt("microStopThresholdSeconds", {
      description: "Stops shorter than this are small stops (micro-stops), not breakdowns.",
    }),
    oeeTarget: t.exposeFloat("oeeTarget"),
  }),
});
builder.asEntity(LineRef, {
  key: builder.selection<{ id: string }>("id"),
  resolveReference: ({ id }, context) => context.loaders.of(lineById).load(id),
});

export const EquipmentRef = builder.prismaObject("Equipment", {
  authScopes: { permission: "plant:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    code: t.exposeString("code"),
    name: t.exposeString("name"),
    kind: t.exposeString("kind"),
    sequence: t.exposeInt("sequence", { description: "Position along the line, upstream first." }),
    isConstraint: t.exposeBoolean("isConstraint", {
      description: "The line's constraint: its state is the line's state and its counts are the line's.",
    }),
    criticality: t.expose("criticality", { type: CriticalityEnum }),
    targetSpeedPerMinute: t.exposeFloat("targetSpeedPerMinute", { description: "Nameplate speed, units per minute." }),
    oeeTarget: t.exposeFloat("oeeTarget"),
    active: t.exposeBoolean("active"),
  }),
});
builder.asEntity(EquipmentRef, {
  key: builder.selection<{ id: string }>("id"),
  resolveReference: ({ id }, context) => context.loaders.of(equipmentById).load(id),
});

// Fields between the three types, added once all three exist.
builder.objectFields(SiteRef, (t) => ({
  lines: t.field({
    type: [LineRef],
    resolve: (site, _args, context) => context.loaders.of(linesOfSite).load(site.id),
  }),
}));
builder.objectFields(LineRef, (t) => ({
  site: t.field({
    type: SiteRef,
    resolve: (line, _args, context) => context.loaders.of(siteOfArea).load(line.areaId),
  }),
  equipment: t.field({
    type: [EquipmentRef],
    description: "The line's equipment, upstream first.",
    resolve: (line, _args, context) => context.loaders.of(equipmentOfLine).load(line.id),
  }),
}));
builder.objectFields(EquipmentRef, (t) => ({
  line: t.field({
    type: LineRef,
    resolve: async (equipment, _args, context) => {
      const line = await context.loaders.of(lineById).load(equipment.lineId);
      if (!line) throw new Error(`line ${equipment.lineId} of equipment ${equipment.id} vanished`);
      return line;
    },
  }),
}));

export const ProductTypeRef = builder.prismaObject("ProductType", {
  authScopes: { permission: "plant:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    code: t.exposeString("code"),
    name: t.exposeString("name"),
    unit: t.exposeString("unit"),
    idealCycleTimeSeconds: t.exposeFloat("idealCycleTimeSeconds", {
      description: "Seconds per unit at the ideal rate.",
    }),
    idealRatePerMinute: t.exposeFloat("idealRatePerMinute"),
    active: t.exposeBoolean("active"),
  }),
});

// Relay connection types, written out: the kit's builder has no relay plugin.
const PageInfoRef = builder.objectRef<{
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}>("PageInfo");
PageInfoRef.implement({
  shareable: true,
  fields: (t) => ({
    hasNextPage: t.exposeBoolean("hasNextPage"),
    hasPreviousPage: t.exposeBoolean("hasPreviousPage"),
    startCursor: t.exposeString("startCursor", { nullable: true }),
    endCursor: t.exposeString("endCursor", { nullable: true }),
  }),
});

interface LineEdge {
  cursor: string;
  node: Line;
}
const LineEdgeRef = builder.objectRef<LineEdge>("LineEdge").implement({
  fields: (t) => ({
    cursor: t.exposeString("cursor"),
    node: t.field({ type: LineRef, resolve: (edge) => edge.node }),
  }),
});
const LineConnectionRef = builder
  .objectRef<{ edges: LineEdge[]; pageInfo: typeof PageInfoRef.$inferType }>("LineConnection")
  .implement({
    fields: (t) => ({
      edges: t.field({ type: [LineEdgeRef], resolve: (connection) => connection.edges }),
      pageInfo: t.field({ type: PageInfoRef, resolve: (connection) => connection.pageInfo }),
    }),
  });

/** Cursors are opaque to clients: the line's code (unique, the sort key), base64url-encoded. */
function lineCursor(line: Line): string {
  return Buffer.from(`line:${line.code}`).toString("base64url");
}

function codeOfCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, "base64url").toString("utf8");
  if (!decoded.startsWith("line:")) throw new ApiError("BAD_USER_INPUT", `after "${cursor}" is not a cursor of lines.`);
  return decoded.slice("line:".length);
}

builder.queryFields((t) => ({
  lines: t.field({
    type: LineConnectionRef,
    description: "Lines ordered by code, a page at a time.",
    authScopes: { permission: "plant:read" },
    args: {
      first: t.arg.int({ description: `At most ${MAX_LINES_PAGE_SIZE}; ${DEFAULT_LINES_PAGE_SIZE} when omitted.` }),
      after: t.arg.string({ description: "The endCursor of the previous page." }),
      activeOnly: t.arg.boolean({ defaultValue: false }),
    },
    resolve: async (_root, args, { prisma }) => {
      const first = args.first ?? DEFAULT_LINES_PAGE_SIZE;
      if (first < 0 || first > MAX_LINES_PAGE_SIZE) {
        throw new ApiError("BAD_USER_INPUT", `first must be between 0 and ${MAX_LINES_PAGE_SIZE}.`);
      }
      const afterCode = args.after ? codeOfCursor(args.after) : undefined;
      const rows = await prisma.line.findMany({
        where: {
          ...(afterCode === undefined ? {} : { code: { gt: afterCode } }),
          ...(args.activeOnly ? { active: true } : {}),
        },
        orderBy: { code: "asc" },
        take: first + 1,
      });
      const page = rows.slice(0, first);
      const edges = page.map((node) => ({ cursor: lineCursor(node), node }));
      return {
        edges,
        pageInfo: {
          hasNextPage: rows.length > first,
          hasPreviousPage: afterCode !== undefined,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
      };
    },
  }),
  line: t.field({
    type: LineRef,
    nullable: true,
    authScopes: { permission: "plant:read" },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, context) => context.loaders.of(lineById).load(uuidArgument(id, "id")),
  }),
  equipment: t.field({
    type: EquipmentRef,
    nullable: true,
    authScopes: { permission: "plant:read" },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, context) => context.loaders.of(equipmentById).load(uuidArgument(id, "id")),
  }),
  sites: t.field({
    type: [SiteRef],
    authScopes: { permission: "plant:read" },
    resolve: (_root, _args, { prisma }) => prisma.site.findMany({ orderBy: { code: "asc" } }),
  }),
  productTypes: t.field({
    type: [ProductTypeRef],
    authScopes: { permission: "plant:read" },
    args: { activeOnly: t.arg.boolean({ defaultValue: true }) },
    resolve: (_root, args, { prisma }): Promise<ProductType[]> =>
      prisma.productType.findMany({ where: args.activeOnly ? { active: true } : {}, orderBy: { code: "asc" } }),
  }),
}));
