// The fault catalog: what each fault bit of an equipment means, the downtime reason it suggests when
// it is a stop's first-out fault, and the andon type and priority a PLC fault raises. Read by anyone
// who sees the plant; changed (audited) by whoever maintains the reason tree.
import type { AndonPriority, AndonType, FaultCatalogEntry, FaultCategory } from "@ms5/db";
import { defineLoader, InputInvalid, NotFound } from "@ms5/kit/subgraph";
import { builder, uuidArgument } from "../builder.ts";
import { ADMIN_ERRORS, DuplicateKey } from "../plant-admin/admin-errors.ts";
import { definedOnly, requiredText, wholeNumber } from "../plant-admin/admin-input.ts";
import { auditedChange, auditedEdit } from "../plant-admin/audited-change.ts";
import { ReasonCodeRef } from "./downtime.ts";
import { EquipmentRef, equipmentById } from "./plant.ts";

const FAULT_CATEGORIES = [
  "MECHANICAL",
  "ELECTRICAL",
  "PNEUMATIC",
  "PROCESS",
  "MATERIAL",
  "SAFETY",
  "QUALITY",
  "OTHER",
] as const satisfies readonly FaultCategory[];
// The same enums as the andon subgraph's (composition merges identical value types).
const ANDON_TYPES = ["MAINTENANCE", "QUALITY", "MATERIAL", "SAFETY", "HELP"] as const satisfies readonly AndonType[];
const ANDON_PRIORITIES = ["LOW", "MEDIUM", "HIGH", "CRITICAL"] as const satisfies readonly AndonPriority[];

export const FaultCategoryEnum = builder.enumType("FaultCategory", { values: FAULT_CATEGORIES });
const AndonTypeEnum = builder.enumType("AndonType", { values: ANDON_TYPES });
const AndonPriorityEnum = builder.enumType("AndonPriority", { values: ANDON_PRIORITIES });

/** A fault bit index across an equipment's fault words: DINT[2] gives 0-63; 1,023 leaves room for 32 words. */
const MAX_FAULT_BIT = 1_023;
const FAULT_CODE_PATTERN = /^[A-Z0-9][A-Z0-9_-]{0,31}$/;

const reasonCodeById = defineLoader<string, { id: string } | null>(async (ids, { prisma }) => {
  const rows = await prisma.reasonCode.findMany({ where: { id: { in: [...ids] } } });
  return ids.map((id) => rows.find((row) => row.id === id) ?? null);
});

const FaultCatalogEntryRef = builder.objectRef<FaultCatalogEntry>("FaultCatalogEntry").implement({
  description: "What a fault bit of an equipment means and what the plant does when it fires.",
  authScopes: { permission: "plant:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    equipment: t.field({
      type: EquipmentRef,
      resolve: async (entry, _args, context) => {
        const equipment = await context.loaders.of(equipmentById).load(entry.equipmentId);
        // The foreign key cascades: an entry never outlives its equipment.
        if (!equipment) throw new Error(`equipment ${entry.equipmentId} vanished`);
        return equipment;
      },
    }),
    bitIndex: t.exposeInt("bitIndex", { description: "Bit across the equipment's fault words (0-63 for DINT[2])." }),
    faultCode: t.exposeString("faultCode", { description: "As the bridge publishes it, e.g. BG-004." }),
    text: t.exposeString("text"),
    category: t.field({ type: FaultCategoryEnum, resolve: (entry) => entry.category }),
    andonType: t.field({ type: AndonTypeEnum, resolve: (entry) => entry.andonType }),
    andonPriority: t.field({ type: AndonPriorityEnum, resolve: (entry) => entry.andonPriority }),
    suggestedReason: t.field({
      type: ReasonCodeRef,
      nullable: true,
      description: "Suggested for a stop whose first-out fault this is.",
      resolve: (entry, _args, context) =>
        entry.suggestedReasonCodeId
          ? (context.loaders.of(reasonCodeById).load(entry.suggestedReasonCodeId) as never)
          : null,
    }),
    active: t.exposeBoolean("active"),
  }),
});

builder.queryFields((t) => ({
  faultCatalog: t.field({
    type: [FaultCatalogEntryRef],
    description: "An equipment's fault bits, lowest bit first.",
    authScopes: { permission: "plant:read" },
    args: {
      equipmentId: t.arg.id({ required: true }),
      activeOnly: t.arg.boolean({ defaultValue: false }),
    },
    resolve: (_root, args, { prisma }) =>
      prisma.faultCatalogEntry.findMany({
        where: {
          equipmentId: uuidArgument(args.equipmentId, "equipmentId"),
          ...(args.activeOnly ? { active: true } : {}),
        },
        orderBy: { bitIndex: "asc" },
      }),
  }),
}));

const FaultCatalogEntryInput = builder.inputType("FaultCatalogEntryInput", {
  fields: (t) => ({
    equipmentId: t.id({ required: true }),
    bitIndex: t.int({ required: true }),
    faultCode: t.string({ required: true, description: "Upper-case letters, digits, - and _, e.g. BG-004." }),
    text: t.string({ required: true }),
    category: t.field({ type: FaultCategoryEnum, required: true }),
    andonType: t.field({ type: AndonTypeEnum, required: true }),
    andonPriority: t.field({ type: AndonPriorityEnum, required: true }),
    suggestedReasonCodeId: t.id(),
  }),
});

const FaultCatalogEntryChanges = builder.inputType("FaultCatalogEntryChanges", {
  description: "Only the fields given change. The bit and the equipment of an entry never change: add another entry.",
  fields: (t) => ({
    faultCode: t.string(),
    text: t.string(),
    category: t.field({ type: FaultCategoryEnum }),
    andonType: t.field({ type: AndonTypeEnum }),
    andonPriority: t.field({ type: AndonPriorityEnum }),
    suggestedReasonCodeId: t.id({ description: "An empty string removes the suggestion." }),
  }),
});

function faultCodeOf(value: string): string {
  const code = value.trim();
  if (!FAULT_CODE_PATTERN.test(code)) {
    throw new InputInvalid("faultCode", "A fault code is 1 to 32 upper-case letters, digits, - or _, e.g. BG-004.");
  }
  return code;
}

/** The suggested reason's id after checking it names an active reason; null clears it. */
async function suggestedReasonOf(
  tx: { reasonCode: { findUnique: (args: { where: { id: string } }) => Promise<{ active: boolean } | null> } },
  value: string | number | null | undefined,
): Promise<string | null | undefined> {
  if (value === undefined || value === null) return undefined;
  if (String(value) === "") return null;
  const id = uuidArgument(value, "suggestedReasonCodeId");
  const reason = await tx.reasonCode.findUnique({ where: { id } });
  if (!reason?.active) throw new NotFound("active reason code", id);
  return id;
}

builder.mutationFields((t) => ({
  createFaultCatalogEntry: t.field({
    type: FaultCatalogEntryRef,
    description: "Gives a fault bit of an equipment its meaning, suggested reason and andon.",
    authScopes: { permission: "reason-code:manage" },
    errors: { types: ADMIN_ERRORS },
    args: { input: t.arg({ type: FaultCatalogEntryInput, required: true }) },
    resolve: (_root, { input }, context) => {
      const equipmentId = uuidArgument(input.equipmentId, "equipmentId");
      const bitIndex = wholeNumber(input.bitIndex, "bitIndex", { max: MAX_FAULT_BIT }) ?? 0;
      const faultCode = faultCodeOf(input.faultCode);
      const text = requiredText(input.text, "text");
      return auditedChange(context, "fault catalog entry", async (tx) => {
        if (!(await tx.equipment.findUnique({ where: { id: equipmentId } }))) {
          throw new NotFound("equipment", equipmentId);
        }
        const clash = await tx.faultCatalogEntry.findFirst({
          where: { equipmentId, OR: [{ bitIndex }, { faultCode }] },
        });
        if (clash) {
          throw clash.bitIndex === bitIndex
            ? new DuplicateKey("fault catalog entry", "bitIndex", String(bitIndex))
            : new DuplicateKey("fault catalog entry", "faultCode", faultCode);
        }
        const row = await tx.faultCatalogEntry.create({
          data: {
            equipmentId,
            bitIndex,
            faultCode,
            text,
            category: input.category,
            andonType: input.andonType,
            andonPriority: input.andonPriority,
            suggestedReasonCodeId: (await suggestedReasonOf(tx, input.suggestedReasonCodeId)) ?? null,
          },
        });
        return {
          row,
          audit: { action: "fault-catalog.create", entityType: "FaultCatalogEntry", entityId: row.id, after: row },
        };
      });
    },
  }),
  updateFaultCatalogEntry: t.field({
    type: FaultCatalogEntryRef,
    description: "Changes a fault's code, text, category, andon type or priority, or suggested reason.",
    authScopes: { permission: "reason-code:manage" },
    errors: { types: ADMIN_ERRORS },
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: FaultCatalogEntryChanges, required: true }) },
    resolve: (_root, args, context) => {
      const id = uuidArgument(args.id, "id");
      const { input } = args;
      const faultCode =
        input.faultCode === null || input.faultCode === undefined ? undefined : faultCodeOf(input.faultCode);
      const text = input.text === null || input.text === undefined ? undefined : requiredText(input.text, "text");
      return auditedEdit(
        context,
        { entity: "fault catalog entry", entityType: "FaultCatalogEntry", action: "fault-catalog.update", id },
        (tx) => tx.faultCatalogEntry.findUnique({ where: { id } }),
        async (tx, before) => {
          if (faultCode && faultCode !== before.faultCode) {
            const holder = await tx.faultCatalogEntry.findFirst({
              where: { equipmentId: before.equipmentId, faultCode },
            });
            if (holder) throw new DuplicateKey("fault catalog entry", "faultCode", faultCode);
          }
          const data = definedOnly({
            faultCode,
            text,
            category: input.category ?? undefined,
            andonType: input.andonType ?? undefined,
            andonPriority: input.andonPriority ?? undefined,
            suggestedReasonCodeId: await suggestedReasonOf(tx, input.suggestedReasonCodeId),
          });
          if (Object.keys(data).length === 0) throw new InputInvalid("input", "Nothing to change was given.");
          return tx.faultCatalogEntry.update({ where: { id }, data });
        },
      );
    },
  }),
  setFaultCatalogEntryActive: t.field({
    type: FaultCatalogEntryRef,
    description: "Switches a fault entry on or off; an inactive fault suggests no reason and raises no andon.",
    authScopes: { permission: "reason-code:manage" },
    errors: { types: ADMIN_ERRORS },
    args: { id: t.arg.id({ required: true }), active: t.arg.boolean({ required: true }) },
    resolve: (_root, args, context) => {
      const id = uuidArgument(args.id, "id");
      return auditedChange(context, "fault catalog entry", async (tx) => {
        const before = await tx.faultCatalogEntry.findUnique({ where: { id } });
        if (!before) throw new NotFound("fault catalog entry", id);
        const row = await tx.faultCatalogEntry.update({ where: { id }, data: { active: args.active } });
        return {
          row,
          audit: {
            action: args.active ? "fault-catalog.activate" : "fault-catalog.deactivate",
            entityType: "FaultCatalogEntry",
            entityId: id,
            before: { active: before.active },
            after: { active: row.active },
          },
        };
      });
    },
  }),
}));
