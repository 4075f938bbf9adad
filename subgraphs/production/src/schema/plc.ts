// PLCs and tag maps, read side: the controllers the bridge polls (driver, address, slot, timeouts,
// the scan groups their bindings make) and the tag maps that bind canonical signals and free-form
// samples to PLC addresses. PLC settings are plant administration: every field needs plant:manage.
// Changes live in plc-admin.ts.
import type { Equipment, Plc, TagMap } from "@ms5/db";
import { defineLoader } from "@ms5/kit/subgraph";
import { CANONICAL_SIGNALS, type TagBinding } from "@ms5/plc-bridge/plant-config";
import { builder, uuidArgument } from "../builder.ts";
import { EquipmentRef, SiteRef, siteById } from "./plant.ts";

export const PlcDriverEnum = builder.enumType("PlcDriver", {
  description: "The protocol a PLC is read with. The bridge has LOGIX and SLC_PCCC drivers today.",
  values: {
    LOGIX: { description: "ControlLogix / CompactLogix: symbolic tags over EtherNet/IP (CIP)." },
    SLC_PCCC: { description: "SLC 500 / MicroLogix: data-table addresses (N7:0, B3:1/5) in PCCC over EtherNet/IP." },
    MODBUS_TCP: { description: "Not read by the bridge yet." },
    OPC_UA: { description: "Not read by the bridge yet." },
  } as const,
});

export const TagTypeEnum = builder.enumType("TagType", {
  values: ["BOOL", "SINT", "INT", "DINT", "LINT", "REAL", "LREAL"] as const,
});

/** A PLC's driver options, as the bridge's configuration reads them from `connectionOptions`. */
export interface PlcConnectionOptions {
  timeoutMs?: number;
  connected?: boolean;
  model?: string;
  [other: string]: unknown;
}

/** The bridge's defaults for options a PLC row does not set (plant-config.ts). */
export const PLC_OPTION_DEFAULTS = { timeoutMs: 2_000, connected: true } as const;

export function plcOptions(plc: Pick<Plc, "connectionOptions">): PlcConnectionOptions {
  const options = plc.connectionOptions;
  return options && typeof options === "object" && !Array.isArray(options) ? (options as PlcConnectionOptions) : {};
}

/** One binding of a tag map, with the signal it feeds. */
export interface TagBindingRow extends TagBinding {
  signal: string;
}

export function tagBindingsOf(tagMap: Pick<TagMap, "tags">): TagBindingRow[] {
  const tags = (tagMap.tags ?? {}) as Record<string, TagBinding>;
  return Object.entries(tags).map(([signal, binding]) => ({ signal, ...binding }));
}

export const TagBindingRef = builder.objectRef<TagBindingRow>("TagBinding").implement({
  description: "A PLC address read at a scan rate and published as a signal of the equipment using the map.",
  fields: (t) => ({
    signal: t.exposeString("signal", {
      description: "A canonical signal (running, stateCode, goodCount...) or the name of a free-form sample.",
    }),
    canonical: t.boolean({
      description: "Whether the bridge gives the signal a meaning (state, counts, faults) or publishes it as a sample.",
      resolve: (binding) => (CANONICAL_SIGNALS as readonly string[]).includes(binding.signal),
    }),
    address: t.string({
      description: "In the map's driver syntax: a Logix tag (Faults[1]) under the equipment's prefix, or N7:0, B3:1/5.",
      resolve: (binding) => binding.tag,
    }),
    type: t.field({ type: TagTypeEnum, resolve: (binding) => binding.type }),
    length: t.int({ description: "Array elements; 1 for a scalar.", resolve: (binding) => binding.length ?? 1 }),
    scanMs: t.exposeInt("scanMs", { description: "How often the bridge reads it." }),
    deadband: t.float({
      nullable: true,
      description: "Changes smaller than this are not published (between heartbeats).",
      resolve: (binding) => binding.deadband ?? null,
    }),
    heartbeatMs: t.int({
      nullable: true,
      description: "Published at least this often even without a change.",
      resolve: (binding) => binding.heartbeatMs ?? null,
    }),
  }),
});

export const ScanGroupRef = builder.objectRef<{ scanMs: number; tagCount: number }>("PlcScanGroup").implement({
  description: "Tags a PLC's bindings read at one scan rate: one batched read each scan.",
  fields: (t) => ({
    scanMs: t.exposeInt("scanMs"),
    tagCount: t.exposeInt("tagCount"),
  }),
});

/** Each PLC's active equipment with its tag map, for scan groups and bound equipment. */
const equipmentOfPlc = defineLoader<string, (Equipment & { tagMap: TagMap | null })[]>(async (plcIds, { prisma }) => {
  const rows = await prisma.equipment.findMany({
    where: { plcId: { in: [...plcIds] } },
    include: { tagMap: true },
    orderBy: { code: "asc" },
  });
  return plcIds.map((plcId) => rows.filter((row) => row.plcId === plcId));
});

const equipmentOfTagMap = defineLoader<string, Equipment[]>(async (tagMapIds, { prisma }) => {
  const rows = await prisma.equipment.findMany({
    where: { tagMapId: { in: [...tagMapIds] } },
    orderBy: { code: "asc" },
  });
  return tagMapIds.map((tagMapId) => rows.filter((row) => row.tagMapId === tagMapId));
});

export const plcById = defineLoader<string, Plc | null>(async (ids, { prisma }) => {
  const rows = await prisma.plc.findMany({ where: { id: { in: [...ids] } } });
  return ids.map((id) => rows.find((row) => row.id === id) ?? null);
});

export const tagMapById = defineLoader<string, TagMap | null>(async (ids, { prisma }) => {
  const rows = await prisma.tagMap.findMany({ where: { id: { in: [...ids] } } });
  return ids.map((id) => rows.find((row) => row.id === id) ?? null);
});

export const PlcRef = builder.prismaObject("Plc", {
  description: "A controller the PLC bridge polls.",
  authScopes: { permission: "plant:manage" },
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name", { description: "Unique; the `plc` field of the bridge's stream entries." }),
    driver: t.expose("driver", { type: PlcDriverEnum }),
    host: t.exposeString("host", { description: "Host name or IP address the bridge connects to." }),
    port: t.exposeInt("port", { description: "EtherNet/IP port, 44818 on a real controller." }),
    slot: t.exposeInt("slot", { description: "Backplane slot of the CPU (0 on a CompactLogix or an SLC 5/05)." }),
    timeoutMs: t.int({
      description: "How long the bridge waits for each request before calling the PLC silent.",
      resolve: (plc) => plcOptions(plc).timeoutMs ?? PLC_OPTION_DEFAULTS.timeoutMs,
    }),
    connected: t.boolean({
      description: "Connected messaging (Forward Open) where the controller allows it, unconnected otherwise.",
      resolve: (plc) => plcOptions(plc).connected ?? PLC_OPTION_DEFAULTS.connected,
    }),
    model: t.string({
      nullable: true,
      description: "The controller's model, as the plant documents it.",
      resolve: (plc) => (typeof plcOptions(plc).model === "string" ? (plcOptions(plc).model as string) : null),
    }),
    site: t.field({
      type: SiteRef,
      resolve: async (plc, _args, context) => {
        const site = await context.loaders.of(siteById).load(plc.siteId);
        if (!site) throw new Error(`site ${plc.siteId} of PLC ${plc.id} vanished`);
        return site;
      },
    }),
    equipment: t.field({
      type: [EquipmentRef],
      listSize: { assumedSize: 10 },
      description: "Equipment read from this PLC.",
      resolve: (plc, _args, context) => context.loaders.of(equipmentOfPlc).load(plc.id),
    }),
    scanGroups: t.field({
      type: [ScanGroupRef],
      listSize: { assumedSize: 5 },
      description: "The scan rates the bridge reads this PLC at (active equipment with a tag map), fastest first.",
      resolve: async (plc, _args, context) => {
        const counts = new Map<number, number>();
        for (const equipment of await context.loaders.of(equipmentOfPlc).load(plc.id)) {
          if (!equipment.active || !equipment.tagMap) continue;
          for (const binding of tagBindingsOf(equipment.tagMap)) {
            counts.set(binding.scanMs, (counts.get(binding.scanMs) ?? 0) + 1);
          }
        }
        return [...counts].sort(([a], [b]) => a - b).map(([scanMs, tagCount]) => ({ scanMs, tagCount }));
      },
    }),
  }),
});

export const TagMapRef = builder.prismaObject("TagMap", {
  description: "Signals bound to PLC addresses, shared by identical machines (one PLC program).",
  authScopes: { permission: "plant:manage" },
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    driver: t.expose("driver", { type: PlcDriverEnum, description: "The address syntax of its bindings." }),
    version: t.exposeInt("version", { description: "Counts the edits of its bindings." }),
    bindings: t.field({
      type: [TagBindingRef],
      listSize: { assumedSize: 30 },
      resolve: (tagMap) => tagBindingsOf(tagMap),
    }),
    equipment: t.field({
      type: [EquipmentRef],
      listSize: { assumedSize: 10 },
      description: "Equipment read with this map.",
      resolve: (tagMap, _args, context) => context.loaders.of(equipmentOfTagMap).load(tagMap.id),
    }),
  }),
});

builder.objectFields(EquipmentRef, (t) => ({
  plc: t.field({
    type: PlcRef,
    nullable: true,
    authScopes: { permission: "plant:manage" },
    description: "The PLC the bridge reads this equipment from.",
    resolve: (equipment, _args, context) =>
      equipment.plcId ? context.loaders.of(plcById).load(equipment.plcId) : null,
  }),
  tagMap: t.field({
    type: TagMapRef,
    nullable: true,
    authScopes: { permission: "plant:manage" },
    resolve: (equipment, _args, context) =>
      equipment.tagMapId ? context.loaders.of(tagMapById).load(equipment.tagMapId) : null,
  }),
  readFromPlc: t.boolean({
    description:
      "Whether a PLC reports this equipment's states and stops; without one, its stops are entered by hand (recordManualStop).",
    resolve: (equipment) => equipment.plcId !== null,
  }),
  plcTagPrefix: t.string({
    nullable: true,
    authScopes: { permission: "plant:manage" },
    description: "Program scope or prefix of its tags on a Logix PLC, e.g. Program:Bagger1.",
    resolve: (equipment) => equipment.plcTagPrefix,
  }),
}));

builder.queryFields((t) => ({
  plcs: t.field({
    type: [PlcRef],
    listSize: { assumedSize: 50 },
    description: "Every PLC, by name.",
    authScopes: { permission: "plant:manage" },
    resolve: (_root, _args, context) => context.prisma.plc.findMany({ orderBy: { name: "asc" } }),
  }),
  plc: t.field({
    type: PlcRef,
    nullable: true,
    authScopes: { permission: "plant:manage" },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, context) => context.loaders.of(plcById).load(uuidArgument(id, "id")),
  }),
  tagMaps: t.field({
    type: [TagMapRef],
    listSize: { assumedSize: 20 },
    description: "Every tag map, by name.",
    authScopes: { permission: "plant:manage" },
    resolve: (_root, _args, context) => context.prisma.tagMap.findMany({ orderBy: { name: "asc" } }),
  }),
  tagMap: t.field({
    type: TagMapRef,
    nullable: true,
    authScopes: { permission: "plant:manage" },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, context) => context.loaders.of(tagMapById).load(uuidArgument(id, "id")),
  }),
}));
