// productionByHour and faultPareto: a line's output hour by hour against its hour targets, and the PLC
// faults of a range most frequent first. The shift report prints the same rows.
import { checkedRange } from "../analytics/analytics-range.ts";
import { type FaultParetoRow, faultPareto } from "../analytics/fault-pareto.ts";
import { type HourProduction, hourProductionKey, productionByHour } from "../analytics/production-by-hour.ts";
import { builder } from "../builder.ts";
import { idListArgument } from "./oee-analytics.ts";
import { CONNECTION_LIST_SIZE, connectionRef, pageOf } from "./relay-connection.ts";

const HourProductionRef = builder.objectRef<HourProduction>("HourProduction").implement({
  fields: (t) => ({
    lineId: t.exposeID("lineId"),
    hourStart: t.expose("hourStart", { type: "DateTime" }),
    goodCount: t.exposeInt("goodCount"),
    rejectCount: t.exposeInt("rejectCount"),
    targetQuantity: t.exposeInt("targetQuantity", {
      nullable: true,
      description: "The hour's target; null without one.",
    }),
  }),
});

type RankedFault = FaultParetoRow & { rank: number };

const FaultParetoRowRef = builder.objectRef<RankedFault>("FaultParetoRow").implement({
  fields: (t) => ({
    rank: t.exposeInt("rank", { description: "1 for the most frequent fault." }),
    faultCode: t.exposeString("faultCode"),
    text: t.exposeString("text"),
    count: t.exposeInt("count"),
    firstOutCount: t.exposeInt("firstOutCount", { description: "How often it was the first-out fault of a stop." }),
    totalSeconds: t.exposeFloat("totalSeconds"),
  }),
});

const HourProductionConnectionRef = connectionRef("HourProduction", HourProductionRef);
const FaultParetoConnectionRef = connectionRef("FaultPareto", FaultParetoRowRef);

const rangeArguments = (t: Parameters<Parameters<typeof builder.queryFields>[0]>[0]) => ({
  from: t.arg({ type: "DateTime", required: true }),
  to: t.arg({ type: "DateTime", required: true }),
  lineIds: t.arg.idList(),
  first: t.arg.int(),
  after: t.arg.string(),
});

builder.queryFields((t) => ({
  productionByHour: t.field({
    type: HourProductionConnectionRef,
    listSize: CONNECTION_LIST_SIZE,
    description:
      "Good and reject counts per line and hour starting in [from, to), beside the hour's target, oldest first.",
    authScopes: { permission: "report:read" },
    args: rangeArguments(t),
    resolve: async (_root, args, { prisma }) => {
      const range = checkedRange(args.from, args.to);
      const rows = await productionByHour(prisma, { ...range, lineIds: idListArgument(args.lineIds, "lineIds") });
      const { page, connection } = pageOf("productionByHour", rows, hourProductionKey, args);
      return connection(page) as never;
    },
  }),
  faultPareto: t.field({
    type: FaultParetoConnectionRef,
    listSize: CONNECTION_LIST_SIZE,
    description: "PLC faults raised in [from, to) by fault code, most frequent first.",
    authScopes: { permission: "report:read" },
    args: rangeArguments(t),
    resolve: async (_root, args, { prisma }) => {
      const range = checkedRange(args.from, args.to);
      const rows = await faultPareto(prisma, { ...range, lineIds: idListArgument(args.lineIds, "lineIds") });
      const ranked = rows.map((row, i) => ({ ...row, rank: i + 1 }));
      const { page, connection } = pageOf("faultPareto", ranked, (row) => String(row.rank).padStart(8, "0"), args);
      return connection(page) as never;
    },
  }),
}));
