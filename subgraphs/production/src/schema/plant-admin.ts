// Admin mutations of the plant model: sites, areas, lines, equipment and product types, created,
// changed and deactivated (never deleted: history points at them), each change audited in its own
// transaction. Codes are stable keys other systems hold (a line's code names its Redis streams), so
// they are set at creation and never changed.

import type { Prisma } from "@ms5/db";
import { InputInvalid, NotFound } from "@ms5/kit/subgraph";
import { builder, uuidArgument } from "../builder.ts";
import { ADMIN_ERRORS, DuplicateKey, InvalidStatusChange } from "../plant-admin/admin-errors.ts";
import {
  codeText,
  definedOnly,
  lineCodeText,
  optionalText,
  positiveNumber,
  ratio,
  requiredText,
  timeZoneText,
  wholeNumber,
} from "../plant-admin/admin-input.ts";
import { announced, auditedChange, auditedEdit } from "../plant-admin/audited-change.ts";
import "./admin-errors.ts";
import { AreaRef, CriticalityEnum, EquipmentRef, LineRef, ProductTypeRef, SiteRef } from "./plant.ts";

const SiteCreateInput = builder.inputType("CreateSiteInput", {
  fields: (t) => ({
    code: t.string({ required: true }),
    name: t.string({ required: true }),
    timezone: t.string({ description: "IANA time zone, e.g. Africa/Johannesburg. UTC when omitted." }),
  }),
});
const SiteUpdateInput = builder.inputType("UpdateSiteInput", {
  fields: (t) => ({
    name: t.string(),
    timezone: t.string(),
    active: t.boolean({ description: "true reactivates a deactivated site." }),
  }),
});
const AreaCreateInput = builder.inputType("CreateAreaInput", {
  fields: (t) => ({
    siteId: t.id({ required: true }),
    code: t.string({ required: true }),
    name: t.string({ required: true }),
  }),
});
const LineCreateInput = builder.inputType("CreateLineInput", {
  fields: (t) => ({
    areaId: t.id({ required: true }),
    code: t.string({ required: true, description: "Lower case, digits and '-': it names the line's streams." }),
    name: t.string({ required: true }),
    microStopThresholdSeconds: t.int({ description: "120 when omitted." }),
    oeeTarget: t.float({ description: "0.85 when omitted." }),
  }),
});
const LineUpdateInput = builder.inputType("UpdateLineInput", {
  fields: (t) => ({
    areaId: t.id(),
    name: t.string(),
    microStopThresholdSeconds: t.int(),
    oeeTarget: t.float(),
    active: t.boolean({ description: "true reactivates a deactivated line." }),
  }),
});
const EquipmentCreateInput = builder.inputType("CreateEquipmentInput", {
  fields: (t) => ({
    lineId: t.id({ required: true }),
    code: t.string({ required: true }),
    name: t.string({ required: true }),
    kind: t.string({ required: true }),
    sequence: t.int(),
    isConstraint: t.boolean({ description: "Makes it the line's constraint, in place of the current one." }),
    criticality: t.field({ type: CriticalityEnum }),
    targetSpeedPerMinute: t.float({ required: true }),
    availabilityTarget: t.float(),
    performanceTarget: t.float(),
    qualityTarget: t.float(),
    oeeTarget: t.float(),
    andonEnabled: t.boolean(),
    andonOnFault: t.boolean(),
  }),
});
const EquipmentUpdateInput = builder.inputType("UpdateEquipmentInput", {
  fields: (t) => ({
    name: t.string(),
    kind: t.string(),
    sequence: t.int(),
    isConstraint: t.boolean({ description: "true makes it the line's constraint; false leaves the line without one." }),
    criticality: t.field({ type: CriticalityEnum }),
    targetSpeedPerMinute: t.float(),
    availabilityTarget: t.float(),
    performanceTarget: t.float(),
    qualityTarget: t.float(),
    oeeTarget: t.float(),
    andonEnabled: t.boolean(),
    andonOnFault: t.boolean(),
    active: t.boolean({ description: "true reactivates deactivated equipment." }),
  }),
});
const ProductTypeCreateInput = builder.inputType("CreateProductTypeInput", {
  fields: (t) => ({
    code: t.string({ required: true }),
    name: t.string({ required: true }),
    unit: t.string({ description: '"unit" when omitted.' }),
    idealCycleTimeSeconds: t.float({ required: true, description: "Seconds per unit at the ideal rate." }),
  }),
});
const ProductTypeUpdateInput = builder.inputType("UpdateProductTypeInput", {
  fields: (t) => ({
    name: t.string(),
    unit: t.string(),
    idealCycleTimeSeconds: t.float(),
    active: t.boolean({ description: "true reactivates a deactivated product type." }),
  }),
});

const nullToUndefined = <T>(value: T | null | undefined): T | undefined => (value === null ? undefined : value);

function equipmentTargets(input: {
  targetSpeedPerMinute?: number | null;
  availabilityTarget?: number | null;
  performanceTarget?: number | null;
  qualityTarget?: number | null;
  oeeTarget?: number | null;
  sequence?: number | null;
}) {
  return definedOnly({
    targetSpeedPerMinute: positiveNumber(input.targetSpeedPerMinute, "targetSpeedPerMinute"),
    availabilityTarget: ratio(input.availabilityTarget, "availabilityTarget"),
    performanceTarget: ratio(input.performanceTarget, "performanceTarget"),
    qualityTarget: ratio(input.qualityTarget, "qualityTarget"),
    oeeTarget: ratio(input.oeeTarget, "oeeTarget"),
    sequence: wholeNumber(input.sequence, "sequence", { max: 10_000 }),
  });
}

/** Only one constraint per line: making one equipment the constraint demotes the line's other. */
async function demoteOtherConstraints(tx: Prisma.TransactionClient, lineId: string, keepId: string) {
  await tx.equipment.updateMany({
    where: { lineId, isConstraint: true, id: { not: keepId } },
    data: { isConstraint: false },
  });
}

async function lineWithoutWorkInProgress(tx: Prisma.TransactionClient, lineId: string) {
  const running = await tx.workOrder.count({ where: { lineId, status: "IN_PROGRESS" } });
  const jobs = await tx.jobAssignment.count({ where: { lineId, status: "IN_PROGRESS" } });
  if (running + jobs > 0) {
    throw new InvalidStatusChange(
      "line",
      lineId,
      "ACTIVE",
      "INACTIVE",
      `Line ${lineId} has ${running} work order(s) and ${jobs} job(s) in progress; finish or cancel them first.`,
    );
  }
}

builder.mutationFields((t) => ({
  createSite: t.field({
    type: SiteRef,
    description: "Adds a site.",
    authScopes: { permission: "plant:manage" },
    errors: { types: ADMIN_ERRORS },
    args: { input: t.arg({ type: SiteCreateInput, required: true }) },
    resolve: (_root, { input }, context) => {
      const data = {
        code: codeText(input.code, "code"),
        name: requiredText(input.name, "name"),
        timezone: input.timezone ? timeZoneText(input.timezone, "timezone") : "UTC",
      };
      return auditedChange(context, "site", async (tx) => {
        if (await tx.site.findUnique({ where: { code: data.code } })) throw new DuplicateKey("site", "code", data.code);
        const row = await tx.site.create({ data });
        return { row, audit: { action: "site.create", entityType: "Site", entityId: row.id, after: row } };
      });
    },
  }),
  updateSite: t.field({
    type: SiteRef,
    description: "Renames a site or changes its time zone (shift instances already made keep their instants).",
    authScopes: { permission: "plant:manage" },
    errors: { types: ADMIN_ERRORS },
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: SiteUpdateInput, required: true }) },
    resolve: (_root, args, context) => {
      const id = uuidArgument(args.id, "id");
      if (args.input.active === false) throw new InputInvalid("active", "Use deactivateSite to deactivate a site.");
      const data = definedOnly({
        name: optionalText(args.input.name, "name"),
        timezone: args.input.timezone ? timeZoneText(args.input.timezone, "timezone") : undefined,
        active: nullToUndefined(args.input.active),
      });
      return auditedEdit(
        context,
        { entity: "site", entityType: "Site", action: "site.update", id },
        (tx) => tx.site.findUnique({ where: { id } }),
        (tx) => tx.site.update({ where: { id }, data }),
      );
    },
  }),
  deactivateSite: t.field({
    type: SiteRef,
    description: "Takes a site out of use (its history stays); refused while any of its lines is active.",
    authScopes: { permission: "plant:manage" },
    errors: { types: ADMIN_ERRORS },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => {
      const id = uuidArgument(args.id, "id");
      return auditedEdit(
        context,
        { entity: "site", entityType: "Site", action: "site.deactivate", id },
        (tx) => tx.site.findUnique({ where: { id } }),
        async (tx, before) => {
          if (!before.active) throw new InvalidStatusChange("site", id, "INACTIVE", "INACTIVE");
          const activeLines = await tx.line.count({ where: { active: true, area: { siteId: id } } });
          if (activeLines > 0) {
            throw new InvalidStatusChange(
              "site",
              id,
              "ACTIVE",
              "INACTIVE",
              `Site ${before.code} has ${activeLines} active line(s); deactivate them first.`,
            );
          }
          return tx.site.update({ where: { id }, data: { active: false } });
        },
      );
    },
  }),
  createArea: t.field({
    type: AreaRef,
    description: "Adds an area (a hall, a department) to a site.",
    authScopes: { permission: "plant:manage" },
    errors: { types: ADMIN_ERRORS },
    args: { input: t.arg({ type: AreaCreateInput, required: true }) },
    resolve: (_root, { input }, context) => {
      const siteId = uuidArgument(input.siteId, "siteId");
      const data = { siteId, code: codeText(input.code, "code"), name: requiredText(input.name, "name") };
      return auditedChange(context, "area", async (tx) => {
        if (!(await tx.site.findUnique({ where: { id: siteId } }))) throw new NotFound("site", siteId);
        if (await tx.area.findUnique({ where: { siteId_code: { siteId, code: data.code } } })) {
          throw new DuplicateKey("area", "code", data.code);
        }
        const row = await tx.area.create({ data });
        return { row, audit: { action: "area.create", entityType: "Area", entityId: row.id, after: row } };
      });
    },
  }),
  createLine: t.field({
    type: LineRef,
    description: "Adds a line to an area.",
    authScopes: { permission: "plant:manage" },
    errors: { types: ADMIN_ERRORS },
    args: { input: t.arg({ type: LineCreateInput, required: true }) },
    resolve: (_root, { input }, context) => {
      const areaId = uuidArgument(input.areaId, "areaId");
      const data = {
        areaId,
        code: lineCodeText(input.code),
        name: requiredText(input.name, "name"),
        ...definedOnly({
          microStopThresholdSeconds: wholeNumber(input.microStopThresholdSeconds, "microStopThresholdSeconds", {
            max: 86_400,
          }),
          oeeTarget: ratio(input.oeeTarget, "oeeTarget"),
        }),
      };
      return announced(
        context,
        "line",
        auditedChange(context, "line", async (tx) => {
          if (!(await tx.area.findUnique({ where: { id: areaId } }))) throw new NotFound("area", areaId);
          if (await tx.line.findUnique({ where: { code: data.code } }))
            throw new DuplicateKey("line", "code", data.code);
          const row = await tx.line.create({ data });
          return { row, audit: { action: "line.create", entityType: "Line", entityId: row.id, after: row } };
        }),
      );
    },
  }),
  updateLine: t.field({
    type: LineRef,
    description: "Changes a line's name, area, micro-stop threshold or OEE target, or reactivates it.",
    authScopes: { permission: "plant:manage" },
    errors: { types: ADMIN_ERRORS },
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: LineUpdateInput, required: true }) },
    resolve: (_root, args, context) => {
      const id = uuidArgument(args.id, "id");
      const { input } = args;
      if (input.active === false) throw new InputInvalid("active", "Use deactivateLine to deactivate a line.");
      const areaId = input.areaId ? uuidArgument(input.areaId, "areaId") : undefined;
      const data = definedOnly({
        areaId,
        name: optionalText(input.name, "name"),
        microStopThresholdSeconds: wholeNumber(input.microStopThresholdSeconds, "microStopThresholdSeconds", {
          max: 86_400,
        }),
        oeeTarget: ratio(input.oeeTarget, "oeeTarget"),
        active: nullToUndefined(input.active),
      });
      return announced(
        context,
        "line",
        auditedEdit(
          context,
          { entity: "line", entityType: "Line", action: "line.update", id },
          (tx) => tx.line.findUnique({ where: { id } }),
          async (tx) => {
            if (areaId && !(await tx.area.findUnique({ where: { id: areaId } }))) throw new NotFound("area", areaId);
            return tx.line.update({ where: { id }, data });
          },
        ),
      );
    },
  }),
  deactivateLine: t.field({
    type: LineRef,
    description: "Takes a line out of use (its history stays); refused while work is in progress on it.",
    authScopes: { permission: "plant:manage" },
    errors: { types: ADMIN_ERRORS },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => {
      const id = uuidArgument(args.id, "id");
      return announced(
        context,
        "line",
        auditedEdit(
          context,
          { entity: "line", entityType: "Line", action: "line.deactivate", id },
          (tx) => tx.line.findUnique({ where: { id } }),
          async (tx, before) => {
            if (!before.active) throw new InvalidStatusChange("line", id, "INACTIVE", "INACTIVE");
            await lineWithoutWorkInProgress(tx, id);
            return tx.line.update({ where: { id }, data: { active: false } });
          },
        ),
      );
    },
  }),
  createEquipment: t.field({
    type: EquipmentRef,
    description: "Adds equipment to a line.",
    authScopes: { permission: "plant:manage" },
    errors: { types: ADMIN_ERRORS },
    args: { input: t.arg({ type: EquipmentCreateInput, required: true }) },
    resolve: (_root, { input }, context) => {
      const lineId = uuidArgument(input.lineId, "lineId");
      const data = {
        lineId,
        code: codeText(input.code, "code"),
        name: requiredText(input.name, "name"),
        kind: requiredText(input.kind, "kind", 60),
        targetSpeedPerMinute: positiveNumber(input.targetSpeedPerMinute, "targetSpeedPerMinute") as number,
        ...equipmentTargets(input),
        ...definedOnly({
          isConstraint: nullToUndefined(input.isConstraint),
          criticality: nullToUndefined(input.criticality),
          andonEnabled: nullToUndefined(input.andonEnabled),
          andonOnFault: nullToUndefined(input.andonOnFault),
        }),
      };
      return announced(
        context,
        "equipment",
        auditedChange(context, "equipment", async (tx) => {
          if (!(await tx.line.findUnique({ where: { id: lineId } }))) throw new NotFound("line", lineId);
          if (await tx.equipment.findUnique({ where: { code: data.code } })) {
            throw new DuplicateKey("equipment", "code", data.code);
          }
          const row = await tx.equipment.create({ data });
          if (row.isConstraint) await demoteOtherConstraints(tx, lineId, row.id);
          return { row, audit: { action: "equipment.create", entityType: "Equipment", entityId: row.id, after: row } };
        }),
      );
    },
  }),
  updateEquipment: t.field({
    type: EquipmentRef,
    description: "Changes equipment's settings and targets, or reactivates it.",
    authScopes: { permission: "plant:manage" },
    errors: { types: ADMIN_ERRORS },
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: EquipmentUpdateInput, required: true }) },
    resolve: (_root, args, context) => {
      const id = uuidArgument(args.id, "id");
      const { input } = args;
      if (input.active === false) throw new InputInvalid("active", "Use deactivateEquipment to deactivate equipment.");
      const data = {
        ...equipmentTargets(input),
        ...definedOnly({
          name: optionalText(input.name, "name"),
          kind: optionalText(input.kind, "kind", 60),
          isConstraint: nullToUndefined(input.isConstraint),
          criticality: nullToUndefined(input.criticality),
          andonEnabled: nullToUndefined(input.andonEnabled),
          andonOnFault: nullToUndefined(input.andonOnFault),
          active: nullToUndefined(input.active),
        }),
      };
      return announced(
        context,
        "equipment",
        auditedEdit(
          context,
          { entity: "equipment", entityType: "Equipment", action: "equipment.update", id },
          (tx) => tx.equipment.findUnique({ where: { id } }),
          async (tx) => {
            const row = await tx.equipment.update({ where: { id }, data });
            if (data.isConstraint) await demoteOtherConstraints(tx, row.lineId, id);
            return row;
          },
        ),
      );
    },
  }),
  deactivateEquipment: t.field({
    type: EquipmentRef,
    description: "Takes equipment out of use (its history stays); refused while a job is in progress on it.",
    authScopes: { permission: "plant:manage" },
    errors: { types: ADMIN_ERRORS },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => {
      const id = uuidArgument(args.id, "id");
      return announced(
        context,
        "equipment",
        auditedEdit(
          context,
          { entity: "equipment", entityType: "Equipment", action: "equipment.deactivate", id },
          (tx) => tx.equipment.findUnique({ where: { id } }),
          async (tx, before) => {
            if (!before.active) throw new InvalidStatusChange("equipment", id, "INACTIVE", "INACTIVE");
            const jobs = await tx.jobAssignment.count({ where: { equipmentId: id, status: "IN_PROGRESS" } });
            if (jobs > 0) {
              throw new InvalidStatusChange(
                "equipment",
                id,
                "ACTIVE",
                "INACTIVE",
                `Equipment ${id} has a job in progress.`,
              );
            }
            return tx.equipment.update({ where: { id }, data: { active: false } });
          },
        ),
      );
    },
  }),
  createProductType: t.field({
    type: ProductTypeRef,
    description: "Adds a product type; its ideal rate follows from the ideal cycle time.",
    authScopes: { permission: "plant:manage" },
    errors: { types: ADMIN_ERRORS },
    args: { input: t.arg({ type: ProductTypeCreateInput, required: true }) },
    resolve: (_root, { input }, context) => {
      const cycle = positiveNumber(input.idealCycleTimeSeconds, "idealCycleTimeSeconds") as number;
      const data = {
        code: codeText(input.code, "code"),
        name: requiredText(input.name, "name"),
        unit: input.unit ? requiredText(input.unit, "unit", 20) : "unit",
        idealCycleTimeSeconds: cycle,
        idealRatePerMinute: 60 / cycle,
      };
      return auditedChange(context, "product type", async (tx) => {
        if (await tx.productType.findUnique({ where: { code: data.code } })) {
          throw new DuplicateKey("product type", "code", data.code);
        }
        const row = await tx.productType.create({ data });
        return {
          row,
          audit: { action: "product-type.create", entityType: "ProductType", entityId: row.id, after: row },
        };
      });
    },
  }),
  updateProductType: t.field({
    type: ProductTypeRef,
    description: "Changes a product type's name, unit or ideal cycle time (OEE already recorded keeps its figures).",
    authScopes: { permission: "plant:manage" },
    errors: { types: ADMIN_ERRORS },
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: ProductTypeUpdateInput, required: true }) },
    resolve: (_root, args, context) => {
      const id = uuidArgument(args.id, "id");
      const { input } = args;
      if (input.active === false) throw new InputInvalid("active", "Use deactivateProductType to deactivate it.");
      const cycle = positiveNumber(input.idealCycleTimeSeconds, "idealCycleTimeSeconds");
      const data = definedOnly({
        name: optionalText(input.name, "name"),
        unit: optionalText(input.unit, "unit", 20),
        idealCycleTimeSeconds: cycle,
        idealRatePerMinute: cycle === undefined ? undefined : 60 / cycle,
        active: nullToUndefined(input.active),
      });
      return auditedEdit(
        context,
        { entity: "product type", entityType: "ProductType", action: "product-type.update", id },
        (tx) => tx.productType.findUnique({ where: { id } }),
        (tx) => tx.productType.update({ where: { id }, data }),
      );
    },
  }),
  deactivateProductType: t.field({
    type: ProductTypeRef,
    description: "Takes a product type out of use; refused while open work orders make it.",
    authScopes: { permission: "plant:manage" },
    errors: { types: ADMIN_ERRORS },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => {
      const id = uuidArgument(args.id, "id");
      return auditedEdit(
        context,
        { entity: "product type", entityType: "ProductType", action: "product-type.deactivate", id },
        (tx) => tx.productType.findUnique({ where: { id } }),
        async (tx, before) => {
          if (!before.active) throw new InvalidStatusChange("product type", id, "INACTIVE", "INACTIVE");
          const open = await tx.workOrder.count({
            where: { productTypeId: id, status: { in: ["PLANNED", "RELEASED", "IN_PROGRESS"] } },
          });
          if (open > 0) {
            throw new InvalidStatusChange(
              "product type",
              id,
              "ACTIVE",
              "INACTIVE",
              `${open} open work order(s) make product type ${id}; complete or cancel them first.`,
            );
          }
          return tx.productType.update({ where: { id }, data: { active: false } });
        },
      );
    },
  }),
}));
