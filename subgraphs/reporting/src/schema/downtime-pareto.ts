// downtimePareto: stops by reason, category or equipment over a range, largest total first,
// computed by PostgreSQL over every line asked for (the web app no longer sums them itself).

import { checkedRange } from "../analytics/analytics-range.ts";
import { DOWNTIME_PARETO_DIMENSIONS, type DowntimeParetoRow, downtimePareto } from "../analytics/downtime-pareto.ts";
import { builder } from "../builder.ts";
import { idListArgument } from "./oee-analytics.ts";
import { CONNECTION_LIST_SIZE, connectionRef, pageOf } from "./relay-connection.ts";

const DowntimeParetoDimensionEnum = builder.enumType("DowntimeParetoDimension", { values: DOWNTIME_PARETO_DIMENSIONS });

type RankedRow = DowntimeParetoRow & { rank: number };

const DowntimeParetoRowRef = builder.objectRef<RankedRow>("DowntimeParetoRow").implement({
  fields: (t) => ({
    rank: t.exposeInt("rank", { description: "1 for the largest total duration." }),
    key: t.exposeString("key", { nullable: true, description: "Reason code id, category, or equipment id." }),
    label: t.exposeString("label"),
    count: t.exposeInt("count"),
    totalSeconds: t.exposeFloat("totalSeconds"),
    meanSeconds: t.exposeFloat("meanSeconds"),
    share: t.exposeFloat("share", { description: "Share of all stop time in the range, 0 to 1." }),
  }),
});

const DowntimeParetoConnectionRef = connectionRef("DowntimePareto", DowntimeParetoRowRef);

builder.queryFields((t) => ({
  downtimePareto: t.field({
    type: DowntimeParetoConnectionRef,
    listSize: CONNECTION_LIST_SIZE,
    description:
      "Stops overlapping [from, to) (clipped to it), grouped, with count, total and mean duration, largest first.",
    authScopes: { permission: "report:read" },
    args: {
      from: t.arg({ type: "DateTime", required: true }),
      to: t.arg({ type: "DateTime", required: true }),
      by: t.arg({ type: DowntimeParetoDimensionEnum, required: true }),
      lineIds: t.arg.idList(),
      first: t.arg.int(),
      after: t.arg.string(),
    },
    resolve: async (_root, args, { prisma }) => {
      const range = checkedRange(args.from, args.to);
      const rows = await downtimePareto(prisma, {
        ...range,
        by: args.by,
        lineIds: idListArgument(args.lineIds, "lineIds"),
      });
      const ranked = rows.map((row, i) => ({ ...row, rank: i + 1 }));
      const { page, connection } = pageOf("downtimePareto", ranked, (row) => String(row.rank).padStart(8, "0"), args);
      return connection(page) as never;
    },
  }),
}));
