// A product type's specification (issue 21): the weight a unit is filled to, its tolerances and the
// bag it goes in. Quality plans take their weight characteristic's defaults from it; `plant:manage`
// sets it, audited.
import type { ProductType } from "@ms5/db";
import { InputInvalid } from "@ms5/kit/subgraph";
import { builder, uuidArgument } from "../builder.ts";
import { ADMIN_ERRORS } from "../plant-admin/admin-errors.ts";
import { requiredText } from "../plant-admin/admin-input.ts";
import { auditedEdit } from "../plant-admin/audited-change.ts";
import "./admin-errors.ts";
import { ProductTypeRef } from "./plant.ts";

/** The specification fields of a product type row. */
export type ProductSpecification = Pick<
  ProductType,
  "targetWeightKg" | "bagSize" | "toleranceBelowKg" | "toleranceAboveKg"
>;

/** The limits a unit's weight must lie within, or null where the specification does not say. */
export function weightLimitsOf(spec: ProductSpecification): { lowerKg: number | null; upperKg: number | null } {
  if (spec.targetWeightKg === null) return { lowerKg: null, upperKg: null };
  return {
    lowerKg: spec.toleranceBelowKg === null ? null : spec.targetWeightKg - spec.toleranceBelowKg,
    upperKg: spec.toleranceAboveKg === null ? null : spec.targetWeightKg + spec.toleranceAboveKg,
  };
}

const ProductSpecificationRef = builder.objectRef<ProductSpecification>("ProductSpecification").implement({
  description: "What a unit of the product must be: its net weight, tolerances and bag. Null: not specified.",
  fields: (t) => ({
    targetWeightKg: t.exposeFloat("targetWeightKg", { nullable: true, description: "Net weight filled to, kg." }),
    toleranceBelowKg: t.exposeFloat("toleranceBelowKg", {
      nullable: true,
      description: "How far under the target a unit may be, kg.",
    }),
    toleranceAboveKg: t.exposeFloat("toleranceAboveKg", {
      nullable: true,
      description: "How far over the target a unit may be, kg.",
    }),
    lowerLimitKg: t.float({ nullable: true, resolve: (spec) => weightLimitsOf(spec).lowerKg }),
    upperLimitKg: t.float({ nullable: true, resolve: (spec) => weightLimitsOf(spec).upperKg }),
    bagSize: t.exposeString("bagSize", { nullable: true, description: 'The bag, e.g. "500 x 850 mm PE 150 µm".' }),
  }),
});

builder.objectFields(ProductTypeRef, (t) => ({
  specification: t.field({
    type: ProductSpecificationRef,
    resolve: (product) => product,
  }),
}));

const ProductSpecificationInput = builder.inputType("ProductSpecificationInput", {
  description: "The whole specification: a field left out or null is not specified.",
  fields: (t) => ({
    targetWeightKg: t.float({ description: "Above 0." }),
    toleranceBelowKg: t.float({ description: "0 or more, below the target; needs targetWeightKg." }),
    toleranceAboveKg: t.float({ description: "0 or more; needs targetWeightKg." }),
    bagSize: t.string({ description: "At most 100 characters." }),
  }),
});

/** The specification as given, checked; throws InputInvalid naming the field. */
export function checkedSpecification(input: {
  targetWeightKg?: number | null;
  toleranceBelowKg?: number | null;
  toleranceAboveKg?: number | null;
  bagSize?: string | null;
}): ProductSpecification {
  const target = input.targetWeightKg ?? null;
  const below = input.toleranceBelowKg ?? null;
  const above = input.toleranceAboveKg ?? null;
  if (target !== null && (!Number.isFinite(target) || target <= 0 || target > 10_000)) {
    throw new InputInvalid("targetWeightKg", "The target weight is above 0 kg and at most 10 t.");
  }
  for (const [field, value] of [
    ["toleranceBelowKg", below],
    ["toleranceAboveKg", above],
  ] as const) {
    if (value === null) continue;
    if (target === null) throw new InputInvalid(field, "A tolerance needs the target weight it is around.");
    if (!Number.isFinite(value) || value < 0) throw new InputInvalid(field, "A tolerance is 0 kg or more.");
  }
  if (target !== null && below !== null && below >= target) {
    throw new InputInvalid("toleranceBelowKg", "The tolerance below must leave a weight above 0 kg.");
  }
  const bagSize =
    input.bagSize === null || input.bagSize === undefined ? null : requiredText(input.bagSize, "bagSize", 100);
  return { targetWeightKg: target, toleranceBelowKg: below, toleranceAboveKg: above, bagSize };
}

builder.mutationFields((t) => ({
  setProductSpecification: t.field({
    type: ProductTypeRef,
    description: "Sets a product type's specification, replacing the one it had (audited).",
    authScopes: { permission: "plant:manage" },
    errors: { types: ADMIN_ERRORS },
    args: {
      productTypeId: t.arg.id({ required: true }),
      input: t.arg({ type: ProductSpecificationInput, required: true }),
    },
    resolve: (_root, args, context) => {
      const id = uuidArgument(args.productTypeId, "productTypeId");
      const data = checkedSpecification(args.input);
      return auditedEdit(
        context,
        { entity: "product type", entityType: "ProductType", action: "product-type.specification", id },
        (tx) => tx.productType.findUnique({ where: { id } }),
        (tx) => tx.productType.update({ where: { id }, data }),
      );
    },
  }),
}));
