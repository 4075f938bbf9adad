// Admin mutations of PLCs, tag maps and which equipment is read from where, each with plant:manage,
// audited in its own transaction, checked twice before it commits (each field by the bridge's own
// address syntax and bounds, then the whole plant as the bridge would load it) and announced, so the
// running bridge reloads without a restart: a changed PLC reconnects, the others keep polling.
import type { Plc, Prisma, TagMap } from "@ms5/db";
import { InputInvalid, NotFound } from "@ms5/kit/subgraph";
import { builder, uuidArgument } from "../builder.ts";
import { ADMIN_ERRORS, DuplicateKey, InvalidStatusChange } from "../plant-admin/admin-errors.ts";
import { definedOnly, optionalText, requiredText, wholeNumber } from "../plant-admin/admin-input.ts";
import { announced, auditedChange, auditedEdit } from "../plant-admin/audited-change.ts";
import { refusePlantTheBridgeWouldRefuse } from "../plc-admin/bridge-plant-check.ts";
import {
  type BridgeDriver,
  bridgeDriver,
  checkedTagBinding,
  checkedTagBindings,
  plcHost,
} from "../plc-admin/tag-binding-input.ts";
import "./admin-errors.ts";
import { EquipmentRef } from "./plant.ts";
import { PlcDriverEnum, PlcRef, plcOptions, TagMapRef, TagTypeEnum } from "./plc.ts";

/** Request timeouts the bridge takes. @default 50 ms to 30 s */
const TIMEOUT_BOUNDS = { min: 50, max: 30_000 };

const TagBindingInput = builder.inputType("TagBindingInput", {
  fields: (t) => ({
    signal: t.string({ required: true, description: "running, stateCode, goodCount... or a free-form sample name." }),
    address: t.string({
      required: true,
      description: "In the tag map's driver syntax: Faults[1], N7:0, B3:1/5, T4:0.ACC.",
    }),
    type: t.field({ type: TagTypeEnum, required: true }),
    length: t.int({ description: "Array elements; a scalar when omitted." }),
    scanMs: t.int({ required: true, description: "20 ms to 10 s." }),
    deadband: t.float(),
    heartbeatMs: t.int(),
  }),
});
const CreatePlcInput = builder.inputType("CreatePlcInput", {
  fields: (t) => ({
    siteId: t.id({ required: true }),
    name: t.string({ required: true }),
    driver: t.field({ type: PlcDriverEnum, required: true }),
    host: t.string({ required: true }),
    port: t.int({ description: "44818 when omitted." }),
    slot: t.int({ description: "0 when omitted." }),
    timeoutMs: t.int({ description: "2000 when omitted." }),
    connected: t.boolean({ description: "Connected messaging; true when omitted." }),
    model: t.string(),
  }),
});
const UpdatePlcInput = builder.inputType("UpdatePlcInput", {
  fields: (t) => ({
    name: t.string(),
    driver: t.field({ type: PlcDriverEnum, description: "Only to the driver of the tag maps its equipment uses." }),
    host: t.string(),
    port: t.int(),
    slot: t.int(),
    timeoutMs: t.int(),
    connected: t.boolean(),
    model: t.string(),
  }),
});
const CreateTagMapInput = builder.inputType("CreateTagMapInput", {
  fields: (t) => ({
    name: t.string({ required: true }),
    driver: t.field({ type: PlcDriverEnum, required: true }),
    bindings: t.field({ type: [TagBindingInput], required: true }),
  }),
});
const UpdateTagMapInput = builder.inputType("UpdateTagMapInput", {
  fields: (t) => ({
    name: t.string(),
    bindings: t.field({ type: [TagBindingInput], description: "Replaces every binding." }),
  }),
});
const EquipmentPlcInput = builder.inputType("EquipmentPlcInput", {
  fields: (t) => ({
    plcId: t.id({ description: "Null stops the bridge reading the equipment." }),
    tagMapId: t.id({ description: "Required with a PLC; of the PLC's driver." }),
    tagPrefix: t.string({ description: "Program scope or prefix on a Logix PLC (Program:Bagger1); none on an SLC." }),
  }),
});

function nullToUndefined<T>(value: T | null | undefined): T | undefined {
  return value === null ? undefined : value;
}

function portNumber(value: number | null | undefined): number | undefined {
  return wholeNumber(value, "port", { min: 1, max: 65_535 });
}

function plcName(value: string): string {
  return requiredText(value, "name", 63);
}

/** Connection options merged over what the row has (the model and other documented keys stay). */
function mergedOptions(
  current: Prisma.JsonValue | undefined,
  input: { timeoutMs?: number | null; connected?: boolean | null; model?: string | null },
): Prisma.InputJsonObject {
  const base = current ? plcOptions({ connectionOptions: current }) : {};
  return {
    ...(base as Prisma.InputJsonObject),
    ...definedOnly({
      timeoutMs: wholeNumber(input.timeoutMs, "timeoutMs", TIMEOUT_BOUNDS),
      connected: nullToUndefined(input.connected),
      model: optionalText(input.model, "model", 60),
    }),
  };
}

/** Equipment on a PLC of one driver reads with a tag map of that driver's syntax. */
async function refuseDriverMismatch(
  tx: Prisma.TransactionClient,
  plcId: string,
  driver: string,
  field: string,
): Promise<void> {
  const mismatched = await tx.equipment.findFirst({
    where: { plcId, tagMap: { driver: { not: driver as Plc["driver"] } } },
    include: { tagMap: true },
  });
  if (mismatched?.tagMap) {
    throw new InputInvalid(
      field,
      `Equipment ${mismatched.code} on this PLC reads with tag map ${mismatched.tagMap.name}, written for ${mismatched.tagMap.driver}; move it first.`,
    );
  }
}

/** Tag-map edits: the bridge reloads equipment using it; the version counts the edits. */
function tagMapEdit(
  context: Parameters<typeof auditedEdit>[0],
  id: string,
  action: string,
  change: (before: TagMap) => { name?: string; tags: Prisma.InputJsonObject },
) {
  return announced(
    context,
    "tagMap",
    auditedEdit(
      context,
      { entity: "tag map", entityType: "TagMap", action, id },
      (tx) => tx.tagMap.findUnique({ where: { id } }),
      async (tx, before) => {
        const { name, tags } = change(before);
        if (name && name !== before.name && (await tx.tagMap.findUnique({ where: { name } }))) {
          throw new DuplicateKey("tag map", "name", name);
        }
        const row = await tx.tagMap.update({
          where: { id },
          data: { ...(name ? { name } : {}), tags, version: { increment: 1 } },
        });
        await refusePlantTheBridgeWouldRefuse(tx, "bindings");
        return row;
      },
    ),
  );
}

builder.mutationFields((t) => ({
  createPlc: t.field({
    type: PlcRef,
    description: "Adds a PLC; the bridge polls it once equipment is bound to it.",
    authScopes: { permission: "plant:manage" },
    errors: { types: ADMIN_ERRORS },
    args: { input: t.arg({ type: CreatePlcInput, required: true }) },
    resolve: (_root, { input }, context) => {
      const siteId = uuidArgument(input.siteId, "siteId");
      const data = {
        siteId,
        name: plcName(input.name),
        driver: bridgeDriver(input.driver),
        host: plcHost(input.host),
        ...definedOnly({ port: portNumber(input.port), slot: wholeNumber(input.slot, "slot", { max: 255 }) }),
        connectionOptions: mergedOptions(undefined, input),
      };
      return announced(
        context,
        "plc",
        auditedChange(context, "PLC", async (tx) => {
          if (!(await tx.site.findUnique({ where: { id: siteId } }))) throw new NotFound("site", siteId);
          if (await tx.plc.findUnique({ where: { name: data.name } })) throw new DuplicateKey("PLC", "name", data.name);
          const row = await tx.plc.create({ data });
          return { row, audit: { action: "plc.create", entityType: "Plc", entityId: row.id, after: row } };
        }),
      );
    },
  }),
  updatePlc: t.field({
    type: PlcRef,
    description:
      "Changes a PLC's driver, address, slot or timeouts; the bridge reconnects to it, the other PLCs keep polling.",
    authScopes: { permission: "plant:manage" },
    errors: { types: ADMIN_ERRORS },
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdatePlcInput, required: true }) },
    resolve: (_root, args, context) => {
      const id = uuidArgument(args.id, "id");
      const { input } = args;
      const driver = input.driver ? bridgeDriver(input.driver) : undefined;
      const fields = definedOnly({
        name: input.name ? plcName(input.name) : undefined,
        driver,
        host: input.host ? plcHost(input.host) : undefined,
        port: portNumber(input.port),
        slot: wholeNumber(input.slot, "slot", { max: 255 }),
      });
      // checked before the transaction too: a bad value is refused even when nothing else changes
      mergedOptions(undefined, input);
      return announced(
        context,
        "plc",
        auditedEdit(
          context,
          { entity: "PLC", entityType: "Plc", action: "plc.update", id },
          (tx) => tx.plc.findUnique({ where: { id } }),
          async (tx, before) => {
            if (
              fields.name &&
              fields.name !== before.name &&
              (await tx.plc.findUnique({ where: { name: fields.name } }))
            ) {
              throw new DuplicateKey("PLC", "name", fields.name);
            }
            if (driver && driver !== before.driver) await refuseDriverMismatch(tx, id, driver, "driver");
            const row = await tx.plc.update({
              where: { id },
              data: { ...fields, connectionOptions: mergedOptions(before.connectionOptions, input) },
            });
            await refusePlantTheBridgeWouldRefuse(tx, "input");
            return row;
          },
        ),
      );
    },
  }),
  deletePlc: t.field({
    type: PlcRef,
    description: "Removes a PLC nothing is read from; refused while equipment is bound to it.",
    authScopes: { permission: "plant:manage" },
    errors: { types: ADMIN_ERRORS },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => {
      const id = uuidArgument(args.id, "id");
      return announced(
        context,
        "plc",
        auditedEdit(
          context,
          { entity: "PLC", entityType: "Plc", action: "plc.delete", id },
          (tx) => tx.plc.findUnique({ where: { id } }),
          async (tx, before) => {
            const bound = await tx.equipment.count({ where: { plcId: id } });
            if (bound > 0) {
              throw new InvalidStatusChange(
                "PLC",
                id,
                "IN_USE",
                "DELETED",
                `${bound} equipment are read from PLC ${before.name}; bind them elsewhere first.`,
              );
            }
            await tx.plc.delete({ where: { id } });
            return before;
          },
        ),
      );
    },
  }),
  createTagMap: t.field({
    type: TagMapRef,
    description: "Adds a tag map in one driver's address syntax, each address checked by that driver's parser.",
    authScopes: { permission: "plant:manage" },
    errors: { types: ADMIN_ERRORS },
    args: { input: t.arg({ type: CreateTagMapInput, required: true }) },
    resolve: (_root, { input }, context) => {
      const driver = bridgeDriver(input.driver);
      const data = {
        name: requiredText(input.name, "name", 63),
        driver,
        tags: checkedTagBindings(driver, input.bindings) as Prisma.InputJsonObject,
      };
      return announced(
        context,
        "tagMap",
        auditedChange(context, "tag map", async (tx) => {
          if (await tx.tagMap.findUnique({ where: { name: data.name } })) {
            throw new DuplicateKey("tag map", "name", data.name);
          }
          const row = await tx.tagMap.create({ data });
          return { row, audit: { action: "tag-map.create", entityType: "TagMap", entityId: row.id, after: row } };
        }),
      );
    },
  }),
  updateTagMap: t.field({
    type: TagMapRef,
    description: "Renames a tag map or replaces its bindings; the bridge reads the new bindings without a restart.",
    authScopes: { permission: "plant:manage" },
    errors: { types: ADMIN_ERRORS },
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateTagMapInput, required: true }) },
    resolve: (_root, args, context) => {
      const id = uuidArgument(args.id, "id");
      const name = optionalText(args.input.name, "name", 63);
      const bindings = args.input.bindings;
      return tagMapEdit(context, id, "tag-map.update", (before) => ({
        ...(name ? { name } : {}),
        tags: (bindings
          ? checkedTagBindings(before.driver as BridgeDriver, bindings)
          : before.tags) as Prisma.InputJsonObject,
      }));
    },
  }),
  setTagBinding: t.field({
    type: TagMapRef,
    description: "Adds a binding to a tag map, or replaces the one of the same signal.",
    authScopes: { permission: "plant:manage" },
    errors: { types: ADMIN_ERRORS },
    args: {
      tagMapId: t.arg.id({ required: true }),
      binding: t.arg({ type: TagBindingInput, required: true }),
    },
    resolve: (_root, args, context) => {
      const id = uuidArgument(args.tagMapId, "tagMapId");
      return tagMapEdit(context, id, "tag-map.set-binding", (before) => {
        const binding = checkedTagBinding(bridgeDriver(before.driver), args.binding, "binding");
        const tags = { ...(before.tags as Prisma.JsonObject), [args.binding.signal.trim()]: binding };
        return { tags: tags as Prisma.InputJsonObject };
      });
    },
  }),
  removeTagBinding: t.field({
    type: TagMapRef,
    description: "Takes a signal out of a tag map: the bridge stops reading it.",
    authScopes: { permission: "plant:manage" },
    errors: { types: ADMIN_ERRORS },
    args: { tagMapId: t.arg.id({ required: true }), signal: t.arg.string({ required: true }) },
    resolve: (_root, args, context) => {
      const id = uuidArgument(args.tagMapId, "tagMapId");
      return tagMapEdit(context, id, "tag-map.remove-binding", (before) => {
        const tags = { ...(before.tags as Prisma.JsonObject) };
        if (!(args.signal in tags)) throw new NotFound("tag binding", args.signal);
        delete tags[args.signal];
        return { tags: tags as Prisma.InputJsonObject };
      });
    },
  }),
  deleteTagMap: t.field({
    type: TagMapRef,
    description: "Removes a tag map no equipment uses.",
    authScopes: { permission: "plant:manage" },
    errors: { types: ADMIN_ERRORS },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => {
      const id = uuidArgument(args.id, "id");
      return auditedEdit(
        context,
        { entity: "tag map", entityType: "TagMap", action: "tag-map.delete", id },
        (tx) => tx.tagMap.findUnique({ where: { id } }),
        async (tx, before) => {
          const used = await tx.equipment.count({ where: { tagMapId: id } });
          if (used > 0) {
            throw new InvalidStatusChange(
              "tag map",
              id,
              "IN_USE",
              "DELETED",
              `${used} equipment read with tag map ${before.name}; give them another first.`,
            );
          }
          await tx.tagMap.delete({ where: { id } });
          return before;
        },
      );
    },
  }),
  setEquipmentPlc: t.field({
    type: EquipmentRef,
    description: "Says which PLC and tag map the bridge reads equipment with, or (plcId null) stops reading it.",
    authScopes: { permission: "plant:manage" },
    errors: { types: ADMIN_ERRORS },
    args: { equipmentId: t.arg.id({ required: true }), input: t.arg({ type: EquipmentPlcInput, required: true }) },
    resolve: (_root, args, context) => {
      const id = uuidArgument(args.equipmentId, "equipmentId");
      const plcId = args.input.plcId ? uuidArgument(args.input.plcId, "plcId") : null;
      const tagMapId = args.input.tagMapId ? uuidArgument(args.input.tagMapId, "tagMapId") : null;
      if (plcId && !tagMapId) throw new InputInvalid("tagMapId", "A PLC needs a tag map to read the equipment with.");
      const tagPrefix = args.input.tagPrefix?.trim() || null;
      return announced(
        context,
        "plc",
        auditedEdit(
          context,
          { entity: "equipment", entityType: "Equipment", action: "equipment.plc", id },
          (tx) => tx.equipment.findUnique({ where: { id } }),
          async (tx) => {
            if (plcId) {
              const plc = await tx.plc.findUnique({ where: { id: plcId } });
              if (!plc) throw new NotFound("PLC", plcId);
              const tagMap = await tx.tagMap.findUnique({ where: { id: tagMapId! } });
              if (!tagMap) throw new NotFound("tag map", tagMapId!);
              if (tagMap.driver !== plc.driver) {
                throw new InputInvalid(
                  "tagMapId",
                  `Tag map ${tagMap.name} is written for ${tagMap.driver}; PLC ${plc.name} is read with ${plc.driver}.`,
                );
              }
            }
            const row = await tx.equipment.update({
              where: { id },
              data: plcId
                ? { plcId, tagMapId, plcTagPrefix: tagPrefix }
                : { plcId: null, tagMapId: null, plcTagPrefix: null },
            });
            await refusePlantTheBridgeWouldRefuse(tx, "input");
            return row;
          },
        ),
      );
    },
  }),
}));
