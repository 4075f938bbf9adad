// Holds on work orders: placed by an inspector (quality:perform), dispositioned and released only
// with quality:manage.
import { builder, uuidArgument } from "../builder.ts";
import { userActorOf } from "../checks/actor.ts";
import { dispositionHold, placeHold, releaseHold } from "../holds/quality-holds.ts";
import { qualityRuntimeOf } from "../quality-runtime.ts";
import { STEP_ERRORS } from "./quality-errors.ts";

export const HoldStatusEnum = builder.enumType("QualityHoldStatus", {
  values: ["ON_HOLD", "DISPOSITIONED", "RELEASED"] as const,
});
export const HoldDispositionEnum = builder.enumType("HoldDisposition", {
  values: ["USE_AS_IS", "REWORK", "SCRAP"] as const,
});

export const QualityHoldRef = builder.prismaObject("QualityHold", {
  description: "A work order held by quality until its disposition is approved and it is released.",
  authScopes: { permission: "quality:read" },
  fields: (t) => ({
    id: t.exposeID("id"),
    workOrderId: t.exposeID("workOrderId"),
    reason: t.exposeString("reason"),
    status: t.expose("status", { type: HoldStatusEnum }),
    quantity: t.exposeInt("quantity", { nullable: true }),
    placedById: t.exposeID("placedById"),
    placedAt: t.expose("placedAt", { type: "DateTime" }),
    disposition: t.expose("disposition", { type: HoldDispositionEnum, nullable: true }),
    dispositionNote: t.exposeString("dispositionNote", { nullable: true }),
    dispositionById: t.exposeID("dispositionById", { nullable: true }),
    dispositionAt: t.expose("dispositionAt", { type: "DateTime", nullable: true }),
    releasedById: t.exposeID("releasedById", { nullable: true }),
    releasedAt: t.expose("releasedAt", { type: "DateTime", nullable: true }),
  }),
});

builder.queryFields((t) => ({
  qualityHolds: t.prismaField({
    type: [QualityHoldRef],
    listSize: { assumedSize: 50 },
    description: "Holds, newest first; by default those not yet released.",
    authScopes: { permission: "quality:read" },
    args: { statuses: t.arg({ type: [HoldStatusEnum] }), workOrderId: t.arg.id() },
    resolve: (query, _root, args, context) =>
      context.prisma.qualityHold.findMany({
        ...query,
        where: {
          status: { in: args.statuses?.length ? args.statuses : ["ON_HOLD", "DISPOSITIONED"] },
          ...(args.workOrderId ? { workOrderId: uuidArgument(args.workOrderId, "workOrderId") } : {}),
        },
        orderBy: { placedAt: "desc" },
        take: 500,
      }),
  }),
}));

builder.mutationFields((t) => ({
  placeQualityHold: t.field({
    type: QualityHoldRef,
    description: "Puts a work order on hold.",
    authScopes: { permission: "quality:perform" },
    errors: { types: STEP_ERRORS },
    args: {
      workOrderId: t.arg.id({ required: true }),
      reason: t.arg.string({ required: true }),
      quantity: t.arg.int(),
    },
    resolve: (_root, args, context) =>
      placeHold(
        context.prisma,
        userActorOf(context),
        {
          workOrderId: uuidArgument(args.workOrderId, "workOrderId"),
          reason: args.reason,
          quantity: args.quantity ?? null,
        },
        qualityRuntimeOf(context).now(),
      ),
  }),
  dispositionQualityHold: t.field({
    type: QualityHoldRef,
    description: "Approves what happens to held units: use as is, rework or scrap.",
    authScopes: { permission: "quality:manage" },
    errors: { types: STEP_ERRORS },
    args: {
      holdId: t.arg.id({ required: true }),
      disposition: t.arg({ type: HoldDispositionEnum, required: true }),
      note: t.arg.string(),
    },
    resolve: (_root, args, context) =>
      dispositionHold(
        context.prisma,
        userActorOf(context),
        { holdId: uuidArgument(args.holdId, "holdId"), disposition: args.disposition, note: args.note ?? null },
        qualityRuntimeOf(context).now(),
      ),
  }),
  releaseQualityHold: t.field({
    type: QualityHoldRef,
    description: "Releases a dispositioned hold.",
    authScopes: { permission: "quality:manage" },
    errors: { types: STEP_ERRORS },
    args: { holdId: t.arg.id({ required: true }) },
    resolve: (_root, args, context) =>
      releaseHold(
        context.prisma,
        userActorOf(context),
        uuidArgument(args.holdId, "holdId"),
        qualityRuntimeOf(context).now(),
      ),
  }),
}));
