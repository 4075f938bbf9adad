// The plant model (ISA-95 site > area > line > equipment) and product types, read side: the Line
// and Equipment entities other subgraphs extend, Relay-style connections with filters for each, and
// every list-of-children field through a per-request DataLoader. Changes live in plant-admin.ts.
import type { Area, Equipment, Line, Prisma, ProductType, Site } from "@ms5/db";
import { afterKeyset, CONNECTION_DEFAULTS, CONNECTION_LIST_SIZE, defineLoader, keysetPage } from "@ms5/kit/subgraph";
import { builder, uuidArgument } from "../builder.ts";
import { connectionRef } from "./relay-connection.ts";

export const lineById = defineLoader<string, Line | null>(async (ids, { prisma }) => {
  const rows = await prisma.line.findMany({ where: { id: { in: [...ids] } } });
  return ids.map((id) => rows.find((row) => row.id === id) ?? null);
});

export const equipmentById = defineLoader<string, Equipment | null>(async (ids, { prisma }) => {
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

export const siteById = defineLoader<string, Site | null>(async (ids, { prisma }) => {
  const rows = await prisma.site.findMany({ where: { id: { in: [...ids] } } });
  return ids.map((id) => rows.find((row) => row.id === id) ?? null);
});

export const productTypeById = defineLoader<string, ProductType | null>(async (ids, { prisma }) => {
  const rows = await prisma.productType.findMany({ where: { id: { in: [...ids] } } });
  return ids.map((id) => rows.find((row) => row.id === id) ?? null);
});

const areaById = defineLoader<string, Area | null>(async (ids, { prisma }) => {
  const rows = await prisma.area.findMany({ where: { id: { in: [...ids] } } });
  return ids.map((id) => rows.find((row) => row.id === id) ?? null);
});

const areasOfSite = defineLoader<string, Area[]>(async (siteIds, { prisma }) => {
  const rows = await prisma.area.findMany({ where: { siteId: { in: [...siteIds] } }, orderBy: { code: "asc" } });
  return siteIds.map((siteId) => rows.filter((row) => row.siteId === siteId));
});

const linesOfArea = defineLoader<string, Line[]>(async (areaIds, { prisma }) => {
  const rows = await prisma.line.findMany({ where: { areaId: { in: [...areaIds] } }, orderBy: { code: "asc" } });
  return areaIds.map((areaId) => rows.filter((row) => row.areaId === areaId));
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
    active: t.exposeBoolean("active"),
  }),
});

export const AreaRef = builder.prismaObject("Area", {
  description: "A part of a site (a hall, a department) that groups lines.",
  authScopes: { permission: "plant:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    code: t.exposeString("code"),
    name: t.exposeString("name"),
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
  areas: t.field({
    type: [AreaRef],
    resolve: (site, _args, context) => context.loaders.of(areasOfSite).load(site.id),
  }),
  lines: t.field({
    type: [LineRef],
    resolve: (site, _args, context) => context.loaders.of(linesOfSite).load(site.id),
  }),
}));
builder.objectFields(AreaRef, (t) => ({
  site: t.field({
    type: SiteRef,
    resolve: async (area, _args, context) => {
      const site = await context.loaders.of(siteById).load(area.siteId);
      if (!site) throw new Error(`site ${area.siteId} of area ${area.id} vanished`);
      return site;
    },
  }),
  lines: t.field({
    type: [LineRef],
    resolve: (area, _args, context) => context.loaders.of(linesOfArea).load(area.id),
  }),
}));
builder.objectFields(LineRef, (t) => ({
  area: t.field({
    type: AreaRef,
    resolve: async (line, _args, context) => {
      const area = await context.loaders.of(areaById).load(line.areaId);
      if (!area) throw new Error(`area ${line.areaId} of line ${line.id} vanished`);
      return area;
    },
  }),
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

// An entity so other subgraphs add fields to it (quality: the product's inspection plans).
builder.asEntity(ProductTypeRef, {
  key: builder.selection<{ id: string }>("id"),
  resolveReference: ({ id }, context) => context.loaders.of(productTypeById).load(id),
});

const SiteConnectionRef = connectionRef("Site", SiteRef);
const LineConnectionRef = connectionRef("Line", LineRef);
const EquipmentConnectionRef = connectionRef("Equipment", EquipmentRef);
const ProductTypeConnectionRef = connectionRef("ProductType", ProductTypeRef);

const FIRST_DESCRIPTION = `At most ${CONNECTION_DEFAULTS.maxPageSize}; ${CONNECTION_DEFAULTS.defaultPageSize} when omitted.`;

/** A case-insensitive "code or name contains" filter; none for a blank search. */
function codeOrNameContains(search: string | null | undefined) {
  const text = search?.trim();
  if (!text) return {};
  return {
    OR: [
      { code: { contains: text, mode: "insensitive" as const } },
      { name: { contains: text, mode: "insensitive" as const } },
    ],
  };
}

builder.queryFields((t) => ({
  sites: t.field({
    type: SiteConnectionRef,
    listSize: CONNECTION_LIST_SIZE,
    description: "Sites ordered by code, a page at a time.",
    authScopes: { permission: "plant:read" },
    args: {
      first: t.arg.int({ description: FIRST_DESCRIPTION }),
      after: t.arg.string({ description: "The endCursor of the previous page." }),
      search: t.arg.string({ description: "Only sites whose code or name contains this (any case)." }),
      activeOnly: t.arg.boolean({ defaultValue: false }),
    },
    resolve: (_root, args, { prisma }) =>
      keysetPage<Site>({
        list: "sites",
        args,
        sortOf: (site) => site.code,
        fetch: (after, take) =>
          prisma.site.findMany({
            where: {
              AND: [
                afterKeyset("code", after) as Prisma.SiteWhereInput,
                codeOrNameContains(args.search),
                args.activeOnly ? { active: true } : {},
              ],
            },
            orderBy: [{ code: "asc" }, { id: "asc" }],
            take,
          }),
      }),
  }),
  lines: t.field({
    type: LineConnectionRef,
    listSize: CONNECTION_LIST_SIZE,
    description: "Lines ordered by code, a page at a time.",
    authScopes: { permission: "plant:read" },
    args: {
      first: t.arg.int({ description: FIRST_DESCRIPTION }),
      after: t.arg.string({ description: "The endCursor of the previous page." }),
      activeOnly: t.arg.boolean({ defaultValue: false }),
      siteId: t.arg.id({ description: "Only the lines of this site." }),
      areaId: t.arg.id({ description: "Only the lines of this area." }),
      search: t.arg.string({ description: "Only lines whose code or name contains this (any case)." }),
    },
    resolve: (_root, args, { prisma }) => {
      const filters: Prisma.LineWhereInput[] = [codeOrNameContains(args.search)];
      if (args.activeOnly) filters.push({ active: true });
      if (args.siteId) filters.push({ area: { siteId: uuidArgument(args.siteId, "siteId") } });
      if (args.areaId) filters.push({ areaId: uuidArgument(args.areaId, "areaId") });
      return keysetPage<Line>({
        list: "lines",
        args,
        sortOf: (line) => line.code,
        fetch: (after, take) =>
          prisma.line.findMany({
            where: { AND: [afterKeyset("code", after) as Prisma.LineWhereInput, ...filters] },
            orderBy: [{ code: "asc" }, { id: "asc" }],
            take,
          }),
      });
    },
  }),
  allEquipment: t.field({
    type: EquipmentConnectionRef,
    listSize: CONNECTION_LIST_SIZE,
    description: "Equipment across lines ordered by code, a page at a time.",
    authScopes: { permission: "plant:read" },
    args: {
      first: t.arg.int({ description: FIRST_DESCRIPTION }),
      after: t.arg.string({ description: "The endCursor of the previous page." }),
      lineId: t.arg.id({ description: "Only the equipment of this line." }),
      kind: t.arg.string({ description: "Only equipment of this kind (bagger, palletiser...)." }),
      activeOnly: t.arg.boolean({ defaultValue: false }),
      constraintsOnly: t.arg.boolean({ defaultValue: false, description: "Only each line's constraint." }),
      search: t.arg.string({ description: "Only equipment whose code or name contains this (any case)." }),
    },
    resolve: (_root, args, { prisma }) => {
      const filters: Prisma.EquipmentWhereInput[] = [codeOrNameContains(args.search)];
      if (args.lineId) filters.push({ lineId: uuidArgument(args.lineId, "lineId") });
      if (args.kind) filters.push({ kind: args.kind });
      if (args.activeOnly) filters.push({ active: true });
      if (args.constraintsOnly) filters.push({ isConstraint: true });
      return keysetPage<Equipment>({
        list: "equipment",
        args,
        sortOf: (equipment) => equipment.code,
        fetch: (after, take) =>
          prisma.equipment.findMany({
            where: { AND: [afterKeyset("code", after) as Prisma.EquipmentWhereInput, ...filters] },
            orderBy: [{ code: "asc" }, { id: "asc" }],
            take,
          }),
      });
    },
  }),
  productTypes: t.field({
    type: ProductTypeConnectionRef,
    listSize: CONNECTION_LIST_SIZE,
    description: "Product types ordered by code, a page at a time.",
    authScopes: { permission: "plant:read" },
    args: {
      first: t.arg.int({ description: FIRST_DESCRIPTION }),
      after: t.arg.string({ description: "The endCursor of the previous page." }),
      activeOnly: t.arg.boolean({ defaultValue: true }),
      search: t.arg.string({ description: "Only product types whose code or name contains this (any case)." }),
    },
    resolve: (_root, args, { prisma }) =>
      keysetPage<ProductType>({
        list: "product-types",
        args,
        sortOf: (productType) => productType.code,
        fetch: (after, take) =>
          prisma.productType.findMany({
            where: {
              AND: [
                afterKeyset("code", after) as Prisma.ProductTypeWhereInput,
                codeOrNameContains(args.search),
                args.activeOnly ? { active: true } : {},
              ],
            },
            orderBy: [{ code: "asc" }, { id: "asc" }],
            take,
          }),
      }),
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
  site: t.field({
    type: SiteRef,
    nullable: true,
    authScopes: { permission: "plant:read" },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, context) => context.loaders.of(siteById).load(uuidArgument(id, "id")),
  }),
  productType: t.field({
    type: ProductTypeRef,
    nullable: true,
    authScopes: { permission: "plant:read" },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, context) => context.loaders.of(productTypeById).load(uuidArgument(id, "id")),
  }),
}));
