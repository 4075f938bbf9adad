// Andon statistics: counts, MTTA and MTTR over a period, grouped by line, type, priority or shift.
import { ApiError } from "@ms5/kit/subgraph";
import { builder, uuidArgument } from "../builder.ts";
import {
  ANDON_STATISTICS_DIMENSIONS,
  type AndonStatisticsGroup,
  andonStatistics,
  MAX_STATISTICS_PERIOD_DAYS,
} from "../statistics/andon-statistics.ts";

const DimensionEnum = builder.enumType("AndonStatisticsDimension", { values: ANDON_STATISTICS_DIMENSIONS });

const GroupRef = builder.objectRef<AndonStatisticsGroup>("AndonStatisticsGroup").implement({
  description: "Andons of one line, type, priority or shift in the period.",
  fields: (t) => ({
    key: t.exposeString("key", {
      nullable: true,
      description: "The line id, type, priority or shift name; null for andons raised outside any shift.",
    }),
    count: t.exposeInt("count"),
    open: t.exposeInt("open", { description: "Still open, acknowledged or in progress." }),
    acknowledged: t.exposeInt("acknowledged"),
    resolved: t.exposeInt("resolved"),
    mttaSeconds: t.exposeFloat("mttaSeconds", {
      nullable: true,
      description: "Mean time to acknowledge (raise to acknowledgement) of the acknowledged ones.",
    }),
    mttrSeconds: t.exposeFloat("mttrSeconds", {
      nullable: true,
      description: "Mean time to resolve (raise to resolution) of the resolved ones.",
    }),
  }),
});

builder.queryFields((t) => ({
  andonStatistics: t.field({
    type: [GroupRef],
    description: `Andons raised in [from, to) grouped by one dimension (at most ${MAX_STATISTICS_PERIOD_DAYS} days).`,
    authScopes: { permission: "andon:read" },
    args: {
      from: t.arg({ type: "DateTime", required: true }),
      to: t.arg({ type: "DateTime", required: true }),
      by: t.arg({ type: DimensionEnum, required: true }),
      lineId: t.arg.id({ required: false }),
    },
    resolve: (_root, args, context) => {
      const span = args.to.getTime() - args.from.getTime();
      if (span <= 0 || span > MAX_STATISTICS_PERIOD_DAYS * 86_400_000) {
        throw new ApiError("BAD_USER_INPUT", `to must be after from, by at most ${MAX_STATISTICS_PERIOD_DAYS} days.`);
      }
      return andonStatistics(context.prisma, {
        from: args.from,
        to: args.to,
        by: args.by,
        lineId: args.lineId ? uuidArgument(args.lineId, "lineId") : null,
      });
    },
  }),
}));
