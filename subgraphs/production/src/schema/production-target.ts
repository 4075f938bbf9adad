// Production targets per line, per shift instance and per hour: a paged query with filters, and the
// admin mutations that set, change and remove them (audited). A shift target spans its shift
// instance exactly; an hour target spans one clock hour.
import type { Prisma, ProductionTarget, TargetGranularity } from "@ms5/db";
import {
  ApiError,
  afterKeyset,
  CONNECTION_DEFAULTS,
  CONNECTION_LIST_SIZE,
  InputInvalid,
  keysetPage,
  NotFound,
} from "@ms5/kit/subgraph";
import { builder, uuidArgument } from "../builder.ts";
import { ADMIN_ERRORS, DuplicateKey } from "../plant-admin/admin-errors.ts";
import { wholeNumber } from "../plant-admin/admin-input.ts";
import { auditedChange } from "../plant-admin/audited-change.ts";
import "./admin-errors.ts";
import { LineRef, lineById, ProductTypeRef, productTypeById } from "./plant.ts";
import { connectionRef } from "./relay-connection.ts";
import { ShiftInstanceRef, shiftInstanceById } from "./shift.ts";

const HOUR_MS = 3_600_000;

/** A target above this is a typo. @default 100,000,000 units */
export const MAX_TARGET_QUANTITY = 100_000_000;

export const TargetGranularityEnum = builder.enumType("TargetGranularity", {
  values: ["SHIFT", "HOUR"] as const satisfies readonly TargetGranularity[],
});

export const ProductionTargetRef = builder.prismaObject("ProductionTarget", {
  description: "How many good units a line should make in a shift or an hour.",
  authScopes: { permission: "schedule:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    granularity: t.field({ type: TargetGranularityEnum, resolve: (target) => target.granularity }),
    periodStart: t.expose("periodStart", { type: "DateTime" }),
    periodEnd: t.expose("periodEnd", { type: "DateTime" }),
    targetQuantity: t.exposeInt("targetQuantity"),
    line: t.field({
      type: LineRef,
      resolve: async (target, _args, context) => {
        const line = await context.loaders.of(lineById).load(target.lineId);
        if (!line) throw new Error(`line of target ${target.id} vanished`);
        return line;
      },
    }),
    shiftInstance: t.field({
      type: ShiftInstanceRef,
      nullable: true,
      resolve: (target, _args, context) =>
        target.shiftInstanceId ? context.loaders.of(shiftInstanceById).load(target.shiftInstanceId) : null,
    }),
    productType: t.field({
      type: ProductTypeRef,
      nullable: true,
      description: "The product the target is for; null for any product.",
      resolve: (target, _args, context) =>
        target.productTypeId ? context.loaders.of(productTypeById).load(target.productTypeId) : null,
    }),
  }),
});

const ProductionTargetConnectionRef = connectionRef("ProductionTarget", ProductionTargetRef);

const optionalUuid = (value: string | number | null | undefined, name: string) =>
  value === null || value === undefined ? undefined : uuidArgument(value, name);

builder.queryFields((t) => ({
  productionTargets: t.field({
    type: ProductionTargetConnectionRef,
    listSize: CONNECTION_LIST_SIZE,
    description: "Targets ordered by period start, a page at a time; `from`/`to` keep those overlapping [from, to).",
    authScopes: { permission: "schedule:read" },
    args: {
      first: t.arg.int({
        description: `At most ${CONNECTION_DEFAULTS.maxPageSize}; ${CONNECTION_DEFAULTS.defaultPageSize} when omitted.`,
      }),
      after: t.arg.string(),
      lineId: t.arg.id(),
      granularity: t.arg({ type: TargetGranularityEnum }),
      shiftInstanceId: t.arg.id(),
      from: t.arg({ type: "DateTime" }),
      to: t.arg({ type: "DateTime" }),
    },
    resolve: (_root, args, { prisma }) => {
      const lineId = optionalUuid(args.lineId, "lineId");
      const shiftInstanceId = optionalUuid(args.shiftInstanceId, "shiftInstanceId");
      if (args.from && args.to && args.to <= args.from) throw new ApiError("BAD_USER_INPUT", "to must be after from.");
      return keysetPage<ProductionTarget>({
        list: "production-targets",
        args,
        sortOf: (target) => target.periodStart,
        fetch: (after, take) =>
          prisma.productionTarget.findMany({
            where: {
              AND: [
                afterKeyset("periodStart", after) as Prisma.ProductionTargetWhereInput,
                lineId ? { lineId } : {},
                args.granularity ? { granularity: args.granularity } : {},
                shiftInstanceId ? { shiftInstanceId } : {},
                args.from ? { periodEnd: { gt: args.from } } : {},
                args.to ? { periodStart: { lt: args.to } } : {},
              ],
            },
            orderBy: [{ periodStart: "asc" }, { id: "asc" }],
            take,
          }),
      });
    },
  }),
}));

const CreateProductionTargetInput = builder.inputType("CreateProductionTargetInput", {
  fields: (t) => ({
    lineId: t.id({ required: true }),
    granularity: t.field({ type: TargetGranularityEnum, required: true }),
    shiftInstanceId: t.id({ description: "Required for SHIFT (its period is the instance's); optional for HOUR." }),
    periodStart: t.field({ type: "DateTime", description: "Required for HOUR: the start of a clock hour." }),
    productTypeId: t.id(),
    targetQuantity: t.int({ required: true }),
  }),
});

function targetQuantity(value: number) {
  return wholeNumber(value, "targetQuantity", { max: MAX_TARGET_QUANTITY }) as number;
}

builder.mutationFields((t) => ({
  createProductionTarget: t.field({
    type: ProductionTargetRef,
    description: "Sets a line's target for one shift instance or one hour.",
    authScopes: { permission: "schedule:manage" },
    errors: { types: ADMIN_ERRORS },
    args: { input: t.arg({ type: CreateProductionTargetInput, required: true }) },
    resolve: (_root, { input }, context) => {
      const lineId = uuidArgument(input.lineId, "lineId");
      const shiftInstanceId = optionalUuid(input.shiftInstanceId, "shiftInstanceId");
      const productTypeId = optionalUuid(input.productTypeId, "productTypeId");
      const quantity = targetQuantity(input.targetQuantity);
      if (input.granularity === "SHIFT" && !shiftInstanceId) {
        throw new InputInvalid("shiftInstanceId", "A shift target names its shift instance.");
      }
      if (input.granularity === "SHIFT" && input.periodStart) {
        throw new InputInvalid("periodStart", "A shift target spans its shift instance; leave periodStart out.");
      }
      if (input.granularity === "HOUR") {
        if (!input.periodStart) throw new InputInvalid("periodStart", "An hour target names its hour.");
        if (input.periodStart.getTime() % HOUR_MS !== 0) {
          throw new InputInvalid("periodStart", "An hour target starts on the hour.");
        }
      }
      return auditedChange(context, "production target", async (tx) => {
        if (!(await tx.line.findUnique({ where: { id: lineId } }))) throw new NotFound("line", lineId);
        if (productTypeId && !(await tx.productType.findUnique({ where: { id: productTypeId } }))) {
          throw new NotFound("product type", productTypeId);
        }
        const instance = shiftInstanceId ? await tx.shiftInstance.findUnique({ where: { id: shiftInstanceId } }) : null;
        if (shiftInstanceId && !instance) throw new NotFound("shift instance", shiftInstanceId);
        const periodStart =
          input.granularity === "SHIFT" ? (instance as { startsAt: Date }).startsAt : (input.periodStart as Date);
        const periodEnd =
          input.granularity === "SHIFT"
            ? (instance as { endsAt: Date }).endsAt
            : new Date(periodStart.getTime() + HOUR_MS);
        if (instance && (periodStart < instance.startsAt || periodEnd > instance.endsAt)) {
          throw new InputInvalid("periodStart", "The hour lies outside the shift instance.");
        }
        const taken = await tx.productionTarget.findUnique({
          where: { lineId_granularity_periodStart: { lineId, granularity: input.granularity, periodStart } },
        });
        if (taken) throw new DuplicateKey("production target", "periodStart", periodStart.toISOString());
        const row = await tx.productionTarget.create({
          data: {
            lineId,
            granularity: input.granularity,
            periodStart,
            periodEnd,
            shiftInstanceId: instance?.id ?? null,
            productTypeId: productTypeId ?? null,
            targetQuantity: quantity,
          },
        });
        return {
          row,
          audit: { action: "production-target.create", entityType: "ProductionTarget", entityId: row.id, after: row },
        };
      });
    },
  }),
  updateProductionTarget: t.field({
    type: ProductionTargetRef,
    description: "Changes a target's quantity (and, when given, its product).",
    authScopes: { permission: "schedule:manage" },
    errors: { types: ADMIN_ERRORS },
    args: {
      id: t.arg.id({ required: true }),
      targetQuantity: t.arg.int({ required: true }),
      productTypeId: t.arg.id(),
    },
    resolve: (_root, args, context) => {
      const id = uuidArgument(args.id, "id");
      const quantity = targetQuantity(args.targetQuantity);
      const productTypeId = optionalUuid(args.productTypeId, "productTypeId");
      return auditedChange(context, "production target", async (tx) => {
        const before = await tx.productionTarget.findUnique({ where: { id } });
        if (!before) throw new NotFound("production target", id);
        if (productTypeId && !(await tx.productType.findUnique({ where: { id: productTypeId } }))) {
          throw new NotFound("product type", productTypeId);
        }
        const row = await tx.productionTarget.update({
          where: { id },
          data: { targetQuantity: quantity, ...(productTypeId ? { productTypeId } : {}) },
        });
        return {
          row,
          audit: {
            action: "production-target.update",
            entityType: "ProductionTarget",
            entityId: id,
            before,
            after: row,
          },
        };
      });
    },
  }),
  deleteProductionTarget: t.field({
    type: ProductionTargetRef,
    description: "Removes a target (the audit log keeps it); returns it as it was.",
    authScopes: { permission: "schedule:manage" },
    errors: { types: ADMIN_ERRORS },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => {
      const id = uuidArgument(args.id, "id");
      return auditedChange(context, "production target", async (tx) => {
        const before = await tx.productionTarget.findUnique({ where: { id } });
        if (!before) throw new NotFound("production target", id);
        await tx.productionTarget.delete({ where: { id } });
        return {
          row: before,
          audit: { action: "production-target.delete", entityType: "ProductionTarget", entityId: id, before },
        };
      });
    },
  }),
}));
