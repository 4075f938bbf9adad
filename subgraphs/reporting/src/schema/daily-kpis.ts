// dailyProductionKpis: one row per line and site-local day; the page is cut before any figure is read.

import { checkedRange } from "../analytics/analytics-range.ts";
import { type DailyKpis, dailyKpiRows, dailyKpisOf } from "../analytics/daily-kpis.ts";
import { builder } from "../builder.ts";
import { idListArgument } from "./oee-analytics.ts";
import { CONNECTION_LIST_SIZE, connectionRef, pageOf } from "./relay-connection.ts";

const DailyProductionKpisRef = builder.objectRef<DailyKpis>("DailyProductionKpis").implement({
  fields: (t) => ({
    lineId: t.exposeID("lineId"),
    day: t.exposeString("day", { description: "YYYY-MM-DD in the site's time zone." }),
    start: t.expose("start", { type: "DateTime" }),
    end: t.expose("end", { type: "DateTime" }),
    goodCount: t.exposeInt("goodCount"),
    rejectCount: t.exposeInt("rejectCount"),
    scrapCount: t.exposeInt("scrapCount"),
    targetQuantity: t.exposeInt("targetQuantity", { nullable: true }),
    actualQuantity: t.exposeInt("actualQuantity"),
    firstPassYield: t.exposeFloat("firstPassYield", { nullable: true }),
    mtbfSeconds: t.exposeFloat("mtbfSeconds", { nullable: true }),
    mttrSeconds: t.exposeFloat("mttrSeconds", { nullable: true }),
    mttaSeconds: t.exposeFloat("mttaSeconds", { nullable: true }),
  }),
});

const DailyProductionKpisConnectionRef = connectionRef("DailyProductionKpis", DailyProductionKpisRef);

builder.queryFields((t) => ({
  dailyProductionKpis: t.field({
    type: DailyProductionKpisConnectionRef,
    listSize: CONNECTION_LIST_SIZE,
    description: "Production KPIs per line and day for the days starting in [from, to), oldest first.",
    authScopes: { permission: "report:read" },
    args: {
      from: t.arg({ type: "DateTime", required: true }),
      to: t.arg({ type: "DateTime", required: true }),
      lineIds: t.arg.idList(),
      first: t.arg.int(),
      after: t.arg.string(),
    },
    resolve: async (_root, args, { prisma }) => {
      const range = checkedRange(args.from, args.to);
      const rows = await dailyKpiRows(prisma, { ...range, lineIds: idListArgument(args.lineIds, "lineIds") });
      const { page, connection } = pageOf("dailyProductionKpis", rows, (row) => `${row.day.date}|${row.lineId}`, args);
      return connection(await Promise.all(page.map((row) => dailyKpisOf(prisma, row)))) as never;
    },
  }),
}));
