// OEE trends from the persisted buckets (OeeRecord rows, recomputed from the event log), never from
// raw samples: availability, performance, quality, counts and the six big losses per bucket.
import type { OeeRecord } from "@ms5/db";
import { ApiError } from "@ms5/kit/subgraph";
import { builder, uuidArgument } from "../builder.ts";
import { ProductSourceEnum } from "./line-state.ts";

/** Limits of oeeTrend. */
export const OEE_TREND_DEFAULTS = {
  /** @default 5,000 buckets: a longer range must use a coarser bucket. */
  maxBuckets: 5_000,
} as const;

const BUCKET_MS = { MINUTE: 60_000, HOUR: 3_600_000, SHIFT: 4 * 3_600_000, DAY: 23 * 3_600_000 } as const;

export const OeeBucketEnum = builder.enumType("OeeBucket", {
  description:
    "MINUTE and HOUR buckets are computed here; SHIFT and site-local DAY buckets are rolled up from HOUR by the reporting subgraph.",
  values: ["MINUTE", "HOUR", "SHIFT", "DAY"] as const,
});

const OeeScopeEnum = builder.enumType("OeeScope", {
  values: ["EQUIPMENT", "LINE"] as const,
});

const SixBigLossTimesRef = builder.objectRef<OeeRecord>("SixBigLossTimes").implement({
  description: "The six big losses of a bucket, in seconds; with run time at ideal rate they add up to planned time.",
  fields: (t) => ({
    breakdownSeconds: t.exposeFloat("breakdownSeconds"),
    setupAdjustmentSeconds: t.exposeFloat("setupAdjustmentSeconds"),
    smallStopSeconds: t.exposeFloat("smallStopSeconds"),
    reducedSpeedSeconds: t.exposeFloat("reducedSpeedSeconds"),
    startupRejectSeconds: t.exposeFloat("startupRejectSeconds"),
    productionRejectSeconds: t.exposeFloat("productionRejectSeconds"),
  }),
});

export const OeeRecordRef = builder.prismaObject("OeeRecord", {
  authScopes: { permission: "oee:read" },
  description: "One persisted OEE bucket of a line or an equipment.",
  fields: (t) => ({
    id: t.exposeID("id"),
    scope: t.expose("scope", { type: OeeScopeEnum }),
    lineId: t.exposeID("lineId"),
    equipmentId: t.exposeID("equipmentId", { nullable: true }),
    productTypeId: t.exposeID("productTypeId", { nullable: true }),
    productSource: t.expose("productSource", {
      type: ProductSourceEnum,
      nullable: true,
      description:
        "Whether the product was confirmed by a job running in the bucket or only planned; null without one.",
    }),
    bucket: t.expose("bucket", { type: OeeBucketEnum }),
    bucketStart: t.expose("bucketStart", { type: "DateTime" }),
    bucketEnd: t.expose("bucketEnd", { type: "DateTime" }),
    plannedProductionSeconds: t.exposeFloat("plannedProductionSeconds"),
    runSeconds: t.exposeFloat("runSeconds"),
    idealCycleTimeSeconds: t.exposeFloat("idealCycleTimeSeconds", { nullable: true }),
    totalCount: t.exposeInt("totalCount"),
    goodCount: t.exposeInt("goodCount"),
    rejectCount: t.exposeInt("rejectCount"),
    availability: t.exposeFloat("availability", { description: "Run time / planned production time." }),
    performance: t.exposeFloat("performance", { description: "Ideal cycle time x total count / run time." }),
    quality: t.exposeFloat("quality", { description: "Good count / total count." }),
    oee: t.exposeFloat("oee", { description: "Availability x performance x quality." }),
    losses: t.field({ type: SixBigLossTimesRef, resolve: (record) => record }),
    computedAt: t.expose("computedAt", { type: "DateTime" }),
  }),
});

builder.queryFields((t) => ({
  oeeTrend: t.field({
    listSize: { assumedSize: OEE_TREND_DEFAULTS.maxBuckets },
    type: [OeeRecordRef],
    description:
      "OEE buckets of a line (its constraint's figures), or of one of its equipment, starting in [from, to), oldest first.",
    authScopes: { permission: "oee:read" },
    args: {
      lineId: t.arg.id({ required: true }),
      equipmentId: t.arg.id({ description: "One equipment of the line instead of the line." }),
      bucket: t.arg({ type: OeeBucketEnum, required: true }),
      from: t.arg({ type: "DateTime", required: true }),
      to: t.arg({ type: "DateTime", required: true }),
    },
    resolve: (_root, args, { prisma }) => {
      const lineId = uuidArgument(args.lineId, "lineId");
      const equipmentId = args.equipmentId ? uuidArgument(args.equipmentId, "equipmentId") : null;
      const span = args.to.getTime() - args.from.getTime();
      if (span <= 0) throw new ApiError("BAD_USER_INPUT", "to must be after from.");
      if (span / BUCKET_MS[args.bucket] > OEE_TREND_DEFAULTS.maxBuckets) {
        throw new ApiError(
          "BAD_USER_INPUT",
          `The range holds more than ${OEE_TREND_DEFAULTS.maxBuckets} ${args.bucket} buckets; use a coarser bucket.`,
        );
      }
      return prisma.oeeRecord.findMany({
        where: {
          lineId,
          bucket: args.bucket,
          bucketStart: { gte: args.from, lt: args.to },
          ...(equipmentId ? { scope: "EQUIPMENT", equipmentId } : { scope: "LINE" }),
        },
        orderBy: { bucketStart: "asc" },
      });
    },
  }),
}));
